package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.planner.DepthLimits;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code graft.storage.max-clone-depth}: the longest clone chain per StorageClass, as {@code
 * CLASS=N,...}; a bare {@code N} is the limit of every class not listed (the cluster default, the
 * class with no name, included); 0 is unlimited. Turned into the planner's per-OS limits through
 * the class that holds each OS's images (its base image's, else the configured default class).
 */
public record CloneDepthLimits(Map<String, Integer> byClass, int others) {
  static final String FIELD = "graft.storage.max-clone-depth";

  public static final CloneDepthLimits NONE = new CloneDepthLimits(Map.of(), 0);

  public CloneDepthLimits {
    byClass = Map.copyOf(byClass);
  }

  /** Parses the setting; the error names the setting and the bad part. */
  public static CloneDepthLimits parse(String text) {
    Map<String, Integer> byClass = new HashMap<>();
    int others = 0;
    if (text == null || text.isBlank()) {
      return NONE;
    }
    for (String part : text.split(",")) {
      String item = part.strip();
      int eq = item.indexOf('=');
      String cls = eq < 0 ? null : item.substring(0, eq).strip();
      int n = number(eq < 0 ? item : item.substring(eq + 1).strip(), item);
      if (cls == null) {
        others = n;
      } else if (cls.isEmpty() || byClass.put(cls, n) != null) {
        throw new IllegalArgumentException(
            FIELD + ": \"" + item + "\": a StorageClass name is missing or given twice");
      }
    }
    return new CloneDepthLimits(byClass, others);
  }

  private static int number(String value, String item) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        FIELD + ": \"" + item + "\": expected CLASS=N or N with N a whole number >= 0");
  }

  /** The limit of a StorageClass ("" for the cluster default); 0: unlimited. */
  public int of(String storageClass) {
    return byClass.getOrDefault(storageClass == null ? "" : storageClass, others);
  }

  /**
   * The planner's limits: per OS, the limit of the class of that OS's base image in the catalog
   * (its own {@code spec.storage.storageClassName}, else {@code defaultClass}); the lowest when
   * several bases of one OS differ.
   */
  public DepthLimits forCatalog(Collection<GoldenImage> catalog, String defaultClass) {
    Map<String, Integer> byOs = new HashMap<>();
    for (GoldenImage gi : catalog) {
      if (gi.getSpec() == null || gi.getSpec().parent != null) {
        continue;
      }
      String cls =
          gi.getSpec().storage != null && gi.getSpec().storage.storageClassName != null
              ? gi.getSpec().storage.storageClassName
              : defaultClass;
      int limit = of(cls);
      if (limit > 0) {
        byOs.merge(gi.getSpec().os, limit, Math::min);
      }
    }
    return byOs.isEmpty() ? DepthLimits.NONE : new DepthLimits(DepthLimits.UNLIMITED, byOs);
  }

  /**
   * An image's clone-chain depth: {@code spec.depth} as recorded, else its parent's + 1 through the
   * catalog (images made before depths were recorded), 0 for a base import.
   */
  public static int depthOf(GoldenImage gi, Map<String, GoldenImage> byName) {
    int hops = 0;
    for (GoldenImage at = gi; at != null && hops <= byName.size(); hops++) {
      if (at.getSpec().depth != null) {
        return at.getSpec().depth + hops;
      }
      if (at.getSpec().parent == null) {
        return hops;
      }
      at = byName.get(at.getSpec().parent);
    }
    return hops; // parent not in the catalog (evicted): the hops seen are a lower bound
  }
}
