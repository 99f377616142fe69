package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.catalog.CatalogPlanner;
import io.javaoperatorsdk.operator.ReconcilerUtilsInternal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A planned GoldenImage is created with the finalizer its reconciler needs, the SDK's own name for
 * it, so that the SDK does not patch it in afterwards (one API call per image in the load bench).
 */
class PlanActionsFinalizerTest {

  @Test
  void aPlannedImageCarriesTheSdksFinalizerFromTheStart() throws Exception {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setNamespace("ns");
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    g.getSpec().files.add(FileSpec.inline("/etc/motd", "hi"));
    Manifest m = new FileResolver(1 << 20).resolve(g, FileResolver.STRUCTURAL);
    var order =
        new CatalogPlanner.Order(
            m.imageName(), m, "parent", List.of("x"), List.of(), 1.0, "optimal");
    assertThat(PlanActions.image(order, null, "ns", Map.of()).getMetadata().getFinalizers())
        .containsExactly(ReconcilerUtilsInternal.getDefaultFinalizerName(GoldenImage.class));
  }
}
