package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.Quantity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The catalog size gauges: Ready images and their disk bytes per os. */
@ApplicationScoped
public class CatalogGauges {
  private final GraftMetrics metrics;

  /** Every os whose catalog size was reported, so that an os whose last image goes shows zero. */
  private final Set<String> reportedOs = ConcurrentHashMap.newKeySet();

  public CatalogGauges(GraftMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Sets the gauges from {@code images}: the cache, with a reconciled image's new status in place
   * of its cached one (the status patch reaches the cache only after the reconcile).
   */
  public void refresh(Stream<GoldenImage> images) {
    Map<String, long[]> byOs = new HashMap<>();
    images
        .filter(gi -> gi.getMetadata().getDeletionTimestamp() == null)
        .filter(gi -> gi.getStatus() != null && gi.getStatus().phase == Phase.Ready)
        .forEach(
            gi -> {
              long[] sum = byOs.computeIfAbsent(gi.getSpec().os, os -> new long[2]);
              sum[0]++;
              sum[1] += bytes(gi.getStatus().size);
            });
    reportedOs.addAll(byOs.keySet());
    for (String os : reportedOs) {
      long[] sum = byOs.getOrDefault(os, new long[2]);
      metrics.catalogSize(os, sum[0], sum[1]);
    }
  }

  private static long bytes(String size) {
    try {
      return size == null ? 0 : Quantity.getAmountInBytes(new Quantity(size)).longValue();
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }
}
