package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions;
import dev.graft.metrics.GraftMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalog gauges after each image's reconcile equal those of a full count of the cache, while
 * the cache is read only for the first reconcile (and then every 30 s), not for each.
 */
class CatalogGaugesTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CatalogGauges gauges = new CatalogGauges(new GraftMetrics(registry));

  private static GoldenImage image(String name, String os, Phase phase, String size) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace("ns");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = os;
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = phase;
    gi.getStatus().size = size;
    return gi;
  }

  private double gauge(String name, String os) {
    return registry.get(name).tag("os", os).gauge().value();
  }

  @Test
  void eachReconcileUpdatesItsImageAndTheCacheIsReadOnce() {
    List<GoldenImage> cache = new ArrayList<>();
    cache.add(image("base", "ubuntu", Phase.Ready, "8Gi"));
    cache.add(image("f1", "fedora", Phase.Ready, "1Gi"));
    GoldenImage building = image("b", "ubuntu", Phase.Pending, null);
    cache.add(building);
    AtomicInteger reads = new AtomicInteger();
    Supplier<Stream<GoldenImage>> others =
        () -> {
          reads.incrementAndGet();
          return cache.stream().filter(gi -> gi != building);
        };

    gauges.refresh(building, others);
    assertThat(gauge("graft.catalog.images", "ubuntu")).isEqualTo(1);
    assertThat(gauge("graft.catalog.images", "fedora")).isEqualTo(1);

    // The build finishes: its reconcile counts it, without reading the cache again.
    building.getStatus().phase = Phase.Ready;
    building.getStatus().size = "2Gi";
    gauges.refresh(building, () -> cache.stream().filter(gi -> gi != building));
    assertThat(gauge("graft.catalog.images", "ubuntu")).isEqualTo(2);
    assertThat(gauge("graft.catalog.bytes", "ubuntu")).isEqualTo(10.0 * (1L << 30));

    // Outdated images count with the oldest transition; a deleted image no longer counts.
    GoldenImage f1 = cache.get(1);
    Conditions.set(f1.getStatus(), Conditions.OUTDATED, true, "BaseUpdated", "", 1L);
    f1.getStatus().conditions.get(0).setLastTransitionTime("2026-01-01T00:00:00Z");
    gauges.refresh(f1, Stream::empty);
    assertThat(gauge("graft.catalog.outdated.images", "fedora")).isEqualTo(1);
    assertThat(gauge("graft.catalog.outdated.since", "fedora"))
        .isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());
    f1.getMetadata().setDeletionTimestamp("2026-01-02T00:00:00Z");
    gauges.refresh(f1, Stream::empty);
    assertThat(gauge("graft.catalog.images", "fedora")).isZero();
    assertThat(gauge("graft.catalog.outdated.images", "fedora")).isZero();
    assertThat(reads).hasValue(1);

    // The same figures as a full count of the cache.
    double ubuntu = gauge("graft.catalog.images", "ubuntu");
    double bytes = gauge("graft.catalog.bytes", "ubuntu");
    gauges.refresh(cache.stream().filter(gi -> gi.getMetadata().getDeletionTimestamp() == null));
    assertThat(gauge("graft.catalog.images", "ubuntu")).isEqualTo(ubuntu);
    assertThat(gauge("graft.catalog.bytes", "ubuntu")).isEqualTo(bytes);
    assertThat(gauge("graft.catalog.images", "fedora")).isZero();
  }
}
