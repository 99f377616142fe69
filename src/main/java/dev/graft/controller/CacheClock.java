package dev.graft.controller;

import dev.graft.api.GoldenImage;
import dev.graft.cache.GreedyDualSizeFrequency;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

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
 * patch GoldenImage status. Reconcilers patch status as a JSON diff, so they never overwrite it.
 */
final class CacheClock {
  /** Below this a build counts as this long: a zero cost would make every image worthless. */
  private static final double MIN_BUILD_SECONDS = 1e-3;

  private CacheClock() {}

  /** The clock stored on a base image, 0 before the first eviction. */
  static double of(GoldenImage base) {
    return base == null || base.getStatus() == null || base.getStatus().cacheClock == null
        ? 0
        : base.getStatus().cacheClock;
  }

  /** The clock of a catalog, read from the API (not a cache that may lag an eviction). */
  static double read(KubernetesClient client, String namespace, String os) {
    return of(base(client, namespace, os).get());
  }

  /** Raises the clock of a catalog to {@code to}; it never goes down. */
  static void advance(KubernetesClient client, String namespace, String os, double to) {
    try {
      base(client, namespace, os)
          .editStatus(
              gi -> {
                if (gi.getStatus() == null) {
                  gi.setStatus(new GoldenImage.Status());
                }
                gi.getStatus().cacheClock = Math.max(of(gi), to);
                return gi;
              });
    } catch (KubernetesClientException e) {
      // No base image: nothing of this os is left to age.
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /** The priority of an image used now, when the clock reads {@code clock}. */
  static double priority(double clock, GoldenImage.Status s) {
    long hits = s == null || s.hits == null ? 0 : s.hits;
    double rebuild = s == null || s.buildSeconds == null ? 0 : s.buildSeconds;
    return GreedyDualSizeFrequency.priority(
        clock, hits, Math.max(rebuild, MIN_BUILD_SECONDS), sizeBytes(s));
  }

  /**
   * The priority eviction ranks an image by: the stored one, or for an image last used before
   * priorities were stored, the one it had then, when the clock still read 0.
   */
  static double stored(GoldenImage.Status s) {
    return s != null && s.cachePriority != null ? s.cachePriority : priority(0, s);
  }

  static long sizeBytes(GoldenImage.Status s) {
    String size = s == null ? null : s.size;
    if (size == null || size.isBlank()) {
      return 0;
    }
    return Quantity.getAmountInBytes(new Quantity(size)).longValue();
  }

  private static io.fabric8.kubernetes.client.dsl.Resource<GoldenImage> base(
      KubernetesClient client, String namespace, String os) {
    return client
        .resources(GoldenImage.class)
        .inNamespace(namespace)
        .withName(BaseImageReconciler.imageName(os));
  }
}
