package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CatalogEvictionProtectionTest {
  private static final CatalogEviction.Usage NOBODY = new CatalogEviction.Usage(Set.of(), Set.of());

  private static GoldenImage image(String name, String parent, Phase phase, String... requestedBy) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace("ns");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().parent = parent;
    gi.getSpec().requestedBy = List.of(requestedBy);
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = phase;
    return gi;
  }

  @Test
  void anUnusedReadyLeafMayGo() {
    GoldenImage leaf = image("leaf", "base", Phase.Ready, "ns/gone");
    assertThat(CatalogEviction.protectedReason(leaf, List.of(leaf), NOBODY)).isNull();
  }

  @Test
  void baseImagesStay() {
    GoldenImage base = image("base", null, Phase.Ready);
    assertThat(CatalogEviction.protectedReason(base, List.of(base), NOBODY))
        .isEqualTo("base image");
  }

  @Test
  void imagesStillBuildingStay() {
    GoldenImage building = image("b", "base", Phase.Injecting);
    assertThat(CatalogEviction.protectedReason(building, List.of(building), NOBODY))
        .isEqualTo("not Ready");
  }

  @Test
  void imagesAVmClonesFromStay() {
    GoldenImage used = image("used", "base", Phase.Ready);
    var usage = new CatalogEviction.Usage(Set.of("used"), Set.of());
    assertThat(CatalogEviction.protectedReason(used, List.of(used), usage))
        .isEqualTo("used by a VM");
  }

  @Test
  void imagesPlannedForAVmThatIsNotReadyYetStay() {
    GoldenImage planned = image("new", "base", Phase.Ready, "ns/web");
    var usage = new CatalogEviction.Usage(Set.of(), Set.of("ns/web"));
    assertThat(CatalogEviction.protectedReason(planned, List.of(planned), usage))
        .isEqualTo("planned for ns/web, not Ready yet");
  }

  @Test
  void theParentOfAnUnfinishedBuildStays() {
    GoldenImage parent = image("p", "base", Phase.Ready);
    GoldenImage child = image("c", "p", Phase.Cloning);
    GoldenImage doneChild = image("d", "p", Phase.Ready);
    assertThat(CatalogEviction.protectedReason(parent, List.of(parent, child), NOBODY))
        .isEqualTo("parent of unfinished build c");
    assertThat(CatalogEviction.protectedReason(parent, List.of(parent, doneChild), NOBODY))
        .isNull();
  }

  /**
   * Usage is read where the operator watches. The SDKs' markers are not namespaces: QOSDK passes
   * QOSDK_USE_BUILDTIME_NAMESPACES when nothing is configured, and listing VMs "there" found none,
   * so eviction took images that VMs still used.
   */
  @Test
  void usageIsListedInWatchedNamespacesAndMarkersMeanAll() {
    assertThat(CatalogEviction.listedNamespaces(Optional.empty())).isEmpty();
    assertThat(
            CatalogEviction.listedNamespaces(
                Optional.of(List.of("QOSDK_USE_BUILDTIME_NAMESPACES"))))
        .isEmpty();
    assertThat(CatalogEviction.listedNamespaces(Optional.of(List.of("JOSDK_ALL_NAMESPACES"))))
        .isEmpty();
    assertThat(CatalogEviction.listedNamespaces(Optional.of(List.of(" team-a", "team-b "))))
        .containsExactly("team-a", "team-b");
  }
}
