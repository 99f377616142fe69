package dev.graft.demo;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.BaseGenerations;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.planner.Strategy;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What {@code graft demo} prints after a base update: the lineage rebuilt on the new base
 * generation, and what the rebuild cost (as the operator built it: one batch, optimal) against
 * rebuilding each image, or each VM's disk, alone from the new base.
 *
 * @param builds images the operator built on the new generation
 * @param batchCost their predicted cost
 * @param optimalBuilds the optimal plan of the same requests over the new base, for comparison
 * @param aloneCost each distinct image built alone from the new base
 * @param perVmCost each VM's disk built alone from the new base (replicas included)
 */
record RebuildReport(
    int vms,
    int builds,
    double batchCost,
    int optimalBuilds,
    double optimalCost,
    int aloneBuilds,
    double aloneCost,
    int perVmBuilds,
    double perVmCost) {

  /** The rebuild of the requests of {@code gvms} now on {@code base} (a base GoldenImage). */
  static RebuildReport of(
      GoldenImage base,
      List<GoldenImage> catalog,
      List<GraftedVirtualMachine> gvms,
      FileResolver.Lookup lookup,
      Weights weights) {
    int generation = BaseGenerations.of(base);
    List<Manifest> requests = new ArrayList<>();
    FileResolver resolver = new FileResolver(Long.MAX_VALUE);
    for (GraftedVirtualMachine g : gvms) {
      if (g.getStatus() == null
          || g.getStatus().baseGeneration == null
          || g.getStatus().baseGeneration != generation
          || !base.getSpec().os.equals(g.getSpec().os)) {
        continue;
      }
      try {
        requests.add(resolver.resolve(g, lookup).onGeneration(generation));
      } catch (ResolutionException e) {
        // Reported with the VM.
      }
    }
    List<GoldenImage> built =
        catalog.stream()
            .filter(gi -> gi.getSpec().parent != null)
            .filter(gi -> base.getSpec().os.equals(gi.getSpec().os))
            .filter(gi -> BaseGenerations.of(gi) == generation)
            .toList();
    double batch =
        built.stream()
            .mapToDouble(gi -> gi.getSpec().predictedCost == null ? 0 : gi.getSpec().predictedCost)
            .sum();
    var optimal = CatalogPlanner.plan(requests, List.of(base), Strategy.OPTIMAL, weights);
    var alone = CatalogPlanner.plan(requests, List.of(base), Strategy.BASE_ONLY, weights);
    Map<String, Long> vmsPerImage =
        requests.stream()
            .collect(Collectors.groupingBy(Manifest::imageName, Collectors.counting()));
    double perVm = 0;
    int perVmBuilds = 0;
    for (var o : alone) {
      long n = vmsPerImage.get(o.image());
      perVm += o.cost() * n;
      perVmBuilds += n;
    }
    return new RebuildReport(
        requests.size(),
        built.size(),
        batch,
        optimal.size(),
        optimal.stream().mapToDouble(CatalogPlanner.Order::cost).sum(),
        alone.size(),
        alone.stream().mapToDouble(CatalogPlanner.Order::cost).sum(),
        perVmBuilds,
        perVm);
  }

  /** The batch's cost over rebuilding each image alone (below 1: the batch is cheaper). */
  double ratioToAlone() {
    return aloneCost == 0 ? 1 : batchCost / aloneCost;
  }

  double ratioToPerVm() {
    return perVmCost == 0 ? 1 : batchCost / perVmCost;
  }

  void print(BaseImage bi, GoldenImage base, Consumer<GoldenImage> lineage, PrintStream out) {
    var s = bi.getStatus();
    out.println();
    out.printf(
        "Base update: BaseImage %s/%s is at generation %d (%s); %d images outdated%n",
        bi.getMetadata().getNamespace(),
        bi.getMetadata().getName(),
        BaseGenerations.of(base),
        base.getSpec().sourceIdentity,
        s == null || s.outdatedImages == null ? 0 : s.outdatedImages);
    out.println("Rebuilt lineage (image [files] cost, hits)");
    lineage.accept(base);
    TextTable t = new TextTable("REBUILD OF " + vms + " VMS", "BUILDS", "TOTAL COST", "RATIO");
    t.row("operator: one batch", Integer.toString(builds), fmt(batchCost), "1.00");
    t.row("optimal plan, same requests", Integer.toString(optimalBuilds), fmt(optimalCost), "");
    t.row(
        "each image alone from the new base",
        Integer.toString(aloneBuilds),
        fmt(aloneCost),
        fmt(aloneCost / Math.max(batchCost, 1e-9)));
    t.row(
        "each VM alone from the new base",
        Integer.toString(perVmBuilds),
        fmt(perVmCost),
        fmt(perVmCost / Math.max(batchCost, 1e-9)));
    out.print(t.render());
    out.printf(
        Locale.ROOT,
        "The batch costs %.2f of rebuilding each image alone, %.2f of rebuilding each VM alone.%n",
        ratioToAlone(),
        ratioToPerVm());
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** The base generation of each BaseImage now (namespace/name → generation). */
  static Map<String, Integer> generations(List<BaseImage> baseImages) {
    Map<String, Integer> out = new HashMap<>();
    for (BaseImage bi : baseImages) {
      Integer g = bi.getStatus() == null ? null : bi.getStatus().baseGeneration;
      out.put(
          bi.getMetadata().getNamespace() + "/" + bi.getMetadata().getName(), g == null ? 0 : g);
    }
    return out;
  }
}
