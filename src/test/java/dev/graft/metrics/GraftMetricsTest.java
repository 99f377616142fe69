package dev.graft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GraftMetricsTest {

  /** Calls every method once, so every meter exists. */
  static void exerciseAll(GraftMetrics m) {
    m.cacheHit("fedora-40");
    m.cacheMiss("fedora-40");
    m.buildStarted("fedora-40");
    m.buildSucceeded("fedora-40", 42.5, 1_000_000, 12);
    m.buildFailed("fedora-40", "InjectionFailed");
    m.planCost("optimal", 120.0);
    m.catalogSize("fedora-40", 7, 3_000_000_000L);
    m.reconcileError("GoldenImage");
    m.eviction("fedora-40");
    m.outdated("fedora-40", 3, 1_700_000_000L);
    m.plannerWeight("perBuild", 21.9);
    m.vmRestartRequired("fedora-40");
  }

  @Test
  void countsTimersAndGaugesInASimpleRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GraftMetrics m = new GraftMetrics(registry);
    exerciseAll(m);
    m.cacheHit("fedora-40");
    m.cacheHit("debian-12");
    m.buildSucceeded("fedora-40", 10, 500, 3);
    m.catalogSize("fedora-40", 8, 4_000);
    m.planCost("nearest", 300.0);
    m.planCost("optimal", 100.0);

    assertThat(registry.get("graft.cache.hits").tag("os", "fedora-40").counter().count())
        .isEqualTo(2.0);
    assertThat(registry.get("graft.cache.hits").tag("os", "debian-12").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("graft.cache.misses").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("graft.builds.started").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("graft.builds.succeeded").counter().count()).isEqualTo(2.0);
    assertThat(
            registry
                .get("graft.builds.failed")
                .tags("os", "fedora-40", "reason", "InjectionFailed")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.get("graft.build.duration").timer().count()).isEqualTo(2);
    assertThat(registry.get("graft.build.duration").timer().totalTime(TimeUnit.SECONDS))
        .isEqualTo(52.5);
    assertThat(registry.get("graft.injected.bytes").counter().count()).isEqualTo(1_000_500.0);
    assertThat(registry.get("graft.injected.files").counter().count()).isEqualTo(15.0);
    assertThat(registry.get("graft.catalog.images").tag("os", "fedora-40").gauge().value())
        .isEqualTo(8.0);
    assertThat(registry.get("graft.catalog.bytes").tag("os", "fedora-40").gauge().value())
        .isEqualTo(4_000.0);
    assertThat(registry.get("graft.plan.cost").tag("strategy", "optimal").summary().count())
        .isEqualTo(2);
    assertThat(registry.get("graft.plan.cost.last").tag("strategy", "optimal").gauge().value())
        .isEqualTo(100.0);
    assertThat(registry.get("graft.plan.cost.last").tag("strategy", "nearest").gauge().value())
        .isEqualTo(300.0);
    assertThat(registry.get("graft.reconcile.errors").tag("kind", "GoldenImage").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("graft.evictions").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("graft.catalog.outdated.images").tag("os", "fedora-40").gauge().value())
        .isEqualTo(3.0);
    assertThat(registry.get("graft.catalog.outdated.since").tag("os", "fedora-40").gauge().value())
        .isEqualTo(1_700_000_000.0);
  }

  @Test
  void missingTagValuesBecomeUnknownInsteadOfFailing() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GraftMetrics m = new GraftMetrics(registry);
    m.buildFailed(null, "");
    m.buildSucceeded(null, 1, 1, 1);
    m.catalogSize(null, 1, 1);
    assertThat(registry.get("graft.build.duration").tag("os", "unknown").timer().count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("graft.builds.failed")
                .tags("os", "unknown", "reason", "unknown")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void prometheusExpositionHasExactlyTheDocumentedNames() {
    assertThat(scrapedNames()).containsExactlyInAnyOrderElementsOf(GraftMetrics.PROMETHEUS_NAMES);
  }

  /** The series names a Prometheus scrape of /q/metrics shows for GraftMetrics. */
  static Set<String> scrapedNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    exerciseAll(new GraftMetrics(registry));
    Set<String> names = new TreeSet<>();
    Matcher matcher = Pattern.compile("(?m)^(graft_[a-z_]+)[{ ]").matcher(registry.scrape());
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }
}
