package dev.graft.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.bench.CacheSimulation;
import java.util.List;
import org.junit.jupiter.api.Test;

class GreedyDualSizeFrequencyTest {
  private final GreedyDualSizeFrequency policy = new GreedyDualSizeFrequency();

  private static CacheEntry entry(String name, long size, double priority) {
    return new CacheEntry(name, "fedora", size, 0, priority, null);
  }

  private static CacheEntry protectedEntry(String name, String reason) {
    return new CacheEntry(name, "fedora", 100, 0, 0, reason);
  }

  @Test
  void evictsLeastValuableFirstUntilTheCountLimitHolds() {
    List<CacheEntry> entries = List.of(entry("a", 10, 3), entry("b", 10, 1), entry("c", 10, 2));
    assertThat(policy.victims(entries, new CacheLimits(1, 0)))
        .extracting(CacheEntry::name)
        .containsExactly("b", "c");
  }

  @Test
  void evictsUntilTheByteLimitHolds() {
    List<CacheEntry> entries = List.of(entry("a", 60, 1), entry("b", 30, 2), entry("c", 30, 3));
    assertThat(policy.victims(entries, new CacheLimits(0, 60)))
        .extracting(CacheEntry::name)
        .containsExactly("a");
  }

  @Test
  void neverEvictsProtectedImagesEvenWhenStillOverTheLimit() {
    List<CacheEntry> entries =
        List.of(
            protectedEntry("fedora-base", "base image"),
            protectedEntry("parent", "parent of unfinished build web-2"),
            entry("x", 10, 5));
    assertThat(policy.victims(entries, new CacheLimits(1, 0)))
        .extracting(CacheEntry::name)
        .containsExactly("x");
  }

  @Test
  void limitsArePerOs() {
    List<CacheEntry> entries =
        List.of(
            new CacheEntry("f1", "fedora", 10, 0, 1, null),
            new CacheEntry("u1", "ubuntu", 10, 0, 1, null));
    assertThat(policy.victims(entries, new CacheLimits(1, 0))).isEmpty();
  }

  @Test
  void priorityGrowsWithHitsAndRebuildCostAndShrinksWithSize() {
    double base = policy.priority("fedora", 1, 100, 1000);
    assertThat(policy.priority("fedora", 2, 100, 1000)).isGreaterThan(base);
    assertThat(policy.priority("fedora", 1, 200, 1000)).isGreaterThan(base);
    assertThat(policy.priority("fedora", 1, 100, 2000)).isLessThan(base);
  }

  @Test
  void evictionInflatesLaterPrioritiesSoOldFavouritesAge() {
    double before = policy.priority("fedora", 1, 100, 1000);
    policy.victims(List.of(entry("a", 10, 7), entry("b", 10, 8)), new CacheLimits(1, 0));
    assertThat(policy.inflation("fedora")).isEqualTo(7);
    assertThat(policy.priority("fedora", 1, 100, 1000)).isEqualTo(before + 7);
  }

  @Test
  void restoresInflationFromTheLowestCachedPriority() {
    policy.restoreInflation(
        List.of(entry("a", 10, 4), entry("b", 10, 2), protectedEntry("c", "base")));
    assertThat(policy.inflation("fedora")).isEqualTo(2);
  }

  @Test
  void anInflationKeptElsewhereIsRestoredAndNeverLowered() {
    policy.restoreInflation("fedora", 3);
    policy.restoreInflation("fedora", 1);
    assertThat(policy.inflation("fedora")).isEqualTo(3);
    assertThat(policy.priority("fedora", 2, 100, 1000))
        .isEqualTo(GreedyDualSizeFrequency.priority(3, 2, 100, 1000))
        .isEqualTo(3.2);
    // Evicting below the restored inflation leaves it where it was.
    policy.victims(List.of(entry("a", 10, 2), entry("b", 10, 8)), new CacheLimits(1, 0));
    assertThat(policy.inflation("fedora")).isEqualTo(3);
  }

  @Test
  void negativeLimitsNameTheField() {
    assertThatThrownBy(() -> new CacheLimits(-1, 0)).hasMessageContaining("cache.maxImagesPerOs");
  }

  @Test
  void costAwareEvictionSpendsFewerBuildSecondsThanLruOnASkewedStream() {
    CacheSimulation sim = new CacheSimulation(1, 300, 5_000);
    CacheLimits limits = new CacheLimits(0, sim.bytesPerOs() / 10);
    CacheSimulation.Result gdsf = sim.run(CacheSimulation.Policy.GDSF, limits);
    CacheSimulation.Result lru = sim.run(CacheSimulation.Policy.LRU, limits);
    assertThat(gdsf.buildSeconds()).isLessThan(lru.buildSeconds());
    assertThat(gdsf.hits()).isPositive();
  }
}
