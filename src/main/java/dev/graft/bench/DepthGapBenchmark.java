package dev.graft.bench;

import dev.graft.planner.CostModel;
import dev.graft.planner.DepthLimits;
import dev.graft.planner.DepthSolver;
import dev.graft.planner.FileInfo;
import dev.graft.planner.FileTable;
import dev.graft.planner.ImageSet;
import dev.graft.planner.Plan;
import dev.graft.planner.Problem;
import dev.graft.planner.Strategy;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.roaringbitmap.RoaringBitmap;

/**
 * How far the depth-bounded local search lands from the exact bounded optimum, on random fleets
 * where the limit binds (the unbounded optimum builds too deep a chain): requests are variations of
 * one another, so chains are what the unbounded planner wants, and cached images sit at depths 0 to
 * the limit. Also the local search's time on large fleets, against nearest-per-request and against
 * the unbounded optimum (a lower bound of the bounded one).
 */
public final class DepthGapBenchmark {

  /** One size and limit: gaps over the instances where the limit binds. */
  public record Row(
      int requests,
      int maxDepth,
      int instances,
      int binding,
      double meanGap,
      double maxGap,
      int exactHits,
      double meanNearestGap,
      int worseThanNearest,
      double heuristicMs,
      double exactMs) {}

  private final long seed;

  public DepthGapBenchmark(long seed) {
    this.seed = seed;
  }

  /** Solves {@code instances} random problems of {@code requests} requests both ways. */
  public Row measure(int requests, int maxDepth, int instances) {
    Random rnd = new Random(seed * 31 + requests * 7L + maxDepth);
    int binding = 0;
    int hits = 0;
    int worse = 0;
    double gapSum = 0;
    double gapMax = 0;
    double nearestSum = 0;
    long heuristicNanos = 0;
    long exactNanos = 0;
    for (int i = 0; i < instances; i++) {
      Problem problem = instance(rnd, requests, maxDepth, 40);
      Problem unbounded =
          new Problem(problem.model(), problem.images(), problem.requests(), DepthLimits.NONE);
      double lower = Strategy.OPTIMAL.plan(unbounded).totalCost();
      long t0 = System.nanoTime();
      double exact = Strategy.optimal(problem, DepthSolver.EXACT).totalCost();
      long t1 = System.nanoTime();
      double heuristic = Strategy.optimal(problem, DepthSolver.HEURISTIC).totalCost();
      long t2 = System.nanoTime();
      if (exact <= lower + 1e-9) {
        continue; // the limit does not bind: both solvers keep the unbounded optimum
      }
      binding++;
      exactNanos += t1 - t0;
      heuristicNanos += t2 - t1;
      double nearest = Strategy.NEAREST.plan(problem).totalCost();
      double gap = (heuristic - exact) / exact;
      gapSum += gap;
      gapMax = Math.max(gapMax, gap);
      hits += gap <= 1e-9 ? 1 : 0;
      worse += heuristic > nearest + 1e-9 ? 1 : 0;
      nearestSum += (nearest - exact) / exact;
    }
    int b = Math.max(1, binding);
    return new Row(
        requests,
        maxDepth,
        instances,
        binding,
        gapSum / b,
        gapMax,
        hits,
        nearestSum / b,
        worse,
        heuristicNanos / 1e6 / b,
        exactNanos / 1e6 / b);
  }

  /** A random fleet: one OS, {@code files} files in packs, requests that vary one another. */
  static Problem instance(Random rnd, int requests, int maxDepth, int files) {
    FileTable table = new FileTable();
    for (int f = 0; f < files; f++) {
      long size = (long) (1024 * Math.pow(1024, rnd.nextDouble()));
      table.add(new FileInfo("f" + f, "/f" + f, size, 1, 1));
    }
    Weights weights =
        new Weights(1, 1 + rnd.nextInt(1000), 1 + rnd.nextInt(1000), 0, rnd.nextInt(50_000));
    List<ImageSet> images = new ArrayList<>();
    images.add(new ImageSet("base", "os", new RoaringBitmap(), 0));
    List<ImageSet> wanted = new ArrayList<>();
    RoaringBitmap seedSet = random(rnd, files, 0.3);
    for (int i = 0; i < 4; i++) {
      images.add(
          new ImageSet("img" + i, "os", vary(rnd, seedSet, files, 6), rnd.nextInt(maxDepth + 1)));
    }
    for (int r = 0; r < requests; r++) {
      RoaringBitmap like = r == 0 ? seedSet : wanted.get(rnd.nextInt(r)).files();
      wanted.add(new ImageSet("req" + r, "os", vary(rnd, like, files, 3)));
    }
    return new Problem(new CostModel(weights, table), images, wanted, DepthLimits.of(maxDepth));
  }

  private static RoaringBitmap random(Random rnd, int files, double p) {
    RoaringBitmap set = new RoaringBitmap();
    for (int f = 0; f < files; f++) {
      if (rnd.nextDouble() < p) {
        set.add(f);
      }
    }
    return set;
  }

  /** A copy of {@code like} with up to {@code changes} files flipped. */
  private static RoaringBitmap vary(Random rnd, RoaringBitmap like, int files, int changes) {
    RoaringBitmap set = like.clone();
    for (int c = 1 + rnd.nextInt(changes); c > 0; c--) {
      int f = rnd.nextInt(files);
      if (!set.checkedRemove(f)) {
        set.add(f);
      }
    }
    return set;
  }

  /** Local search on a large fleet: time and cost against nearest and the unbounded optimum. */
  public String large(int requests, int maxDepth) {
    Problem problem = instance(new Random(seed), requests, maxDepth, 400);
    Problem unbounded =
        new Problem(problem.model(), problem.images(), problem.requests(), DepthLimits.NONE);
    Strategy.optimal(problem, DepthSolver.HEURISTIC); // warm-up
    long t0 = System.nanoTime();
    Plan plan = Strategy.optimal(problem, DepthSolver.HEURISTIC);
    long t1 = System.nanoTime();
    double lower = Strategy.OPTIMAL.plan(unbounded).totalCost();
    double nearest = Strategy.NEAREST.plan(problem).totalCost();
    return new TextTable("REQUESTS", "MAX DEPTH", "LOCAL SEARCH MS", "VS UNBOUNDED", "VS NEAREST")
        .row(
            String.valueOf(requests),
            String.valueOf(maxDepth),
            String.format(Locale.ROOT, "%.0f", (t1 - t0) / 1e6),
            String.format(Locale.ROOT, "%.3fx", plan.totalCost() / lower),
            String.format(Locale.ROOT, "%.3fx", plan.totalCost() / nearest))
        .render();
  }

  /** The gap table for the sizes and limits, then one large fleet. */
  public void print(PrintWriter out, int[] sizes, int[] limits, int instances, int large) {
    out.printf(
        Locale.ROOT,
        "Depth limit: local search against the exact bounded optimum, %d random fleets per row,"
            + " counted where the limit binds%n",
        instances);
    TextTable t =
        new TextTable(
            "REQUESTS",
            "MAX DEPTH",
            "BINDING",
            "MEAN GAP",
            "MAX GAP",
            "EXACT",
            "NEAREST GAP",
            "WORSE THAN NEAREST",
            "LOCAL MS",
            "EXACT MS");
    for (int n : sizes) {
      for (int d : limits) {
        Row r = measure(n, d, instances);
        t.row(
            String.valueOf(n),
            String.valueOf(d),
            r.binding() + "/" + r.instances(),
            pct(r.meanGap()),
            pct(r.maxGap()),
            r.exactHits() + "/" + r.binding(),
            pct(r.meanNearestGap()),
            String.valueOf(r.worseThanNearest()),
            String.format(Locale.ROOT, "%.2f", r.heuristicMs()),
            String.format(Locale.ROOT, "%.2f", r.exactMs()));
      }
    }
    out.println(t.render());
    if (large > 0) {
      out.println("Local search on a large fleet (unbounded optimum: a lower bound)");
      out.println(large(large, 3));
    }
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }
}
