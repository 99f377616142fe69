package dev.graft.catalog;

import static dev.graft.catalog.TenancyPropertiesTest.CATALOG;
import static dev.graft.catalog.TenancyPropertiesTest.OS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.build.Manifest;
import dev.graft.planner.DepthLimits;
import dev.graft.planner.Strategy;
import dev.graft.planner.Weights;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.assertj.core.data.Offset;

/**
 * A kept catalog fed by the informer's events ({@link CatalogFeed}: the name of each image added,
 * changed or deleted) plans exactly like the catalog read afresh, whatever the events' order:
 * shuffled, repeated by resyncs, old ones delivered again after newer ones, some held back past a
 * plan (the kept catalog may then lag, and catches up once they arrive), relists, and events of
 * another namespace's images of the same names. Without a relist, a plan reads only what was
 * reported: it never walks the catalog.
 */
class KeptCatalogFeedPropertiesTest {
  private final KeptCatalogPropertiesTest changes = new KeptCatalogPropertiesTest();

  @Property(tries = 150)
  void aKeptCatalogFedByEventsPlansLikeAFreshOne(@ForAll long seed) {
    Random rnd = new Random(seed);
    CatalogFeed feed = new CatalogFeed();
    KeptCatalog kept = feed.of(CATALOG);
    feed.of("neighbour");
    List<GoldenImage> catalog =
        new ArrayList<>(List.of(changes.versioned(TenancyPropertiesTest.base())));
    CatalogSource source = informer(catalog);
    Weights weights = TenancyPropertiesTest.SECONDS;
    double[] cloneFactor = {0};
    CloneCosts clones =
        gi -> cloneFactor[0] * (1 + Math.abs(gi.getMetadata().getName().hashCode() % 5));
    kept.sync(source, clones, cloneFactor[0]); // the first sync walks
    List<String> reported = new ArrayList<>();
    List<String> held = new ArrayList<>();
    for (int step = 0; step < 30; step++) {
      Map<String, GoldenImage> before = byName(catalog);
      for (int c = 0; c < 1 + rnd.nextInt(3); c++) {
        changes.change(rnd, catalog);
      }
      Map<String, GoldenImage> after = byName(catalog);
      Set<String> names = new HashSet<>(before.keySet());
      names.addAll(after.keySet());
      List<String> events = new ArrayList<>();
      names.stream().sorted().filter(n -> before.get(n) != after.get(n)).forEach(events::add);
      List<String> current = new ArrayList<>(after.keySet());
      Collections.sort(current);
      for (int r = rnd.nextInt(4); r > 0; r--) { // resyncs: unchanged images reported again
        events.add(current.get(rnd.nextInt(current.size())));
      }
      for (int r = rnd.nextInt(3); r > 0 && !reported.isEmpty(); r--) { // old events, late
        events.add(reported.get(rnd.nextInt(reported.size())));
      }
      Collections.shuffle(events, rnd);
      for (String name : events) {
        if (rnd.nextInt(4) == 0) {
          held.add(name); // not delivered yet
        } else {
          feed.changed(CATALOG, name);
          reported.add(name);
        }
      }
      // Another namespace's images of the same names: nothing of this catalog moves.
      feed.changed("neighbour", current.get(rnd.nextInt(current.size())));
      if (rnd.nextInt(5) == 0) {
        weights = new Weights(2.0e-8, 0.05 * rnd.nextInt(3), 0.02 * rnd.nextInt(3), 0.0, 16.0);
      }
      if (rnd.nextInt(5) == 0) {
        cloneFactor[0] = rnd.nextInt(3) * 0.5;
      }
      boolean relist = rnd.nextInt(8) == 0;
      if (relist) {
        feed.relisted();
      }
      int walks = kept.walks() + (relist ? 1 : 0);
      if (!held.isEmpty() && rnd.nextBoolean()) {
        kept.sync(source, clones, cloneFactor[0]); // a plan while events are on their way
      }
      Collections.shuffle(held, rnd);
      held.forEach(name -> feed.changed(CATALOG, name));
      reported.addAll(held);
      held.clear();
      kept.sync(source, clones, cloneFactor[0]);
      assertThat(kept.walks()).as("step %d: walks", step).isEqualTo(walks);
      assertThat(kept.byName().keySet()).as("step %d", step).isEqualTo(after.keySet());
      assertThat(kept.indexed())
          .as("step %d", step)
          .isEqualTo(catalog.stream().filter(CatalogPlanner::usable).count());
      plansAlike(rnd, step, kept, catalog, weights, clones);
    }
  }

  /** Random requests plan the same against the kept catalog and against the catalog afresh. */
  private static void plansAlike(
      Random rnd,
      int step,
      KeptCatalog kept,
      List<GoldenImage> catalog,
      Weights weights,
      CloneCosts clones) {
    DepthLimits limits =
        rnd.nextBoolean()
            ? DepthLimits.NONE
            : new DepthLimits(DepthLimits.UNLIMITED, Map.of(OS, 2 + rnd.nextInt(3)));
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
      var fed = CatalogPlanner.planKept(pending.values(), tenancy, kept, strategy, weights, limits);
      assertThat(fed.stream().map(CatalogPlanner.Order::image))
          .as("step %d, %s", step, strategy.id())
          .containsExactlyInAnyOrderElementsOf(
              fresh.stream().map(CatalogPlanner.Order::image).toList());
      assertThat(fed.stream().mapToDouble(CatalogPlanner.Order::cost).sum())
          .as("step %d, %s", step, strategy.id())
          .isCloseTo(
              fresh.stream().mapToDouble(CatalogPlanner.Order::cost).sum(), Offset.offset(1e-6));
    }
  }

  /** The catalog as the informer's cache holds it now. */
  private static CatalogSource informer(List<GoldenImage> catalog) {
    return new CatalogSource() {
      @Override
      public GoldenImage get(String name) {
        return byName(catalog).get(name);
      }

      @Override
      public Collection<GoldenImage> list() {
        return List.copyOf(catalog);
      }

      @Override
      public boolean fed() {
        return true;
      }
    };
  }

  private static Map<String, GoldenImage> byName(List<GoldenImage> catalog) {
    Map<String, GoldenImage> out = new HashMap<>();
    catalog.forEach(gi -> out.put(gi.getMetadata().getName(), gi));
    return out;
  }
}
