package dev.graft.bench;

import dev.graft.planner.TextTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints the load benchmark's figures: one row per size, then the calls of the largest run. */
public final class LoadReport {
  private static final List<String> VERBS =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");

  private LoadReport() {}

  public static void print(List<LoadRunner.Result> results, PrintWriter out) {
    out.println(
        "Load: GraftedVirtualMachines created at once (3 OSes, 5 tiers x 3 environments x teams,"
            + " 4 identical replicas each; simulated CDI and Jobs)");
    TextTable table =
        new TextTable(
            "VMS",
            "READY",
            "SECONDS",
            "IMAGES",
            "BUILDS",
            "API CALLS",
            "CALLS/VM",
            "GET",
            "LIST",
            "WATCH",
            "CREATE",
            "UPDATE",
            "PATCH",
            "DELETE",
            "RECONCILES/VM",
            "HEAP MB BEFORE",
            "HEAP MB AFTER",
            "HEAP KB/VM",
            "OPERATOR KB/VM");
    for (LoadRunner.Result r : results) {
      List<String> row =
          new java.util.ArrayList<>(
              List.of(
                  Integer.toString(r.vms()),
                  Integer.toString(r.ready()),
                  fmt1(r.secondsToReady()),
                  Integer.toString(r.goldenImages()),
                  Integer.toString(r.builds()),
                  Integer.toString(r.calls().total()),
                  fmt1(r.callsPerVm())));
      for (String verb : VERBS) {
        row.add(fmt1((double) r.calls().verb(verb) / r.vms()));
      }
      row.add(r.reconciles() < 0 ? "-" : fmt1((double) r.reconciles() / r.vms()));
      row.add(fmt1(r.heapBefore() / 1048576.0));
      row.add(fmt1(r.heapAfter() / 1048576.0));
      row.add(fmt1(r.heapPerVm() / 1024.0));
      row.add(r.operatorHeapPerVm() < 0 ? "-" : fmt1(r.operatorHeapPerVm() / 1024.0));
      table.row(row.toArray(String[]::new));
    }
    out.print(table.render());
    if (results.stream().anyMatch(r -> r.reconciles() < 0)) {
      out.println(
          "RECONCILES/VM: - where the SDK's reconcile counters are not registered (the packaged"
              + " app); LoadTest reports them.");
    }
    out.println(
        "HEAP KB/VM: the whole JVM's used heap after GC, after the requests less before (the"
            + " mock API server's objects, the simulator and the harness included); OPERATOR KB/VM:"
            + " the same once all but the operator let go of the run's objects.");
    LoadRunner.Result largest = results.get(results.size() - 1);
    out.printf(Locale.ROOT, "%nOperator API calls by verb and resource (%d VMs)%n", largest.vms());
    TextTable byResource = new TextTable("CALL", "COUNT", "PER VM");
    largest
        .calls()
        .byResource()
        .forEach(
            (call, count) ->
                byResource.row(
                    call, Integer.toString(count), fmt2((double) count / largest.vms())));
    out.print(byResource.render());
    out.printf(
        Locale.ROOT,
        "%nStatus changes (kind, phase, Ready reason; each one status patch) and Events (kind,"
            + " reason; occurrences, a repeat is a patch), %d VMs, seen by the harness%n",
        largest.vms());
    TextTable byContent = new TextTable("WRITE", "COUNT", "PER VM");
    largest
        .writes()
        .forEach(
            (what, count) ->
                byContent.row(what, Integer.toString(count), fmt2((double) count / largest.vms())));
    out.print(byContent.render());
    for (LoadRunner.Result r : results) {
      if (r.usedImagesWithoutLastUse() > 0) {
        out.printf(
            Locale.ROOT,
            "%nImages in use without a recorded last use (%d VMs): %d%n",
            r.vms(),
            r.usedImagesWithoutLastUse());
      }
      if (!r.duplicates().isEmpty()) {
        out.printf(Locale.ROOT, "%nCreated twice (%d VMs): %s%n", r.vms(), r.duplicates());
      }
    }
    out.flush();
  }

  private static String fmt1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
