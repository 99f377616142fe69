package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.cache.CacheEntry;
import dev.graft.cache.CacheLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator's eviction ranks images by the priority stored at their last use (GDSF aging). */
class CatalogEvictionAgingTest {
  private static final CatalogEviction.Usage NOBODY = new CatalogEviction.Usage(Set.of(), Set.of());

  private static GoldenImage base(double clock) {
    GoldenImage gi = image("fedora-40-base", 0, 0);
    gi.getSpec().parent = null;
    gi.getStatus().cacheClock = clock;
    return gi;
  }

  /** A Ready image of 8Gi built in {@code buildSeconds}, hit {@code hits} times. */
  private static GoldenImage image(String name, double buildSeconds, int hits) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace("ns");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().parent = "fedora-40-base";
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = Phase.Ready;
    gi.getStatus().size = "8Gi";
    gi.getStatus().buildSeconds = buildSeconds;
    gi.getStatus().hits = hits;
    return gi;
  }

  /** What the reconcilers store when an image is used while the clock reads {@code clock}. */
  private static GoldenImage usedAt(GoldenImage gi, double clock) {
    gi.getStatus().cachePriority = CacheClock.priority(clock, gi.getStatus());
    return gi;
  }

  private static List<String> names(CatalogEviction.Decision d) {
    return d.victims().stream().map(CacheEntry::name).toList();
  }

  @Test
  void anImageHitOftenLongAgoGoesBeforeARecentlyUsedCheapOne() {
    // Expensive and hit often, used while the clock read 0; then a VM kept it while others churned.
    GoldenImage favourite = usedAt(image("favourite", 600, 20), 0);
    var favouriteInUse = new CatalogEviction.Usage(Set.of("favourite"), Set.of());
    CacheLimits threeImages = new CacheLimits(3, 0);
    double clock = 0;
    GoldenImage survivor = usedAt(image("churn-first", 60, 0), clock);
    for (int i = 0; clock <= favourite.getStatus().cachePriority; i++) {
      assertThat(i).as("churn evictions before the clock passes the favourite").isLessThan(1000);
      List<GoldenImage> catalog = new ArrayList<>(List.of(base(clock), favourite, survivor));
      GoldenImage churn = usedAt(image("churn-" + i, 60, 0), clock);
      catalog.add(churn);
      var d = CatalogEviction.decide("fedora-40", catalog, favouriteInUse, threeImages);
      assertThat(names(d)).hasSize(1).doesNotContain("favourite");
      assertThat(d.clock()).isGreaterThanOrEqualTo(clock);
      clock = d.clock();
      survivor =
          catalog.stream()
              .filter(gi -> gi.getSpec().parent != null && gi != favourite)
              .filter(gi -> !names(d).contains(gi.getMetadata().getName()))
              .findFirst()
              .orElseThrow();
    }

    // Its VM is gone; a cheap image (1 s to rebuild, never hit) was used just now.
    GoldenImage recent = usedAt(image("recent", 1, 0), clock);
    var d =
        CatalogEviction.decide(
            "fedora-40", List.of(base(clock), favourite, recent), NOBODY, new CacheLimits(2, 0));
    assertThat(names(d)).containsExactly("favourite");
    // Valued today, without aging, the favourite would be worth far more and the recent one go.
    assertThat(CacheClock.priority(clock, favourite.getStatus()))
        .isGreaterThan(CacheClock.priority(clock, recent.getStatus()));
    // Its priority is below the clock: the clock never goes down.
    assertThat(d.clockBefore()).isEqualTo(clock);
    assertThat(d.clock()).isEqualTo(clock);
  }

  @Test
  void evictionRaisesTheClockToTheEvictedPriority() {
    GoldenImage low = image("low", 1, 0);
    low.getStatus().cachePriority = 5.0;
    GoldenImage high = image("high", 1, 0);
    high.getStatus().cachePriority = 9.0;
    var d =
        CatalogEviction.decide(
            "fedora-40", List.of(base(2), low, high), NOBODY, new CacheLimits(2, 0));
    assertThat(names(d)).containsExactly("low");
    assertThat(d.clockBefore()).isEqualTo(2);
    assertThat(d.clock()).isEqualTo(5);
  }

  @Test
  void anImageWithoutAStoredPriorityRanksAsUsedWhenTheClockRead0() {
    GoldenImage legacy = image("legacy", 100, 3);
    assertThat(CacheClock.stored(legacy.getStatus()))
        .isEqualTo(CacheClock.priority(0, legacy.getStatus()))
        .isPositive();
    // So, once the clock has risen, it goes before an image used since then.
    GoldenImage recent = usedAt(image("recent", 100, 3), 1.0);
    var d =
        CatalogEviction.decide(
            "fedora-40", List.of(base(1.0), recent, legacy), NOBODY, new CacheLimits(2, 0));
    assertThat(names(d)).containsExactly("legacy");
  }
}
