package dev.graft.planner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.roaringbitmap.RoaringBitmap;

/** Reads and validates plan input; every error names the offending field and value. */
public final class PlanInputReader {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private PlanInputReader() {}

  /** Parses JSON text into a problem. */
  public static Problem read(String json) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new PlanInputException(
          "input",
          "malformed JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage().split("\n")[0]);
    }
    if (tree == null || tree.isMissingNode() || !tree.isObject()) {
      throw new PlanInputException("input", "must be a JSON object");
    }
    try {
      return toProblem(MAPPER.treeToValue(tree, PlanInput.class));
    } catch (UnrecognizedPropertyException e) {
      throw new PlanInputException(
          path(e), "unknown field, expected one of " + e.getKnownPropertyIds());
    } catch (JsonProcessingException e) {
      throw new PlanInputException(path(e), e.getOriginalMessage().split("\n")[0]);
    }
  }

  /** Validates an already parsed input. */
  public static Problem toProblem(PlanInput input) {
    Weights weights = weights(input.weights());
    DepthLimits limits = DepthLimits.NONE;
    if (input.maxDepth() != null) {
      if (input.maxDepth() < 1) {
        throw new PlanInputException(
            "maxDepth", "must be an integer >= 1, got " + input.maxDepth());
      }
      limits = DepthLimits.of(input.maxDepth());
    }
    FileTable table = new FileTable();
    List<PlanInput.FileInput> files = orEmpty(input.files());
    for (int i = 0; i < files.size(); i++) {
      table.add(file(files.get(i), "files[" + i + "]", table));
    }
    List<ImageSet> images = sets(input.images(), "images", table);
    List<ImageSet> requests = sets(input.requests(), "requests", table);
    Set<String> osWithImage = new HashSet<>();
    images.forEach(image -> osWithImage.add(image.os()));
    for (int i = 0; i < requests.size(); i++) {
      ImageSet r = requests.get(i);
      if (!osWithImage.contains(r.os())) {
        throw new PlanInputException(
            "requests[" + i + "].os",
            "no image has os \"" + r.os() + "\" (request \"" + r.name() + "\")");
      }
    }
    return new Problem(new CostModel(weights, table), images, requests, limits);
  }

  private static Weights weights(PlanInput.WeightsInput w) {
    if (w == null) {
      return Weights.DEFAULT;
    }
    Weights d = Weights.DEFAULT;
    try {
      return new Weights(
          or(w.missingBytes(), d.missingBytes()),
          or(w.inject(), d.inject()),
          or(w.remove(), d.remove()),
          or(w.excessBytes(), d.excessBytes()),
          or(w.perBuild(), d.perBuild()),
          or(w.perLaunch(), d.perLaunch()),
          or(w.perDisk(), d.perDisk()),
          w.disksPerLaunch() == null ? d.disksPerLaunch() : w.disksPerLaunch());
    } catch (IllegalArgumentException e) {
      String[] parts = e.getMessage().split(": ", 2);
      throw new PlanInputException(parts[0], parts[1]);
    }
  }

  private static FileInfo file(PlanInput.FileInput f, String at, FileTable table) {
    if (f == null) {
      throw new PlanInputException(at, "must be an object, got null");
    }
    String id = required(f.id(), at + ".id");
    if (table.indexOf(id) >= 0) {
      throw new PlanInputException(at + ".id", "duplicate file id \"" + id + "\"");
    }
    long size = f.size() == null ? 0 : f.size();
    if (size < 0) {
      throw new PlanInputException(at + ".size", "must be >= 0, got " + size);
    }
    double inject = nonNegative(f.injectCost(), at + ".injectCost");
    double remove = nonNegative(f.removeCost(), at + ".removeCost");
    return new FileInfo(id, f.path(), size, inject, remove);
  }

  private static List<ImageSet> sets(
      List<PlanInput.ImageInput> list, String field, FileTable table) {
    List<ImageSet> result = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<PlanInput.ImageInput> items = orEmpty(list);
    for (int i = 0; i < items.size(); i++) {
      String at = field + "[" + i + "]";
      PlanInput.ImageInput item = items.get(i);
      if (item == null) {
        throw new PlanInputException(at, "must be an object, got null");
      }
      String name = required(item.name(), at + ".name");
      if (!names.add(name)) {
        String kind = field.equals("images") ? "image" : "request";
        throw new PlanInputException(at + ".name", "duplicate " + kind + " name \"" + name + "\"");
      }
      String os = required(item.os(), at + ".os");
      int depth = 0;
      if (item.depth() != null) {
        if (field.equals("requests")) {
          throw new PlanInputException(
              at + ".depth", "a request's depth is decided by the plan, got " + item.depth());
        }
        if (item.depth() < 0) {
          throw new PlanInputException(at + ".depth", "must be >= 0, got " + item.depth());
        }
        depth = item.depth();
      }
      RoaringBitmap files = new RoaringBitmap();
      List<String> ids = orEmpty(item.files());
      for (int j = 0; j < ids.size(); j++) {
        String fileAt = at + ".files[" + j + "]";
        int index = ids.get(j) == null ? -1 : table.indexOf(ids.get(j));
        if (index < 0) {
          throw new PlanInputException(fileAt, "unknown file id \"" + ids.get(j) + "\"");
        }
        if (!files.checkedAdd(index)) {
          throw new PlanInputException(fileAt, "file id \"" + ids.get(j) + "\" listed twice");
        }
      }
      double clone = nonNegative(item.cloneCost(), at + ".cloneCost");
      result.add(new ImageSet(name, os, files, depth, clone));
    }
    return result;
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new PlanInputException(field, "required, got " + (value == null ? "nothing" : "\"\""));
    }
    return value;
  }

  private static double nonNegative(Double value, String field) {
    double v = value == null ? 0 : value;
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new PlanInputException(field, "must be a finite number >= 0, got " + v);
    }
    return v;
  }

  private static double or(Double value, double fallback) {
    return value == null ? fallback : value;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Jackson's path as {@code requests[2].files}. */
  private static String path(JsonProcessingException error) {
    if (!(error instanceof JsonMappingException e)) {
      return "input";
    }
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      }
    }
    return sb.length() == 0 ? "input" : sb.toString();
  }
}
