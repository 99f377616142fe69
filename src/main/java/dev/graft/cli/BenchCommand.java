package dev.graft.cli;

import dev.graft.bench.CacheSimulation;
import dev.graft.bench.FleetScenario;
import dev.graft.bench.SyntheticCatalog;
import dev.graft.cache.CacheLimits;
import dev.graft.config.DefaultWeights;
import dev.graft.planner.ImageSet;
import dev.graft.planner.NearestIndex;
import dev.graft.planner.Plan;
import dev.graft.planner.PlanWriter;
import dev.graft.planner.Problem;
import dev.graft.planner.Strategy;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft bench}: planner benchmarks that print tables (docs/benchmarks.md). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark the planner: planning time, nearest lookup, fleet cost by strategy.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--quick", description = "Small sizes, one run (a smoke test).")
  boolean quick;

  @Option(names = "--runs", defaultValue = "5", description = "Timed runs per figure.")
  int runs;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed of the instances.")
  long seed;

  @Option(
      names = "--suite",
      defaultValue = "planner",
      description = "planner (planning, nearest lookup, fleet) or cache (eviction hit ratios).")
  String suite;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (suite.equals("cache")) {
      cache(out);
      out.flush();
      return 0;
    }
    if (!suite.equals("planner")) {
      spec.commandLine().getErr().println("graft bench: --suite: unknown suite \"" + suite + "\"");
      return GraftCommand.BAD_INPUT;
    }
    int timed = quick ? 1 : runs;
    planning(out, quick ? 100 : 1_000, quick ? 1_000 : 10_000, quick ? 500 : 5_000, timed);
    nearest(out, quick ? 5_000 : 100_000, quick ? 200 : 2_000);
    fleet(out);
    out.flush();
    return 0;
  }

  private void planning(PrintWriter out, int requests, int images, int files, int timed) {
    Weights weights = DefaultWeights.get();
    Problem problem = new SyntheticCatalog(seed, files, 5).problem(images, requests, weights);
    out.printf(
        Locale.ROOT,
        "Planning %d requests against %d cached images over %d files, 5 OSes (%d runs,"
            + " index build included)%n",
        requests,
        images,
        files,
        timed);
    TextTable table =
        new TextTable(
            "STRATEGY", "MEDIAN MS", "MIN MS", "MAX MS", "BUILDS", "TOTAL COST", "VS OPT");
    double optimal = 0;
    for (Strategy strategy : Strategy.values()) {
      strategy.plan(problem); // warm-up
      long[] nanos = new long[timed];
      Plan plan = null;
      for (int i = 0; i < timed; i++) {
        long start = System.nanoTime();
        plan = strategy.plan(problem);
        nanos[i] = System.nanoTime() - start;
      }
      if (strategy == Strategy.OPTIMAL) {
        optimal = plan.totalCost();
      }
      Arrays.sort(nanos);
      table.row(
          strategy.id(),
          ms(nanos[timed / 2]),
          ms(nanos[0]),
          ms(nanos[timed - 1]),
          String.valueOf(plan.builds().size()),
          String.format(Locale.ROOT, "%.0f", plan.totalCost()),
          String.format(Locale.ROOT, "%.2fx", plan.totalCost() / optimal));
    }
    out.println(table.render());
  }

  private void nearest(PrintWriter out, int images, int queries) {
    Problem problem =
        new SyntheticCatalog(seed + 1, 5_000, 5).problem(images, queries, DefaultWeights.get());
    long start = System.nanoTime();
    NearestIndex index = new NearestIndex(problem.model(), problem.images()).buildAll();
    long build = System.nanoTime() - start;
    for (ImageSet r : problem.requests()) {
      index.nearest(r); // warm-up
    }
    long[] nanos = new long[queries];
    for (int i = 0; i < queries; i++) {
      long t = System.nanoTime();
      index.nearest(problem.requests().get(i));
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    out.printf(
        Locale.ROOT,
        "Nearest lookup over %d cached images, 5,000 files, 5 OSes (%d queries; index built in"
            + " %s ms)%n",
        images,
        queries,
        ms(build));
    out.println(
        new TextTable("MEDIAN MS", "P90 MS", "P99 MS", "MAX MS")
            .row(
                ms3(nanos[queries / 2]),
                ms3(nanos[queries * 9 / 10]),
                ms3(nanos[queries * 99 / 100]),
                ms3(nanos[queries - 1]))
            .render());
  }

  private void fleet(PrintWriter out) {
    Map<String, Weights> weightSets = new java.util.LinkedHashMap<>();
    weightSets.put("operator defaults (seconds)", DefaultWeights.get());
    weightSets.put("plan-format defaults (bytes)", Weights.DEFAULT);
    weightSets.forEach(
        (label, weights) -> {
          Problem problem = FleetScenario.problem(weights);
          Map<Strategy, Plan> plans = new EnumMap<>(Strategy.class);
          for (Strategy s : Strategy.values()) {
            plans.put(s, s.plan(problem));
          }
          out.printf(
              Locale.ROOT,
              "Fleet: %d VMs (web/api/db/cache x dev/staging/prod, replicas), weights: %s%n",
              problem.requests().size(),
              label);
          out.println(PlanWriter.compare(plans));
        });
  }

  private void cache(PrintWriter out) {
    int images = quick ? 300 : 2_000;
    int requests = quick ? 5_000 : 50_000;
    CacheSimulation sim = new CacheSimulation(seed, images, requests);
    out.printf(
        Locale.ROOT,
        "Cache eviction: %d requests over %d images, 3 OSes, Zipf(0.9) popularity that shifts"
            + " halfway%n",
        requests,
        images);
    TextTable table =
        new TextTable("LIMIT (% OF OS BYTES)", "POLICY", "HIT RATIO", "BUILD SECONDS", "VS GDSF");
    for (int percent : new int[] {5, 10, 20}) {
      CacheLimits limits = new CacheLimits(0, sim.bytesPerOs() * percent / 100);
      CacheSimulation.Result gdsf = sim.run(CacheSimulation.Policy.GDSF, limits);
      for (CacheSimulation.Result r : List.of(gdsf, sim.run(CacheSimulation.Policy.LRU, limits))) {
        table.row(
            percent + "%",
            r.policy().name(),
            String.format(Locale.ROOT, "%.3f", r.hitRatio()),
            String.format(Locale.ROOT, "%.0f", r.buildSeconds()),
            String.format(Locale.ROOT, "%.2fx", r.buildSeconds() / gdsf.buildSeconds()));
      }
    }
    out.println(table.render());
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String ms3(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
