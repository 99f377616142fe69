package dev.graft.bench;

import dev.graft.planner.CostModel;
import dev.graft.planner.ImageSet;
import dev.graft.planner.NearestIndex;
import dev.graft.planner.Plan;
import dev.graft.planner.Problem;
import dev.graft.planner.Strategy;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One new request against a large catalog (issue 17, item 4), planned the two ways in the same run:
 * <em>rebuilt</em>, the optimal strategy over the catalog with the nearest index built for each
 * plan (what the operator did), and <em>incremental</em>, the same plan against an index kept
 * across plans, the planned image then added to it (what the operator does now). Both ways see the
 * same sequence: each request is planned against the catalog plus the images planned before it, and
 * their plans must cost the same. Also: the kept index's memory per image, and the first plan after
 * new weights (the kept index reprices every image once).
 */
public final class NewRequestBenchmark {
  private final long seed;
  private final Weights weights;

  public NewRequestBenchmark(long seed, Weights weights) {
    this.seed = seed;
    this.weights = weights;
  }

  /** One row of the table. */
  public record Row(
      int images,
      int requests,
      double rebuiltMedianMs,
      double rebuiltP99Ms,
      double incrementalMedianMs,
      double incrementalP99Ms,
      double keptBuildMs,
      double repriceMs,
      double bytesPerImage,
      double bitmapBytesPerImage,
      boolean samePlans) {}

  /** Runs each size and prints the table. */
  public void print(PrintWriter out, int[] sizes, int requests) {
    out.printf(
        Locale.ROOT,
        "One new request against a catalog, optimal strategy (5,000 files, 5 OSes; %d requests"
            + " per size, each planned alone then added to the catalog; target: under 5 ms)%n",
        requests);
    TextTable table =
        new TextTable(
            "IMAGES",
            "REBUILT MEDIAN MS",
            "REBUILT P99 MS",
            "INCREMENTAL MEDIAN MS",
            "INCREMENTAL P99 MS",
            "REBUILT/INCR (MEDIAN)",
            "KEPT BUILD MS",
            "AFTER NEW WEIGHTS MS",
            "INDEX B/IMAGE",
            "BITMAP B/IMAGE",
            "SAME PLANS");
    for (int size : sizes) {
      Row r = run(size, requests);
      table.row(
          Integer.toString(r.images()),
          ms(r.rebuiltMedianMs()),
          ms(r.rebuiltP99Ms()),
          ms(r.incrementalMedianMs()),
          ms(r.incrementalP99Ms()),
          String.format(Locale.ROOT, "%.0fx", r.rebuiltMedianMs() / r.incrementalMedianMs()),
          String.format(Locale.ROOT, "%.1f", r.keptBuildMs()),
          ms(r.repriceMs()),
          String.format(Locale.ROOT, "%.0f", r.bytesPerImage()),
          String.format(Locale.ROOT, "%.0f", r.bitmapBytesPerImage()),
          r.samePlans() ? "yes" : "NO");
    }
    out.println(table.render());
    out.printf(
        Locale.ROOT,
        "P99 is the largest but one of %d samples when fewer than 100. INDEX B/IMAGE: heap the"
            + " kept index adds per image (postings, per-image sums, names, exact-match map),"
            + " the images' file bitmaps not included (BITMAP B/IMAGE, shared with the catalog).%n",
        requests);
    out.flush();
  }

  /** One size: the two ways over the same sequence of new requests. */
  public Row run(int size, int requests) {
    // Spare requests: one not in the catalog by then times the first plan after new weights.
    Problem problem = new SyntheticCatalog(seed, 5_000, 5).problem(size, requests + 20, weights);
    CostModel model = problem.model();
    // Rebuilt per plan.
    List<ImageSet> catalog = new ArrayList<>(problem.images());
    Strategy.OPTIMAL.plan(new Problem(model, catalog, problem.requests().subList(0, 1))); // warm
    long[] rebuilt = new long[requests];
    double[] rebuiltCost = new double[requests];
    for (int i = 0; i < requests; i++) {
      ImageSet request = problem.requests().get(i);
      long t = System.nanoTime();
      Plan plan = Strategy.OPTIMAL.plan(new Problem(model, catalog, List.of(request)));
      rebuilt[i] = System.nanoTime() - t;
      rebuiltCost[i] = plan.totalCost();
      catalog.add(planned(request, plan));
    }
    catalog = null;
    // Incremental: one index kept, each planned image added to it.
    long before = usedHeap();
    long t0 = System.nanoTime();
    NearestIndex kept = NearestIndex.kept(model);
    problem.images().forEach(kept::add);
    kept.buildAll().nearest(problem.requests().get(0)); // postings and levels of one os
    problem.requests().forEach(kept::nearest); // every os built and priced (none added yet)
    double keptBuild = (System.nanoTime() - t0) / 1e6;
    long bytes = usedHeap() - before;
    long[] incremental = new long[requests];
    boolean same = true;
    for (int i = 0; i < requests; i++) {
      ImageSet request = problem.requests().get(i);
      long t = System.nanoTime();
      Plan plan = Strategy.OPTIMAL.plan(new Problem(model, List.of(), List.of(request)), kept);
      kept.add(planned(request, plan));
      incremental[i] = System.nanoTime() - t;
      same &= Math.abs(plan.totalCost() - rebuiltCost[i]) <= 1e-9 * Math.max(1, rebuiltCost[i]);
    }
    // New weights: the first plan after them reprices the kept index.
    Weights w = model.weights();
    CostModel changed =
        new CostModel(
            new Weights(
                w.missingBytes() * 1.1,
                w.inject(),
                w.remove() * 1.1,
                w.excessBytes(),
                w.perBuild()),
            model.files());
    ImageSet request =
        problem.requests().subList(requests, requests + 20).stream()
            .filter(r -> kept.exact(r) == null)
            .findFirst()
            .orElseThrow();
    long t = System.nanoTime();
    kept.price(changed);
    Strategy.OPTIMAL.plan(new Problem(changed, List.of(), List.of(request)), kept);
    double reprice = (System.nanoTime() - t) / 1e6;
    double bitmaps = 0;
    for (ImageSet image : problem.images()) {
      bitmaps += image.files().getSizeInBytes();
    }
    Arrays.sort(rebuilt);
    Arrays.sort(incremental);
    return new Row(
        size,
        requests,
        rebuilt[requests / 2] / 1e6,
        p99(rebuilt) / 1e6,
        incremental[requests / 2] / 1e6,
        p99(incremental) / 1e6,
        keptBuild,
        reprice,
        (double) bytes / size,
        bitmaps / size,
        same);
  }

  /** The image a one-request plan creates (or the request itself when it was a reuse). */
  private static ImageSet planned(ImageSet request, Plan plan) {
    int depth = plan.builds().isEmpty() ? 0 : plan.builds().get(0).depth();
    return new ImageSet(request.name(), request.os(), request.files(), depth, 0);
  }

  private static long p99(long[] sorted) {
    int n = sorted.length;
    return sorted[Math.max(0, Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1 - (n < 100 ? 1 : 0)))];
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static String ms(double ms) {
    return String.format(Locale.ROOT, "%.3f", ms);
  }
}
