package dev.graft.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's own metrics, in one place, so the reconcilers call named methods and the Grafana
 * dashboard ({@code config/grafana/graft-dashboard.json}) can be checked against the names here.
 * Exposed by Quarkus in Prometheus format at {@code /q/metrics}; Micrometer turns {@code
 * graft.cache.hits} into {@code graft_cache_hits_total}.
 */
@ApplicationScoped
public class GraftMetrics {

  /** Prometheus names of every series this class can expose (the dashboard test checks them). */
  public static final List<String> PROMETHEUS_NAMES =
      List.of(
          "graft_cache_hits_total",
          "graft_cache_misses_total",
          "graft_builds_started_total",
          "graft_builds_succeeded_total",
          "graft_builds_failed_total",
          "graft_build_duration_seconds_bucket",
          "graft_build_duration_seconds_count",
          "graft_build_duration_seconds_sum",
          "graft_build_duration_seconds_max",
          "graft_injected_bytes_total",
          "graft_injected_files_total",
          "graft_plan_cost_count",
          "graft_plan_cost_sum",
          "graft_plan_cost_max",
          "graft_plan_cost_last",
          "graft_catalog_images",
          "graft_catalog_bytes",
          "graft_catalog_outdated_images",
          "graft_catalog_outdated_since_seconds",
          "graft_reconcile_errors_total",
          "graft_evictions_total",
          "graft_planner_weight",
          "graft_vm_restart_required_total");

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> catalogImages = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> catalogBytes = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> outdatedImages = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> outdatedSince = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastPlanCost = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> plannerWeights = new ConcurrentHashMap<>();

  @Inject
  public GraftMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A request found an exact Ready GoldenImage for its OS and manifest. */
  public void cacheHit(String os) {
    counter("graft.cache.hits", "Requests served by an exact catalog image", "os", os).increment();
  }

  /** A request needed a new build. */
  public void cacheMiss(String os) {
    counter("graft.cache.misses", "Requests that needed a new image build", "os", os).increment();
  }

  /** A GoldenImage build (clone + injection Job) started. */
  public void buildStarted(String os) {
    counter("graft.builds.started", "GoldenImage builds started", "os", os).increment();
  }

  /** A GoldenImage became Ready; records its duration and what was injected. */
  public void buildSucceeded(String os, double seconds, long bytesInjected, long filesInjected) {
    counter("graft.builds.succeeded", "GoldenImage builds that became Ready", "os", os).increment();
    Timer.builder("graft.build.duration")
        .description("Time from build start to Ready, clone and injection included")
        .tag("os", tag(os))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1))
        .maximumExpectedValue(Duration.ofHours(2))
        .register(registry)
        .record(Duration.ofNanos((long) (Math.max(0, seconds) * 1e9)));
    Counter.builder("graft.injected.bytes")
        .description("Bytes of file content injected into golden images")
        .baseUnit("bytes")
        .tag("os", tag(os))
        .register(registry)
        .increment(Math.max(0, bytesInjected));
    counter("graft.injected.files", "Files injected into golden images", "os", os)
        .increment(Math.max(0, filesInjected));
  }

  /**
   * A GoldenImage build failed; {@code reason} is the condition reason (a short CamelCase word).
   */
  public void buildFailed(String os, String reason) {
    Counter.builder("graft.builds.failed")
        .description("GoldenImage builds that failed")
        .tag("os", tag(os))
        .tag("reason", tag(reason))
        .register(registry)
        .increment();
  }

  /** The total cost of one plan, by strategy (in predicted build seconds with default weights). */
  public void planCost(String strategy, double cost) {
    DistributionSummary.builder("graft.plan.cost")
        .description("Total cost of each plan")
        .tag("strategy", tag(strategy))
        .register(registry)
        .record(Math.max(0, cost));
    gauge(
            lastPlanCost,
            "graft.plan.cost.last",
            null,
            "Cost of the latest plan",
            "strategy",
            strategy)
        .set(Double.doubleToLongBits(Math.max(0, cost)));
  }

  /** A weight the planner uses now (configured, or fitted to measured builds), by its name. */
  public void plannerWeight(String name, double value) {
    gauge(plannerWeights, "graft.planner.weight", null, "Cost model weight in use", "weight", name)
        .set(Double.doubleToLongBits(value));
  }

  /** The catalog's current size for one OS: Ready images and their bytes. */
  public void catalogSize(String os, long images, long bytes) {
    gauge(catalogImages, "graft.catalog.images", null, "Golden images in the catalog", "os", os)
        .set(Double.doubleToLongBits(images));
    gauge(catalogBytes, "graft.catalog.bytes", "bytes", "Bytes held by golden images", "os", os)
        .set(Double.doubleToLongBits(bytes));
  }

  /**
   * Images of one OS built on an older base generation, and since when (epoch seconds) the oldest
   * of them is outdated (0: none).
   */
  public void outdated(String os, long images, long oldestSince) {
    gauge(
            outdatedImages,
            "graft.catalog.outdated.images",
            null,
            "Golden images built on an older base generation",
            "os",
            os)
        .set(Double.doubleToLongBits(images));
    gauge(
            outdatedSince,
            "graft.catalog.outdated.since",
            "seconds",
            "Since when (Unix time) the oldest outdated image of the os is outdated; 0: none",
            "os",
            os)
        .set(Double.doubleToLongBits(oldestSince));
  }

  /** A reconcile of {@code kind} ended in an error (retried by the SDK). */
  public void reconcileError(String kind) {
    counter("graft.reconcile.errors", "Reconciles that ended in an error", "kind", kind)
        .increment();
  }

  /** A golden image was evicted to keep the catalog within its limits. */
  /** A running VM moved to a new image: it gets the new root disk at its next restart. */
  public void vmRestartRequired(String os) {
    counter(
            "graft.vm.restart.required",
            "Running VMs moved to a new image that they get at their next restart",
            "os",
            os)
        .increment();
  }

  public void eviction(String os) {
    counter("graft.evictions", "Golden images evicted by the cache limits", "os", os).increment();
  }

  private Counter counter(String name, String description, String tagKey, String tagValue) {
    return Counter.builder(name)
        .description(description)
        .tag(tagKey, tag(tagValue))
        .register(registry);
  }

  /** A gauge per tag value whose current value is held as the bits of a double. */
  private AtomicLong gauge(
      Map<String, AtomicLong> values,
      String name,
      String baseUnit,
      String description,
      String tagKey,
      String tagValue) {
    return values.computeIfAbsent(
        tag(tagValue),
        v -> {
          AtomicLong bits = new AtomicLong(Double.doubleToLongBits(0));
          Gauge.builder(name, bits, h -> Double.longBitsToDouble(h.get()))
              .description(description)
              .baseUnit(baseUnit)
              .tag(tagKey, v)
              .strongReference(true)
              .register(registry);
          return bits;
        });
  }

  private static String tag(String value) {
    return value == null || value.isBlank() ? "unknown" : value;
  }
}
