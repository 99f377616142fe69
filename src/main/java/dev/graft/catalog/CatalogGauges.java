package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.Quantity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The catalog gauges per os: Ready images and their disk bytes; images marked Outdated and since
 * when the oldest of them is (for the alert on images outdated too long).
 */
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
    Map<String, long[]> outdated = new HashMap<>();
    List<GoldenImage> live =
        images.filter(gi -> gi.getMetadata().getDeletionTimestamp() == null).toList();
    live.stream()
        .filter(gi -> Conditions.isTrue(gi.getStatus(), Conditions.OUTDATED))
        .forEach(
            gi -> {
              long[] o = outdated.computeIfAbsent(gi.getSpec().os, os -> new long[] {0, 0});
              o[0]++;
              long since = since(gi);
              o[1] = o[1] == 0 ? since : Math.min(o[1], since);
            });
    live.stream()
        .filter(gi -> gi.getStatus() != null && gi.getStatus().phase == Phase.Ready)
        .forEach(
            gi -> {
              long[] sum = byOs.computeIfAbsent(gi.getSpec().os, os -> new long[2]);
              sum[0]++;
              sum[1] += bytes(gi.getStatus().size);
            });
    reportedOs.addAll(byOs.keySet());
    reportedOs.addAll(outdated.keySet());
    for (String os : reportedOs) {
      long[] sum = byOs.getOrDefault(os, new long[2]);
      metrics.catalogSize(os, sum[0], sum[1]);
      long[] o = outdated.getOrDefault(os, new long[2]);
      metrics.outdated(os, o[0], o[1]);
    }
  }

  /** When an image became outdated (epoch seconds), from its condition's transition time. */
  private static long since(GoldenImage gi) {
    var c = Conditions.get(gi.getStatus(), Conditions.OUTDATED);
    try {
      return java.time.Instant.parse(c.getLastTransitionTime()).getEpochSecond();
    } catch (RuntimeException e) {
      return java.time.Instant.now().getEpochSecond();
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
