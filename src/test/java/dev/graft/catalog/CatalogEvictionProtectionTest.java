package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
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
   * Usage comes from the request informer's cache (the namespaces the operator watches, whatever
   * the SDKs' namespace markers say), and never from a cache that has not synced: an empty list
   * then would let eviction take images that VMs still use.
   */
  @Test
  void usageIsReadFromTheRequestInformerOnlyOnceItHasSynced() {
    RequestCache requests = new RequestCache();
    assertThatThrownBy(requests::all).isInstanceOf(IllegalStateException.class);
    GraftedVirtualMachine web = new GraftedVirtualMachine();
    web.getMetadata().setName("web");
    web.getMetadata().setNamespace("team-a");
    AtomicBoolean synced = new AtomicBoolean(false);
    requests.readFrom(informerCache(List.of(web), synced));
    assertThatThrownBy(requests::all).hasMessageContaining("not synced");
    synced.set(true);
    assertThat(requests.all()).containsExactly(web);
  }

  /**
   * A pass over the limit that may evict nothing (the leaf is used) says the os is still over it,
   * so it looks again later: a request moving to a new image frees the old one with no image event,
   * and the request cache may show the move only after the pass ran (seen under load).
   */
  @Test
  void aPassThatLeavesTheOsOverItsLimitSaysSo() {
    GraftedVirtualMachine web = new GraftedVirtualMachine();
    web.getMetadata().setName("web");
    web.getMetadata().setNamespace("ns");
    web.setStatus(new GraftedVirtualMachine.Status());
    web.getStatus().image = "leaf";
    web.getStatus().phase = Phase.Ready;
    RequestCache requests = new RequestCache();
    requests.readFrom(informerCache(List.of(web), new AtomicBoolean(true)));
    List<GoldenImage> catalog =
        List.of(image("base", null, Phase.Ready), image("leaf", "base", Phase.Ready));

    CatalogEviction.Pass over = eviction(1, requests).enforce("ns", "fedora-40", catalog);
    assertThat(over.evicted()).isEmpty();
    assertThat(over.stillOver()).isTrue();

    CatalogEviction.Pass within = eviction(2, requests).enforce("ns", "fedora-40", catalog);
    assertThat(within.evicted()).isEmpty();
    assertThat(within.stillOver()).isFalse();
  }

  /** Eviction with a limit of {@code maxImages} per os; nothing it may need besides is given. */
  private static CatalogEviction eviction(int maxImages, RequestCache requests) {
    Map<String, Object> cache =
        Map.of(
            "maxImagesPerOs",
            maxImages,
            "maxBytesPerOs",
            0L,
            "outdatedGracePeriod",
            java.time.Duration.ofHours(24));
    Object limits =
        Proxy.newProxyInstance(
            CatalogEvictionProtectionTest.class.getClassLoader(),
            new Class<?>[] {dev.graft.config.GraftConfig.Cache.class},
            (proxy, method, args) -> cache.get(method.getName()));
    var config =
        (dev.graft.config.GraftConfig)
            Proxy.newProxyInstance(
                CatalogEvictionProtectionTest.class.getClassLoader(),
                new Class<?>[] {dev.graft.config.GraftConfig.class},
                (proxy, method, args) -> method.getName().equals("cache") ? limits : null);
    return new CatalogEviction(config, null, null, null, new UsageLedger(), requests);
  }

  /** An informer's cache holding {@code items}, synced when {@code synced} says so. */
  @SuppressWarnings("unchecked")
  private static IndexerResourceCache<GraftedVirtualMachine> informerCache(
      List<GraftedVirtualMachine> items, AtomicBoolean synced) {
    InformerHealthIndicator informer =
        (InformerHealthIndicator)
            Proxy.newProxyInstance(
                RequestCache.class.getClassLoader(),
                new Class<?>[] {InformerHealthIndicator.class},
                (proxy, method, args) ->
                    method.getName().equals("hasSynced") ? synced.get() : null);
    return (IndexerResourceCache<GraftedVirtualMachine>)
        Proxy.newProxyInstance(
            RequestCache.class.getClassLoader(),
            new Class<?>[] {
              IndexerResourceCache.class, InformerWrappingEventSourceHealthIndicator.class
            },
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "list" -> items.stream();
                  case "informerHealthIndicators" -> Map.of("team-a", informer);
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
