package dev.graft.planner;

import java.util.List;

/** A planning problem: the cost model, the images that exist now, and the images requested. */
public record Problem(CostModel model, List<ImageSet> images, List<ImageSet> requests) {

  public Problem {
    images = List.copyOf(images);
    requests = List.copyOf(requests);
  }

  /**
   * The plain OS image that {@code exact-only} and {@code base-only} build from: the image of that
   * OS with the fewest files (normally the empty base image), the earlier one on a tie.
   */
  public ImageSet baseImage(String os) {
    ImageSet base = null;
    for (ImageSet image : images) {
      if (image.os().equals(os)
          && (base == null || image.files().getCardinality() < base.files().getCardinality())) {
        base = image;
      }
    }
    if (base == null) {
      throw new PlanInputException("os", "no image has os \"" + os + "\"");
    }
    return base;
  }
}
