package dev.graft.bench;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.build.Manifest;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.CatalogSource;
import dev.graft.catalog.PlanningService;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import dev.graft.planner.DepthLimits;
import dev.graft.planner.FileInfo;
import dev.graft.planner.ImageSet;
import dev.graft.planner.Problem;
import dev.graft.planner.Strategy;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One new request through the operator's planner: {@link PlanningService} over GoldenImages, as a
 * GraftedVirtualMachine's reconcile calls it (its kept catalog fed by the GoldenImage informer's
 * events: only the images changed since the last plan are read; the request planned, its image
 * claimed), against the same service walking the listed catalog per plan (the operator's path
 * before), and against the request planned by reading every GoldenImage afresh ({@link
 * CatalogPlanner#plan} with an explicit strategy). Each planned image joins the catalog before the
 * next request.
 */
public final class OperatorRequestBenchmark {
  private static final String NS = "catalog";
  private final long seed;
  private final Weights weights;

  public OperatorRequestBenchmark(long seed, Weights weights) {
    this.seed = seed;
    this.weights = weights;
  }

  public void print(PrintWriter out, int[] sizes, int requests, int rebuiltRequests) {
    out.printf(
        Locale.ROOT,
        "One new request through the operator's planner (PlanningService over GoldenImages;"
            + " %d requests incremental, %d rebuilt per size)%n",
        requests,
        rebuiltRequests);
    TextTable table =
        new TextTable(
            "IMAGES",
            "REBUILT MEDIAN MS",
            "REBUILT MAX MS",
            "WALKED MEDIAN MS",
            "INCREMENTAL MEDIAN MS",
            "INCREMENTAL P99 MS",
            "REBUILT/INCR (MEDIAN)",
            "WALKED/INCR (MEDIAN)",
            "FIRST PLAN MS (KEPT BUILT)",
            "SAME COSTS");
    for (int size : sizes) {
      Problem problem = new SyntheticCatalog(seed, 5_000, 5).problem(size, requests, weights);
      ManifestEntry[] entries = entries(problem);
      List<Manifest> wanted = new ArrayList<>();
      for (ImageSet r : problem.requests()) {
        wanted.add(new Manifest(r.os(), files(entries, r), Map.of()));
      }
      // Rebuilt: every GoldenImage read for each plan.
      List<GoldenImage> catalog = catalog(problem, entries);
      List<Long> timed = new ArrayList<>();
      double[] rebuiltCost = new double[rebuiltRequests];
      CatalogPlanner.plan(List.of(wanted.get(0)), catalog, Strategy.OPTIMAL, weights); // warm
      for (int i = 0; i < rebuiltRequests; i++) {
        String name = wanted.get(i).imageName();
        if (catalog.stream().anyMatch(gi -> gi.getMetadata().getName().equals(name))) {
          continue; // its image exists (a duplicate): nothing to plan, as the service decides
        }
        long t = System.nanoTime();
        var orders =
            CatalogPlanner.plan(
                List.of(wanted.get(i)), catalog, Strategy.OPTIMAL, weights, DepthLimits.NONE);
        timed.add(System.nanoTime() - t);
        rebuiltCost[i] = orders.stream().mapToDouble(CatalogPlanner.Order::cost).sum();
        orders.forEach(o -> catalog.add(image(o, catalog.size())));
      }
      // Walked: the planning service over the listed catalog, its kept catalog synced by a walk
      // over every listed image per plan (the operator's path before the informer fed it).
      List<GoldenImage> listed = catalog(problem, entries);
      PlanningService walking = new PlanningService(planner());
      walking.plan(NS, Map.of(), listed);
      // Incremental: the same service over a fed source; each new image is reported to the
      // planner's feed, as the GoldenImage informer's listener does.
      FedCatalog fed = new FedCatalog(catalog(problem, entries));
      PlanningService planning = new PlanningService(planner());
      long t0 = System.nanoTime();
      planning.plan(NS, Map.of(), Map.of(), fed);
      double first = (System.nanoTime() - t0) / 1e6;
      long[] incremental = new long[requests];
      long[] walked = new long[requests];
      boolean same = true;
      for (int i = 0; i < requests; i++) {
        Manifest m = wanted.get(i);
        long w = System.nanoTime();
        var walkedOrders = walking.plan(NS, Map.of(m.imageName(), m), listed);
        walked[i] = System.nanoTime() - w;
        walking.release(NS, walkedOrders);
        walkedOrders.forEach(o -> listed.add(image(o, listed.size())));
        long t = System.nanoTime();
        var orders = planning.plan(NS, Map.of(m.imageName(), m), Map.of(), fed);
        incremental[i] = System.nanoTime() - t;
        planning.release(NS, orders);
        double cost = orders.stream().mapToDouble(CatalogPlanner.Order::cost).sum();
        double walkedCost = walkedOrders.stream().mapToDouble(CatalogPlanner.Order::cost).sum();
        same &= Math.abs(cost - walkedCost) <= 1e-9 * Math.max(1, cost);
        if (i < rebuiltRequests) {
          same &= Math.abs(cost - rebuiltCost[i]) <= 1e-9 * Math.max(1, cost);
        }
        for (CatalogPlanner.Order o : orders) {
          fed.add(image(o, fed.size()));
          planning.planner().feed().changed(NS, o.image());
        }
      }
      long[] rebuilt = timed.stream().mapToLong(Long::longValue).sorted().toArray();
      Arrays.sort(walked);
      Arrays.sort(incremental);
      double rebuiltMedian = rebuilt[rebuilt.length / 2] / 1e6;
      double walkedMedian = walked[requests / 2] / 1e6;
      double incrementalMedian = incremental[requests / 2] / 1e6;
      table.row(
          Integer.toString(size),
          ms(rebuiltMedian),
          ms(rebuilt[rebuilt.length - 1] / 1e6),
          ms(walkedMedian),
          ms(incrementalMedian),
          ms(incremental[Math.min(requests - 1, (int) Math.ceil(requests * 0.99) - 1)] / 1e6),
          String.format(Locale.ROOT, "%.0fx", rebuiltMedian / incrementalMedian),
          String.format(Locale.ROOT, "%.0fx", walkedMedian / incrementalMedian),
          String.format(Locale.ROOT, "%.1f", first),
          same ? "yes" : "NO");
    }
    out.println(table.render());
    out.println(
        "WALKED: the planning service over the listed catalog, its kept catalog synced by a walk"
            + " over every image per plan (one hash lookup and resourceVersion compare each), as"
            + " the operator did before; INCREMENTAL: fed by the informer's events, it reads only"
            + " the images noted changed since the last plan.");
    out.flush();
  }

  /**
   * A catalog as the GoldenImage informer holds it: read by name, listed only when the planner's
   * kept catalog is walked (its first plan).
   */
  private static final class FedCatalog implements CatalogSource {
    private final Map<String, GoldenImage> byName = new java.util.LinkedHashMap<>();

    FedCatalog(List<GoldenImage> images) {
      images.forEach(this::add);
    }

    void add(GoldenImage gi) {
      byName.put(gi.getMetadata().getName(), gi);
    }

    int size() {
      return byName.size();
    }

    @Override
    public GoldenImage get(String name) {
      return byName.get(name);
    }

    @Override
    public java.util.Collection<GoldenImage> list() {
      return byName.values();
    }

    @Override
    public boolean fed() {
      return true;
    }
  }

  /** One ManifestEntry per file of the synthetic table, shared by every image holding it. */
  private static ManifestEntry[] entries(Problem problem) {
    var files = problem.model().files();
    ManifestEntry[] out = new ManifestEntry[files.size()];
    for (int f = 0; f < out.length; f++) {
      FileInfo info = files.get(f);
      ManifestEntry e = new ManifestEntry();
      e.path = info.path();
      e.mode = "0644";
      e.owner = "0:0";
      e.sha256 = Manifest.sha256(info.id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      e.size = info.size();
      e.digest = Manifest.fileDigest(e.path, e.sha256, e.mode, e.owner);
      e.payload = ManifestEntry.Payload.ConfigMap;
      out[f] = e;
    }
    return out;
  }

  private static List<ManifestEntry> files(ManifestEntry[] entries, ImageSet image) {
    List<ManifestEntry> out = new ArrayList<>(image.files().getCardinality());
    image.files().forEach((int f) -> out.add(entries[f]));
    return out;
  }

  /**
   * The synthetic images as GoldenImages: an empty one per os is its base, the rest its children.
   */
  private static List<GoldenImage> catalog(Problem problem, ManifestEntry[] entries) {
    List<GoldenImage> out = new ArrayList<>();
    for (ImageSet image : problem.images()) {
      GoldenImage gi = new GoldenImage();
      boolean base = image.files().isEmpty();
      gi.getMetadata().setName(base ? Manifest.baseImageName(image.os()) : image.name());
      gi.getMetadata().setNamespace(NS);
      gi.getMetadata().setResourceVersion(Integer.toString(out.size() + 1));
      gi.setSpec(new GoldenImage.Spec());
      gi.getSpec().os = image.os();
      gi.getSpec().files = files(entries, image);
      gi.getSpec().parent = base ? null : Manifest.baseImageName(image.os());
      gi.getSpec().depth = base ? 0 : 1;
      out.add(gi);
    }
    return out;
  }

  /** The GoldenImage an order creates, as the informer would list it. */
  private static GoldenImage image(CatalogPlanner.Order o, int version) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(o.image());
    gi.getMetadata().setNamespace(NS);
    gi.getMetadata().setResourceVersion("n" + version);
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = o.manifest().os();
    gi.getSpec().files = new ArrayList<>(o.manifest().entries());
    gi.getSpec().parent = o.parent();
    gi.getSpec().depth = o.depth();
    return gi;
  }

  private CatalogPlanner planner() {
    GraftConfig config =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .addDiscoveredConverters()
            .withMapping(GraftConfig.class)
            .withDefaultValue("graft.planner.calibrate", "false")
            .withDefaultValue("graft.planner.weights.missing-bytes", num(weights.missingBytes()))
            .withDefaultValue("graft.planner.weights.inject", num(weights.inject()))
            .withDefaultValue("graft.planner.weights.remove", num(weights.remove()))
            .withDefaultValue("graft.planner.weights.excess-bytes", num(weights.excessBytes()))
            .withDefaultValue("graft.planner.weights.per-build", num(weights.perBuild()))
            .build()
            .getConfigMapping(GraftConfig.class);
    return new CatalogPlanner(config, new GraftMetrics(new SimpleMeterRegistry()));
  }

  private static String num(double v) {
    return Double.toString(v);
  }

  private static String ms(double ms) {
    return String.format(Locale.ROOT, "%.3f", ms);
  }
}
