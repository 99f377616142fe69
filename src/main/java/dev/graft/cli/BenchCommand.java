package dev.graft.cli;

import dev.graft.bench.BootTimes;
import dev.graft.bench.CacheSimulation;
import dev.graft.bench.DepthGapBenchmark;
import dev.graft.bench.FleetBootFigure;
import dev.graft.bench.FleetScenario;
import dev.graft.bench.LearningConvergence;
import dev.graft.bench.LoadReport;
import dev.graft.bench.LoadRunner;
import dev.graft.bench.NewRequestBenchmark;
import dev.graft.bench.OperatorRequestBenchmark;
import dev.graft.bench.SampleFleet;
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
import io.quarkus.arc.Arc;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graft bench}: planner, cache and load benchmarks that print tables (docs/benchmarks.md).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the planner (planning time, nearest lookup, fleet cost by strategy), cache"
            + " eviction, or the operator under load.")
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
      description =
          "planner (planning, nearest lookup, fleet), boot (when every VM of the sample fleet"
              + " could boot, by strategy), request (one new request against a large catalog),"
              + " cache (eviction hit ratios), learn (cost"
              + " learning on simulated builds), depth (the"
              + " depth-limited planner's gap to the exact optimum) or load (many"
              + " GraftedVirtualMachines at once against the operator on an embedded API server).")
  String suite;

  @Option(
      names = "--vms",
      paramLabel = "N[,N...]",
      split = ",",
      description =
          "load: GraftedVirtualMachines created at once, one run per size (default 500,"
              + " 40 with --quick).")
  List<String> vms;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "600",
      description = "load: how long to wait for every VM to be Ready (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--fleet",
      paramLabel = "FILE",
      defaultValue = "config/demo/fleet.yaml",
      description = "boot: the fleet, a scenario file of graft demo (default: ${DEFAULT-VALUE}).")
  java.nio.file.Path fleetFile;

  @Option(
      names = "--launch-seconds",
      paramLabel = "S",
      description =
          "boot: one appliance launch (default: the per-build weight, 21.9 s measured by"
              + " bench-inject).")
  Double launchSeconds;

  @Option(
      names = "--extra-disk-seconds",
      paramLabel = "S",
      defaultValue = "0",
      description = "boot: what each disk after the first adds to a launch (default: 0).")
  double extraDiskSeconds;

  @Option(
      names = "--disks-per-job",
      paramLabel = "N",
      defaultValue = "1",
      description = "boot: builds of one wave sharing a launch (default: 1, one Job per build).")
  int disksPerJob;

  @Option(
      names = "--slots",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "boot: Jobs at once besides one at a time (default: 20, graft.build.max-concurrent-builds;"
              + " 0: no limit).")
  int slots;

  @Option(
      names = "--clone-seconds",
      paramLabel = "S",
      defaultValue = "0",
      description = "boot: the clone before each Job (default: 0, not measured).")
  double cloneSeconds;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (suite.equals("cache")) {
      cache(out);
      out.flush();
      return 0;
    }
    if (suite.equals("load")) {
      return load(out);
    }
    if (suite.equals("boot")) {
      return boot(out);
    }
    if (suite.equals("request")) {
      new NewRequestBenchmark(seed + 2, DefaultWeights.get())
          .print(
              out,
              quick ? new int[] {1_000, 5_000} : new int[] {1_000, 10_000, 100_000},
              quick ? 5 : 50);
      new OperatorRequestBenchmark(seed + 2, DefaultWeights.get())
          .print(
              out,
              quick ? new int[] {1_000, 5_000} : new int[] {1_000, 10_000, 100_000},
              quick ? 5 : 50,
              quick ? 2 : 5);
      return 0;
    }
    if (suite.equals("learn")) {
      LearningConvergence.print(out, seed);
      out.flush();
      return 0;
    }
    if (suite.equals("depth")) {
      new DepthGapBenchmark(seed)
          .print(
              out,
              quick ? new int[] {8} : new int[] {8, 10, 12},
              new int[] {2, 3},
              quick ? 20 : 200,
              quick ? 0 : 500);
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

  /**
   * Outside the operator (the command line), boots it against an embedded API server, which runs
   * this command again inside; inside, runs one load per size and prints the table.
   */
  private int load(PrintWriter out) {
    List<Integer> sizes = new java.util.ArrayList<>();
    for (String v : vms == null ? List.of(quick ? "40" : "500") : vms) {
      int n;
      try {
        n = Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        n = 0;
      }
      if (n < 1 || n > 5_000) {
        spec.commandLine()
            .getErr()
            .println("graft bench: --vms: \"" + v + "\" is not a number of VMs from 1 to 5000");
        return GraftCommand.BAD_INPUT;
      }
      sizes.add(n);
    }
    if (timeoutSeconds < 1) {
      spec.commandLine()
          .getErr()
          .println("graft bench: --timeout: " + timeoutSeconds + " is not a positive number");
      return GraftCommand.BAD_INPUT;
    }
    if (Arc.container() == null || !Arc.container().isRunning()) {
      List<String> args = new java.util.ArrayList<>(List.of("bench", "--suite", "load"));
      args.add("--vms");
      args.add(sizes.stream().map(String::valueOf).collect(Collectors.joining(",")));
      args.add("--timeout");
      args.add(Integer.toString(timeoutSeconds));
      return EmbeddedOperator.run(Map.of(), args.toArray(String[]::new));
    }
    LoadRunner runner = Arc.container().instance(LoadRunner.class).get();
    List<LoadRunner.Result> results = new java.util.ArrayList<>();
    try {
      for (int n : sizes) {
        results.add(runner.run(n, Duration.ofSeconds(timeoutSeconds)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    LoadReport.print(results, out);
    boolean ok = results.stream().allMatch(r -> r.ready() == r.vms() && r.duplicates().isEmpty());
    return ok ? 0 : 1;
  }

  private int boot(PrintWriter out) {
    Weights weights = DefaultWeights.get();
    BootTimes.Settings settings;
    try {
      settings =
          new BootTimes.Settings(
              launchSeconds == null ? weights.perBuild() : launchSeconds,
              extraDiskSeconds,
              disksPerJob,
              slots,
              cloneSeconds);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("graft bench: " + e.getMessage());
      return GraftCommand.BAD_INPUT;
    }
    SampleFleet fleet;
    try {
      fleet = SampleFleet.read(fleetFile);
    } catch (java.io.IOException e) {
      spec.commandLine().getErr().println("graft bench: --fleet: " + e.getMessage());
      return GraftCommand.BAD_INPUT;
    }
    FleetBootFigure.print(out, fleetFile.toString(), fleet, weights, settings);
    return 0;
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String ms3(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}
