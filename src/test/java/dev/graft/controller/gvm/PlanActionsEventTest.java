package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.controller.flow.Action;
import dev.graft.kubevirt.StorageDefaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A plan of many images is one Planned event on the request whose reconcile planned it, not one per
 * image (a batch of 100 images cost that request 100 event writes).
 */
class PlanActionsEventTest {

  @Test
  void aPlanOfManyImagesIsOnePlannedEventNamingTheFirstFive() throws Exception {
    List<CatalogPlanner.Order> orders = new ArrayList<>();
    for (int i : IntStream.range(0, 8).toArray()) {
      Manifest m = manifest("/etc/app-" + i);
      orders.add(
          new CatalogPlanner.Order(
              m.imageName(),
              m,
              "fedora-40-base",
              List.of("/etc/app-" + i),
              List.of(),
              1.5,
              "optimal"));
    }
    GraftedVirtualMachine g = gvm("/etc/app-0");
    RequestView view =
        new RequestView(
            g,
            "ns",
            manifest("/etc/app-0"),
            null,
            null,
            null,
            null,
            null,
            Duration.ZERO,
            Duration.ofSeconds(1),
            StorageDefaults.NONE);
    List<Action> actions =
        PlanActions.of(view, new RequestView.Plan(orders, Map.of(), Map.of(), o -> {}));

    assertThat(actions).filteredOn(a -> a instanceof Action.Create).hasSize(8);
    List<Action.Emit> events =
        actions.stream().filter(a -> a instanceof Action.Emit).map(a -> (Action.Emit) a).toList();
    assertThat(events).singleElement().extracting(Action.Emit::reason).isEqualTo("Planned");
    assertThat(events.get(0).message())
        .startsWith("8 images, total cost 12.00: image " + orders.get(0).image() + " from ")
        .contains(orders.get(4).image())
        .doesNotContain(orders.get(5).image())
        .endsWith("; and 3 more");
  }

  private static GraftedVirtualMachine gvm(String path) {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setNamespace("ns");
    g.getMetadata().setName("web");
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    g.getSpec().files.add(FileSpec.inline(path, "x"));
    return g;
  }

  private static Manifest manifest(String path) throws Exception {
    return new FileResolver(1 << 20).resolve(gvm(path), FileResolver.STRUCTURAL);
  }
}
