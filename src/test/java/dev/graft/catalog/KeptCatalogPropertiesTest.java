package dev.graft.catalog;

import static dev.graft.catalog.TenancyPropertiesTest.CATALOG;
import static dev.graft.catalog.TenancyPropertiesTest.OS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.Manifest;
import dev.graft.planner.DepthLimits;
import dev.graft.planner.Strategy;
import dev.graft.planner.Weights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.assertj.core.data.Offset;

/**
 * Planning against a catalog kept across plans ({@link KeptCatalog}, synced with the catalog as it
 * changes: images added, failed, being deleted, deleted, rebuilt with other files; new weights and
 * new clone costs) costs exactly what planning against the catalog read afresh costs, with the same
 * images ordered, under the tenancy rule and depth limits.
 */
class KeptCatalogPropertiesTest {
  private int versions;

  @Property(tries = 150)
  void keptCatalogPlansLikeAFreshOne(@ForAll long seed) {
    Random rnd = new Random(seed);
    KeptCatalog kept = new KeptCatalog(CATALOG);
    List<GoldenImage> catalog = new ArrayList<>(List.of(versioned(TenancyPropertiesTest.base())));
    Weights weights = TenancyPropertiesTest.SECONDS;
    double[] cloneFactor = {0};
    CloneCosts clones =
        gi -> cloneFactor[0] * (1 + Math.abs(gi.getMetadata().getName().hashCode() % 5));
    for (int step = 0; step < 25; step++) {
      change(rnd, catalog);
      if (rnd.nextInt(5) == 0) {
        weights = new Weights(2.0e-8, 0.05 * rnd.nextInt(3), 0.02 * rnd.nextInt(3), 0.0, 16.0);
      }
      if (rnd.nextInt(5) == 0) {
        cloneFactor[0] = rnd.nextInt(3) * 0.5;
      }
      DepthLimits limits =
          rnd.nextBoolean()
              ? DepthLimits.NONE
              : new DepthLimits(DepthLimits.UNLIMITED, Map.of(OS, 2 + rnd.nextInt(3)));
      kept.sync(catalog, clones, cloneFactor[0]);
      assertThat(kept.indexed()).isEqualTo(catalog.stream().filter(CatalogPlanner::usable).count());
      Map<String, Manifest> pending = new LinkedHashMap<>();
      Map<String, Tenancy.Request> tenancy = new HashMap<>();
      for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
        Manifest m = new Manifest(OS, TenancyPropertiesTest.randomFiles(rnd), Map.of());
        if (m.entries().isEmpty() || kept.contains(m.imageName())) {
          continue;
        }
        pending.putIfAbsent(m.imageName(), m);
        tenancy.put(
            m.imageName(),
            new Tenancy.Request(
                Tenancy.namespacesOf(TenancyPropertiesTest.requesters(rnd, "r" + i), CATALOG),
                Tenancy.secretFiles(m.entries())));
      }
      for (Strategy strategy : List.of(Strategy.OPTIMAL, Strategy.NEAREST)) {
        var fresh =
            CatalogPlanner.plan(
                pending.values(), tenancy, catalog, CATALOG, strategy, weights, limits, clones);
        var incremental =
            CatalogPlanner.planKept(pending.values(), tenancy, kept, strategy, weights, limits);
        assertThat(incremental.stream().map(CatalogPlanner.Order::image))
            .as("step %d, %s", step, strategy.id())
            .containsExactlyInAnyOrderElementsOf(
                fresh.stream().map(CatalogPlanner.Order::image).toList());
        assertThat(incremental.stream().mapToDouble(CatalogPlanner.Order::cost).sum())
            .as("step %d, %s", step, strategy.id())
            .isCloseTo(
                fresh.stream().mapToDouble(CatalogPlanner.Order::cost).sum(), Offset.offset(1e-6));
      }
    }
  }

  /**
   * The sample that found an image added to a partition not looked up since the weights changed
   * priced under the new weights while its neighbours kept the old ones (a cheaper source lost).
   */
  @org.junit.jupiter.api.Test
  void anImageAddedAfterTheWeightsChangedIsPricedLikeItsNeighbours() {
    keptCatalogPlansLikeAFreshOne(-121L);
  }

  /** One random change to the catalog; every changed image is a new object, new version. */
  void change(Random rnd, List<GoldenImage> catalog) {
    int op = rnd.nextInt(10);
    if (op < 5 || catalog.size() < 2) {
      Manifest m = new Manifest(OS, TenancyPropertiesTest.randomFiles(rnd), Map.of());
      GoldenImage parent = catalog.get(rnd.nextInt(catalog.size()));
      if (m.entries().isEmpty()
          || catalog.stream().anyMatch(gi -> gi.getMetadata().getName().equals(m.imageName()))) {
        return;
      }
      GoldenImage gi =
          TenancyPropertiesTest.image(m, parent, TenancyPropertiesTest.requesters(rnd, "old"));
      gi.getSpec().depth = CloneDepthLimits.depthOf(parent, byName(catalog)) + 1;
      catalog.add(versioned(gi));
      return;
    }
    int at = 1 + rnd.nextInt(catalog.size() - 1); // the base stays
    GoldenImage old = catalog.get(at);
    if (op < 7) {
      catalog.remove(at);
      return;
    }
    GoldenImage copy = new GoldenImage();
    copy.getMetadata().setName(old.getMetadata().getName());
    copy.setSpec(old.getSpec());
    if (op == 7) {
      copy.setStatus(new GoldenImage.Status());
      copy.getStatus().phase = rnd.nextBoolean() ? Phase.Failed : Phase.Ready;
    } else if (op == 8) {
      copy.getMetadata().setDeletionTimestamp("2026-11-30T00:00:00Z");
    } else {
      GoldenImage.Spec spec = copy.getSpec();
      GoldenImage other =
          TenancyPropertiesTest.image(
              new Manifest(OS, TenancyPropertiesTest.randomFiles(rnd), Map.of()),
              catalog.get(0),
              spec.requestedBy);
      other.getSpec().depth = spec.depth == null ? 1 : spec.depth + rnd.nextInt(2);
      copy.setSpec(other.getSpec());
    }
    catalog.set(at, versioned(copy));
  }

  GoldenImage versioned(GoldenImage gi) {
    gi.getMetadata().setResourceVersion(Integer.toString(++versions));
    return gi;
  }

  private static Map<String, GoldenImage> byName(List<GoldenImage> catalog) {
    Map<String, GoldenImage> out = new HashMap<>();
    catalog.forEach(gi -> out.put(gi.getMetadata().getName(), gi));
    return out;
  }
}
