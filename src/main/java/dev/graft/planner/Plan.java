package dev.graft.planner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The planner's answer (plan-format.md): builds in an order where every source exists first. */
@JsonPropertyOrder({"totalCost", "builds", "reuses"})
public record Plan(double totalCost, List<Build> builds, List<Reuse> reuses) {

  /** Whether a build starts from an existing image or from another request built before it. */
  public enum SourceKind {
    image,
    request
  }

  /**
   * One image to build: {@code request} from {@code from}, adding and removing file ids; {@code
   * depth} is the clone-chain depth of the result (its source's depth + 1).
   */
  @JsonPropertyOrder({"request", "from", "fromKind", "add", "remove", "cost", "depth"})
  public record Build(
      String request,
      String from,
      SourceKind fromKind,
      List<String> add,
      List<String> remove,
      double cost,
      int depth) {}

  /**
   * A request served without a build: an exact cache hit ({@code image}) or a duplicate; {@code
   * depth} is the depth of the image it gets.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"request", "image", "sameAs", "depth"})
  public record Reuse(String request, String image, String sameAs, int depth) {}
}
