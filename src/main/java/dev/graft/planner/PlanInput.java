package dev.graft.planner;

import java.util.List;

/** The JSON input of {@code plan} (plan-format.md), as read, before validation. */
public record PlanInput(
    WeightsInput weights,
    Integer maxDepth,
    List<FileInput> files,
    List<ImageInput> images,
    List<ImageInput> requests) {

  /** Weights as given; a missing one takes its default. */
  public record WeightsInput(
      Double missingBytes,
      Double inject,
      Double remove,
      Double excessBytes,
      Double perBuild,
      Double perLaunch,
      Double perDisk,
      Integer disksPerLaunch) {}

  /** One file: id, path, size in bytes, per-file inject and remove costs (default 0). */
  public record FileInput(
      String id, String path, Long size, Double injectCost, Double removeCost) {}

  /**
   * An image or a request: name, os, the ids of its files, (images only) its clone-chain depth
   * (default 0: a base or a flattened image), and what cloning it costs as a build's source
   * (default 0).
   */
  public record ImageInput(
      String name, String os, List<String> files, Integer depth, Double cloneCost) {}
}
