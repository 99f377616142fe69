package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.Quantity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
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

  /** Each live image's part of the gauges, by namespace/name, as last seen. */
  private final Map<String, Part> parts = new HashMap<>();

  private long lastFull = Long.MIN_VALUE;

  /** A full refresh from the cache at least this often, for images gone without a cleanup. */
  private static final long FULL_EVERY_NANOS = 30_000_000_000L;

  private record Part(String os, boolean ready, long bytes, boolean outdated, long since) {}

  /**
   * Sets the gauges from {@code images}: the cache, with a reconciled image's new status in place
   * of its cached one (the status patch reaches the cache only after the reconcile).
   */
  public synchronized void refresh(Stream<GoldenImage> images) {
    parts.clear();
    images.forEach(this::put);
    lastFull = System.nanoTime();
    publish();
  }

  /**
   * The gauges after one image's reconcile: its new status, the others as last seen. Reading every
   * image of the cache on every reconcile was a fifth of the operator's CPU at 5,000 VMs
   * (docs/benchmarks.md, "Load"); the cache ({@code others}, without this image) is read again only
   * at the first call and every 30 s, for images that went without a cleanup.
   */
  public synchronized void refresh(GoldenImage gi, Supplier<Stream<GoldenImage>> others) {
    if (System.nanoTime() - lastFull > FULL_EVERY_NANOS || lastFull == Long.MIN_VALUE) {
      refresh(Stream.concat(others.get(), Stream.of(gi)));
      return;
    }
    put(gi);
    publish();
  }

  private void put(GoldenImage gi) {
    String key = gi.getMetadata().getNamespace() + "/" + gi.getMetadata().getName();
    if (gi.getMetadata().getDeletionTimestamp() != null) {
      parts.remove(key);
      return;
    }
    boolean outdated = Conditions.isTrue(gi.getStatus(), Conditions.OUTDATED);
    boolean ready = gi.getStatus() != null && gi.getStatus().phase == Phase.Ready;
    parts.put(
        key,
        new Part(
            gi.getSpec().os,
            ready,
            ready ? bytes(gi.getStatus().size) : 0,
            outdated,
            outdated ? since(gi) : 0));
  }

  private void publish() {
    Map<String, long[]> byOs = new HashMap<>();
    Map<String, long[]> outdated = new HashMap<>();
    for (Part p : parts.values()) {
      if (p.outdated()) {
        long[] o = outdated.computeIfAbsent(p.os(), os -> new long[] {0, 0});
        o[0]++;
        o[1] = o[1] == 0 ? p.since() : Math.min(o[1], p.since());
      }
      if (p.ready()) {
        long[] sum = byOs.computeIfAbsent(p.os(), os -> new long[2]);
        sum[0]++;
        sum[1] += p.bytes();
      }
    }
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
