package dev.graft.bench;

import dev.graft.catalog.CatalogPlanner;
import dev.graft.planner.Strategy;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The README's end-to-end figure: for a fleet, when every VM could boot under per-VM injection
 * (base-only: each VM's disk built from its base, replicas included), exact-match caching
 * (exact-only: each distinct image once, from its base), the nearest cached image per request
 * (nearest) and Graft's plan (optimal), scheduled by {@link BootTimes} with one Job at a time and
 * with the operator's default number of Jobs at once; and what a cache hit saves against a build. A
 * build's own work (bytes and files) is its planned cost minus the per-build weight, so it comes
 * from the calibrated weights; the launch, per-disk and clone seconds are the settings.
 */
public final class FleetBootFigure {
  /** The rows, in the table's order. */
  static final List<Strategy> STRATEGIES =
      List.of(Strategy.BASE_ONLY, Strategy.EXACT_ONLY, Strategy.NEAREST, Strategy.OPTIMAL);

  private FleetBootFigure() {}

  /** One strategy's builds and schedules: one Job at a time, and {@code slots} at once. */
  public record Row(
      Strategy strategy,
      List<BootTimes.Build> builds,
      BootTimes.Result serial,
      BootTimes.Result parallel) {}

  /** The builds a strategy plans for the fleet (base-only: one per VM). */
  public static List<BootTimes.Build> builds(
      SampleFleet fleet, Strategy strategy, Weights weights) {
    List<CatalogPlanner.Order> orders =
        CatalogPlanner.plan(fleet.vms(), fleet.bases(), strategy, weights);
    Set<String> planned = new HashSet<>();
    orders.forEach(o -> planned.add(o.image()));
    List<BootTimes.Build> builds = new ArrayList<>();
    for (CatalogPlanner.Order o : orders) {
      double work = o.cost() - weights.perBuild();
      if (strategy == Strategy.BASE_ONLY) {
        // Per-VM injection: every VM's own disk, replicas included.
        long vms = fleet.vms().stream().filter(m -> m.imageName().equals(o.image())).count();
        for (int i = 1; i <= vms; i++) {
          builds.add(new BootTimes.Build(o.image() + "#" + i, null, work));
        }
      } else {
        builds.add(
            new BootTimes.Build(o.image(), planned.contains(o.parent()) ? o.parent() : null, work));
      }
    }
    return builds;
  }

  public static Map<Strategy, Row> rows(
      SampleFleet fleet, Weights weights, BootTimes.Settings settings) {
    Map<Strategy, Row> rows = new EnumMap<>(Strategy.class);
    for (Strategy s : STRATEGIES) {
      List<BootTimes.Build> builds = builds(fleet, s, weights);
      rows.put(
          s,
          new Row(
              s,
              builds,
              BootTimes.schedule(builds, settings.withSlots(1)),
              BootTimes.schedule(builds, settings)));
    }
    return rows;
  }

  public static void print(
      PrintWriter out, String source, SampleFleet fleet, Weights weights, BootTimes.Settings s) {
    Map<Strategy, Row> rows = rows(fleet, weights, s);
    String slots = s.slots() == 0 ? "no limit" : s.slots() + " at once";
    out.printf(
        Locale.ROOT,
        "Time until every VM could boot: %s, %d VMs, %d distinct images, %d OSes%n"
            + "launch %.1f s, each extra disk in a launch %.1f s, %d disk(s) per Job, clone %.1f s"
            + " per Job; per file added %s s, per file removed %s s, per byte %s s%n",
        source,
        fleet.vms().size(),
        fleet.distinctImages(),
        fleet.bases().size(),
        s.launchSeconds(),
        s.extraDiskSeconds(),
        s.disksPerJob(),
        s.cloneSeconds(),
        weights.inject(),
        weights.remove(),
        weights.missingBytes());
    Row graft = rows.get(Strategy.OPTIMAL);
    TextTable table =
        new TextTable(
            "STRATEGY",
            "BUILDS",
            "JOBS",
            "WAVES",
            "1 JOB AT A TIME S",
            "VS GRAFT",
            "JOBS " + slots.toUpperCase(Locale.ROOT) + " S",
            "VS GRAFT");
    for (Strategy st : STRATEGIES) {
      Row r = rows.get(st);
      table.row(
          label(st),
          Integer.toString(r.serial().builds()),
          Integer.toString(r.serial().jobs()),
          Integer.toString(r.serial().waves()),
          fmt(r.serial().seconds()),
          ratio(r.serial().seconds(), graft.serial().seconds()),
          fmt(r.parallel().seconds()),
          ratio(r.parallel().seconds(), graft.parallel().seconds()));
    }
    out.print(table.render());
    double[] jobs =
        graft.builds().stream()
            .mapToDouble(b -> s.jobSeconds(List.of(b.workSeconds())))
            .sorted()
            .toArray();
    if (jobs.length > 0) {
      out.printf(
          Locale.ROOT,
          "A cache hit: 0 s of build before the VM clones its image; a build (Graft's, one per"
              + " Job): median %.1f s, %.1f to %.1f s.%n",
          jobs[jobs.length / 2],
          jobs[0],
          jobs[jobs.length - 1]);
    }
    out.flush();
  }

  static String label(Strategy s) {
    return switch (s) {
      case BASE_ONLY -> "per-VM injection (base-only)";
      case EXACT_ONLY -> "exact-match caching (exact-only)";
      case NEAREST -> "nearest per request (nearest)";
      case OPTIMAL -> "Graft (optimal)";
    };
  }

  private static String fmt(double seconds) {
    return String.format(Locale.ROOT, "%.1f", seconds);
  }

  private static String ratio(double a, double b) {
    return b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
  }
}
