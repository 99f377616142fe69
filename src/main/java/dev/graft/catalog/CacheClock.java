package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.cache.GreedyDualSizeFrequency;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * GreedyDual-Size-Frequency aging, kept in the API so that it survives an operator restart. Each
 * image stores {@code status.cachePriority = L + hits × build seconds ÷ size} at its last use
 * (Ready, then every VM that gets it), so an image last used long ago keeps the low {@code L} of
 * then and ages out once evictions have raised {@code L}.
 *
 * <p>The clock {@code L} of a catalog (namespace, os) is {@code status.cacheClock} of that os's
 * base GoldenImage rather than of the BaseImage: there is exactly one per catalog even when the
 * BaseImage lives in another namespace ({@code graft.catalog-namespace}), it is never evicted, only
 * the operator writes it (the BaseImage belongs to the user's GitOps), and the operator may already
 * patch GoldenImage status. Eviction asks for a raise through the {@link UsageLedger}; the
 * GoldenImage reconciler, the one writer of GoldenImage status, stores it.
 */
public final class CacheClock {
  /** Below this a build counts as this long: a zero cost would make every image worthless. */
  private static final double MIN_BUILD_SECONDS = 1e-3;

  private CacheClock() {}

  /** The clock stored on a base image, 0 before the first eviction. */
  public static double of(GoldenImage base) {
    return base == null || base.getStatus() == null || base.getStatus().cacheClock == null
        ? 0
        : base.getStatus().cacheClock;
  }

  /**
   * The clock of a catalog whose os has several base generations: the highest stored on any (a
   * raise is stored on each, and a clock only rises).
   */
  public static double of(java.util.Collection<GoldenImage> bases) {
    return bases.stream().mapToDouble(CacheClock::of).max().orElse(0);
  }

  /** The priority of an image used now, when the clock reads {@code clock}. */
  public static double priority(double clock, GoldenImage.Status s) {
    long hits = s == null || s.hits == null ? 0 : s.hits;
    double rebuild = s == null || s.buildSeconds == null ? 0 : s.buildSeconds;
    return GreedyDualSizeFrequency.priority(
        clock, hits, Math.max(rebuild, MIN_BUILD_SECONDS), sizeBytes(s));
  }

  /**
   * The priority eviction ranks an image by: the stored one, or for an image last used before
   * priorities were stored, the one it had then, when the clock still read 0.
   */
  public static double stored(GoldenImage.Status s) {
    return s != null && s.cachePriority != null ? s.cachePriority : priority(0, s);
  }

  public static long sizeBytes(GoldenImage.Status s) {
    String size = s == null ? null : s.size;
    if (size == null || size.isBlank()) {
      return 0;
    }
    return Quantity.getAmountInBytes(new Quantity(size)).longValue();
  }
}
