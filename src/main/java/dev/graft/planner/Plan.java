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

  /** One image to build: {@code request} from {@code from}, adding and removing file ids. */
  @JsonPropertyOrder({"request", "from", "fromKind", "add", "remove", "cost"})
  public record Build(
      String request,
      String from,
      SourceKind fromKind,
      List<String> add,
      List<String> remove,
      double cost) {}

  /** A request served without a build: an exact cache hit ({@code image}) or a duplicate. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"request", "image", "sameAs"})
  public record Reuse(String request, String image, String sameAs) {}
}
