package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.catalog.CatalogPlanner;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GoldenImage an order creates records the clone-chain depth the plan gave it. */
class PlanActionsDepthTest {

  @Test
  void theImageRecordsItsPlannedDepth() throws Exception {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setNamespace("ns");
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    g.getSpec().files.add(FileSpec.inline("/etc/motd", "hi"));
    Manifest m = new FileResolver(1 << 20).resolve(g, FileResolver.STRUCTURAL);
    var order =
        new CatalogPlanner.Order(
            m.imageName(), m, "parent", List.of("x"), List.of(), 1.0, "optimal", 3);
    assertThat(PlanActions.image(order, null, "ns", java.util.Map.of()).getSpec().depth)
        .isEqualTo(3);
  }
}
