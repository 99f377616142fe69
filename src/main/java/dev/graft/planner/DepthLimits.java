package dev.graft.planner;

import java.util.Map;

/**
 * How long a clone chain may grow, per OS: an image built from a source of depth {@code d} has
 * depth {@code d + 1}, and no image may be built deeper than the limit. A base image or a flattened
 * one has depth 0. In the operator the limit is the {@code maxCloneDepth} of the storage class that
 * holds the OS's images; CSI drivers slow down or flatten deep chains (ceph-csi flattens above 4
 * and holds new clones above 8).
 */
public record DepthLimits(int defaultMax, Map<String, Integer> byOs) {

  /** No limit: the planner behaves as it did before limits existed. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  public static final DepthLimits NONE = new DepthLimits(UNLIMITED, Map.of());

  public DepthLimits {
    byOs = Map.copyOf(byOs);
    check("maxDepth", defaultMax);
    byOs.forEach((os, max) -> check("maxDepth[" + os + "]", max));
  }

  /** One limit for every OS. */
  public static DepthLimits of(int max) {
    return new DepthLimits(max, Map.of());
  }

  /** The deepest image that may be built for this OS. */
  public int max(String os) {
    return byOs.getOrDefault(os, defaultMax);
  }

  /** The deepest image that may be a build's source for this OS. */
  public int maxSource(String os) {
    int max = max(os);
    return max == UNLIMITED ? UNLIMITED : max - 1;
  }

  public boolean bounded() {
    return defaultMax != UNLIMITED || byOs.values().stream().anyMatch(m -> m != UNLIMITED);
  }

  private static void check(String field, Integer max) {
    if (max == null || max < 1) {
      throw new IllegalArgumentException(field + ": must be an integer >= 1, got " + max);
    }
  }
}
