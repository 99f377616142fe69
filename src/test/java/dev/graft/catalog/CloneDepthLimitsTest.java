package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.StorageSpec;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.planner.DepthLimits;
import dev.graft.planner.Strategy;
import dev.graft.planner.Weights;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** graft.storage.max-clone-depth: parsing, per-OS limits from the catalog, recorded depths. */
class CloneDepthLimitsTest {
  private static final Weights SECONDS = new Weights(2.0e-8, 0.05, 0.02, 0.0, 16.0);

  @Test
  void parsesClassesAndTheLimitOfEveryOtherClass() {
    CloneDepthLimits limits = CloneDepthLimits.parse("ceph-rbd=8, local = 3 ,12");
    assertThat(limits.of("ceph-rbd")).isEqualTo(8);
    assertThat(limits.of("local")).isEqualTo(3);
    assertThat(limits.of("other")).isEqualTo(12);
    assertThat(limits.of(null)).isEqualTo(12);
    assertThat(CloneDepthLimits.parse("0").of("x")).isZero();
    assertThat(CloneDepthLimits.parse("ceph-rbd=4").of("")).isZero();
  }

  @Test
  void badSettingsNameTheSettingAndThePart() {
    assertThatThrownBy(() -> CloneDepthLimits.parse("ceph=deep"))
        .hasMessage(
            "graft.storage.max-clone-depth: \"ceph=deep\": expected CLASS=N or N with N a whole"
                + " number >= 0");
    assertThatThrownBy(() -> CloneDepthLimits.parse("a=1,a=2"))
        .hasMessageContaining("\"a=2\": a StorageClass name is missing or given twice");
    assertThatThrownBy(() -> CloneDepthLimits.parse("-3")).hasMessageContaining("\"-3\"");
  }

  @Test
  void theLimitOfAnOsIsThatOfItsBaseImagesClass() {
    GoldenImage onCeph = base("fedora-40", "ceph-rbd");
    GoldenImage onDefault = base("debian-12", null);
    CloneDepthLimits limits = CloneDepthLimits.parse("ceph-rbd=4,2");
    DepthLimits byOs = limits.forCatalog(List.of(onCeph, onDefault), "");
    assertThat(byOs.max("fedora-40")).isEqualTo(4);
    assertThat(byOs.max("debian-12")).isEqualTo(2);
    assertThat(limits.forCatalog(List.of(onDefault), "ceph-rbd").max("debian-12")).isEqualTo(4);
    assertThat(CloneDepthLimits.NONE.forCatalog(List.of(onCeph), "").bounded()).isFalse();
  }

  @Test
  void depthIsRecordedOrFollowsTheParents() {
    GoldenImage base = base("fedora-40", null);
    GoldenImage a = child("a", base.getMetadata().getName(), null);
    GoldenImage b = child("b", "a", null);
    GoldenImage c = child("c", "b", 5);
    Map<String, GoldenImage> byName =
        List.of(base, a, b, c).stream()
            .collect(Collectors.toMap(g -> g.getMetadata().getName(), g -> g));
    assertThat(CloneDepthLimits.depthOf(base, byName)).isZero();
    assertThat(CloneDepthLimits.depthOf(b, byName)).isEqualTo(2);
    assertThat(CloneDepthLimits.depthOf(c, byName)).isEqualTo(5);
    assertThat(CloneDepthLimits.depthOf(child("d", "c", null), byName)).isEqualTo(6);
  }

  @Test
  void theOperatorsPlanStaysWithinTheLimitAndCarriesEachImagesDepth() throws Exception {
    // Unbounded, the cheapest plan grows a chain: c from base, a and b from c, d from a.
    Manifest a = manifest("/f1", "/f2", "/f3");
    Manifest c = manifest("/f1", "/f2");
    Manifest d = manifest("/f1", "/f2", "/f3", "/f5");
    GoldenImage base = base("fedora-40", "ceph-rbd");
    List<CatalogPlanner.Order> free =
        CatalogPlanner.plan(List.of(a, c, d), List.of(base), Strategy.OPTIMAL, SECONDS);
    assertThat(free.stream().mapToInt(CatalogPlanner.Order::depth).max().orElseThrow())
        .isEqualTo(3);
    DepthLimits two = CloneDepthLimits.parse("ceph-rbd=2").forCatalog(List.of(base), "");
    List<CatalogPlanner.Order> bounded =
        CatalogPlanner.plan(List.of(a, c, d), List.of(base), Strategy.OPTIMAL, SECONDS, two);
    assertThat(bounded).hasSize(3);
    assertThat(bounded).allSatisfy(o -> assertThat(o.depth()).isBetween(1, 2));
    Map<String, CatalogPlanner.Order> byImage =
        bounded.stream().collect(Collectors.toMap(CatalogPlanner.Order::image, o -> o));
    for (CatalogPlanner.Order o : bounded) {
      CatalogPlanner.Order parent = byImage.get(o.parent());
      assertThat(o.depth()).isEqualTo(parent == null ? 1 : parent.depth() + 1);
    }
  }

  private static Manifest manifest(String... paths) throws Exception {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setNamespace("ns");
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    for (String p : paths) {
      g.getSpec().files.add(FileSpec.inline(p, p));
    }
    return new FileResolver(1 << 20).resolve(g, FileResolver.STRUCTURAL);
  }

  private static GoldenImage base(String os, String storageClass) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(Manifest.baseImageName(os));
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = os;
    gi.getSpec().manifestDigest = Manifest.digestOf(List.of());
    if (storageClass != null) {
      gi.getSpec().storage = new StorageSpec();
      gi.getSpec().storage.storageClassName = storageClass;
    }
    return gi;
  }

  private static GoldenImage child(String name, String parent, Integer depth) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().parent = parent;
    gi.getSpec().depth = depth;
    return gi;
  }
}
