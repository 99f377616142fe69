package dev.graft.planner;

import java.util.List;

/**
 * A planning problem: the cost model, the images that exist now, the images requested, and how deep
 * a clone chain may grow.
 */
public record Problem(
    CostModel model, List<ImageSet> images, List<ImageSet> requests, DepthLimits limits) {

  public Problem {
    images = List.copyOf(images);
    requests = List.copyOf(requests);
  }

  public Problem(CostModel model, List<ImageSet> images, List<ImageSet> requests) {
    this(model, images, requests, DepthLimits.NONE);
  }

  /**
   * The plain OS image that {@code exact-only} and {@code base-only} build from: the image of that
   * OS with the fewest files (normally the empty base image), the earlier one on a tie; among the
   * images shallow enough to be a source under the OS's depth limit.
   */
  public ImageSet baseImage(String os) {
    ImageSet base = null;
    int maxSource = limits.maxSource(os);
    for (ImageSet image : images) {
      if (image.os().equals(os)
          && image.depth() <= maxSource
          && (base == null || image.files().getCardinality() < base.files().getCardinality())) {
        base = image;
      }
    }
    if (base == null) {
      throw noSource(os);
    }
    return base;
  }

  /** The error when no image of an OS may be a source: none exists, or all are too deep. */
  PlanInputException noSource(String os) {
    for (ImageSet image : images) {
      if (image.os().equals(os)) {
        return new PlanInputException(
            "maxDepth",
            "no image of os \"" + os + "\" is shallower than maxDepth " + limits.max(os));
      }
    }
    return new PlanInputException("os", "no image has os \"" + os + "\"");
  }
}
