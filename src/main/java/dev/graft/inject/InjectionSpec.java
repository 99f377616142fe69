package dev.graft.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The local injection spec ({@code graft inject --spec}, and what the injection Job runs): {@code
 * files} (path, mode, owner, and {@code content}, {@code contentBase64} or {@code contentFile}, a
 * file on the machine that injects) and {@code remove} (paths). Read strictly: unknown fields and
 * wrong types are errors naming the field.
 */
public record InjectionSpec(List<FileToInject> files, List<String> remove, Long mtime) {

  /**
   * Large inline files are fine: no 3 MiB document limit (SnakeYAML's default), nor 20 MB strings.
   */
  private static final ObjectMapper YAML = yaml();

  private static ObjectMapper yaml() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    YAMLFactory factory = YAMLFactory.builder().loaderOptions(options).build();
    factory.setStreamReadConstraints(
        com.fasterxml.jackson.core.StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .build());
    return new ObjectMapper(factory);
  }

  private static final Set<String> TOP = Set.of("files", "remove", "mtime");
  private static final Set<String> FILE =
      Set.of("path", "mode", "owner", "content", "contentBase64", "contentFile");

  /** Parses a YAML (or JSON) spec; paths, modes and owners are checked by the script generator. */
  public static InjectionSpec read(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new InjectionInputException(
          "spec",
          "not valid YAML"
              + where
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse("").strip());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InjectionInputException("spec", "is empty (expected files and/or remove)");
    }
    if (!root.isObject()) {
      throw new InjectionInputException("spec", "must be a mapping with files and/or remove");
    }
    checkFields("spec", root, TOP);
    List<FileToInject> files = new ArrayList<>();
    JsonNode fileNodes = list("files", root.get("files"));
    for (int i = 0; i < fileNodes.size(); i++) {
      files.add(file("files[" + i + "]", fileNodes.get(i)));
    }
    List<String> remove = new ArrayList<>();
    JsonNode removeNodes = list("remove", root.get("remove"));
    for (int i = 0; i < removeNodes.size(); i++) {
      remove.add(string("remove[" + i + "]", removeNodes.get(i), true));
    }
    return new InjectionSpec(List.copyOf(files), List.copyOf(remove), mtime(root.get("mtime")));
  }

  /**
   * The files' mtime for reproducible images: seconds since the epoch, or an ISO-8601 instant such
   * as {@code 2026-01-01T00:00:00Z}; absent means the time of the build.
   */
  private static Long mtime(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.canConvertToLong() && node.isIntegralNumber() && node.asLong() >= 0) {
      return node.asLong();
    }
    if (node.isTextual()) {
      try {
        return java.time.Instant.parse(node.asText()).getEpochSecond();
      } catch (java.time.format.DateTimeParseException e) {
        // reported below
      }
    }
    throw new InjectionInputException(
        "mtime",
        "must be seconds since 1970 or an instant like \"2026-01-01T00:00:00Z\", got " + node);
  }

  private static FileToInject file(String field, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InjectionInputException(field, "must be a mapping with path and content");
    }
    checkFields(field, node, FILE);
    String path = string(field + ".path", node.get("path"), true);
    JsonNode modeNode = node.get("mode");
    if (modeNode != null && modeNode.isNumber()) {
      throw new InjectionInputException(
          field + ".mode",
          "must be a quoted octal string such as \"0644\" (YAML reads an unquoted 0644 as the"
              + " number 420), got "
              + modeNode.asText());
    }
    String content = string(field + ".content", node.get("content"), false);
    String base64 = string(field + ".contentBase64", node.get("contentBase64"), false);
    String contentFile = string(field + ".contentFile", node.get("contentFile"), false);
    int sources =
        (content == null ? 0 : 1) + (base64 == null ? 0 : 1) + (contentFile == null ? 0 : 1);
    if (sources != 1) {
      throw new InjectionInputException(
          field,
          "needs exactly one of content, contentBase64 and contentFile, got "
              + (sources == 0 ? "none" : "more than one"));
    }
    String mode = string(field + ".mode", modeNode, false);
    String owner = string(field + ".owner", node.get("owner"), false);
    if (contentFile != null) {
      // Read when the file is written (a large file is never held in memory).
      return new FileToInject(path, mode, owner, new Payload.LocalFile(contentFile));
    }
    byte[] bytes;
    if (content != null) {
      bytes = content.getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        bytes = Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
      } catch (IllegalArgumentException e) {
        throw new InjectionInputException(
            field + ".contentBase64", "not valid base64: " + e.getMessage());
      }
    }
    return new FileToInject(path, mode, owner, new Payload.Inline(bytes));
  }

  private static void checkFields(String field, JsonNode node, Set<String> known) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new InjectionInputException(
            field + "." + name,
            "unknown field (expected " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static JsonNode list(String field, JsonNode node) {
    if (node == null || node.isNull()) {
      return YAML.createArrayNode();
    }
    if (!node.isArray()) {
      throw new InjectionInputException(field, "must be a list, got " + node.getNodeType());
    }
    return node;
  }

  private static String string(String field, JsonNode node, boolean required) {
    if (node == null || node.isNull()) {
      if (required) {
        throw new InjectionInputException(field, "is required");
      }
      return null;
    }
    if (!node.isTextual()) {
      throw new InjectionInputException(
          field,
          "must be a string, got "
              + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
              + " "
              + node);
    }
    return node.asText();
  }
}
