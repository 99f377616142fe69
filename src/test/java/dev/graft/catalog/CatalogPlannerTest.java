package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import dev.graft.planner.Strategy;
import dev.graft.planner.Weights;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Planning pending manifests against the catalog, without Kubernetes. */
class CatalogPlannerTest {
  private static final Weights SECONDS = new Weights(2.0e-8, 0.05, 0.02, 0.0, 16.0);

  private static Manifest manifest(String... paths) throws ResolutionException {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setNamespace("ns");
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    for (String p : paths) {
      g.getSpec().files.add(FileSpec.inline(p, p));
    }
    return new FileResolver(1 << 20).resolve(g, FileResolver.STRUCTURAL);
  }

  private static GoldenImage base() {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(Manifest.baseImageName("fedora-40"));
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().manifestDigest = Manifest.digestOf(List.of());
    return gi;
  }

  @Test
  void sharedSubsetIsBuiltOnceAndBecomesTheParent() throws Exception {
    Manifest a = manifest("/f1", "/f2", "/f3");
    Manifest b = manifest("/f1", "/f2", "/f4");
    Manifest c = manifest("/f1", "/f2");
    List<CatalogPlanner.Order> orders =
        CatalogPlanner.plan(List.of(a, b, c), List.of(base()), Strategy.OPTIMAL, SECONDS);
    Map<String, String> parent =
        orders.stream()
            .collect(Collectors.toMap(CatalogPlanner.Order::image, CatalogPlanner.Order::parent));
    assertThat(parent)
        .containsEntry(c.imageName(), base().getMetadata().getName())
        .containsEntry(a.imageName(), c.imageName())
        .containsEntry(b.imageName(), c.imageName());
    // Parents come before children.
    assertThat(orders.get(0).image()).isEqualTo(c.imageName());
    double optimal = orders.stream().mapToDouble(CatalogPlanner.Order::cost).sum();
    double baseOnly =
        CatalogPlanner.totalCost(List.of(a, b, c), List.of(base()), Strategy.BASE_ONLY, SECONDS);
    assertThat(optimal).isLessThan(baseOnly);
  }

  @Test
  void identicalRequestsAreOneBuild() throws Exception {
    Manifest a = manifest("/f1");
    Manifest a2 = manifest("/f1");
    assertThat(CatalogPlanner.plan(List.of(a, a2), List.of(base()), Strategy.OPTIMAL, SECONDS))
        .hasSize(1);
  }
}
