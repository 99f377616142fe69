package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.api.Phase;
import dev.graft.build.Manifest;
import dev.graft.cache.CacheLimits;
import dev.graft.config.DefaultWeights;
import dev.graft.planner.Strategy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Base generations in the catalog: names, the planner's lineages, and eviction order. */
class BaseGenerationsTest {

  @Test
  void theFirstGenerationKeepsTheNamesOfBeforeAndLaterOnesDifferInTheSameLength() {
    String digest = Manifest.digestOf(List.of());
    assertThat(Manifest.baseImageName("fedora-40", 1))
        .isEqualTo(Manifest.baseImageName("fedora-40"));
    assertThat(Manifest.imageName("fedora-40", digest, 1))
        .isEqualTo(Manifest.imageName("fedora-40", digest));
    String two = Manifest.imageName("fedora-40", digest, 2);
    assertThat(two).isNotEqualTo(Manifest.imageName("fedora-40", digest, 1));
    assertThat(two).hasSameSizeAs(Manifest.imageName("fedora-40", digest, 1));
    assertThat(Manifest.imageName("fedora-40", digest, 3)).isNotEqualTo(two);
  }

  @Test
  void aRequestOnANewGenerationIsNeverBuiltFromAnImageOfAnOlderOne() {
    ManifestEntry f = entry("/etc/a", 1000);
    GoldenImage base1 = image(Manifest.baseImageName("fedora-40", 1), null, 1, Phase.Ready);
    GoldenImage exact1 = image("old-exact", base1.getMetadata().getName(), 1, Phase.Ready, f);
    GoldenImage base2 = image(Manifest.baseImageName("fedora-40", 2), null, 2, Phase.Ready);
    Manifest wanted = new Manifest("fedora-40", List.of(f), Map.of()).onGeneration(2);
    var orders =
        CatalogPlanner.plan(
            List.of(wanted),
            List.of(base1, exact1, base2),
            Strategy.fromId("optimal"),
            DefaultWeights.get());
    assertThat(orders).hasSize(1);
    assertThat(orders.get(0).parent()).isEqualTo(base2.getMetadata().getName());
    assertThat(orders.get(0).image()).isEqualTo(wanted.imageName());
    assertThat(BaseGenerations.currentGeneration(List.of(base1, exact1, base2), "fedora-40"))
        .isEqualTo(2);
    assertThat(BaseGenerations.outdatedCount(List.of(base1, exact1, base2), "fedora-40"))
        .isEqualTo(2);
  }

  @Test
  void underTenancyAGenerationIsItsOwnLineageWithItsBasesDepthLimit() {
    ManifestEntry f = entry("/etc/f", 100_000_000);
    ManifestEntry g = entry("/etc/g", 1000);
    GoldenImage base1 = image(Manifest.baseImageName("fedora-40", 1), null, 1, Phase.Ready);
    GoldenImage base2 = image(Manifest.baseImageName("fedora-40", 2), null, 2, Phase.Ready);
    // Team a's images: one of each generation holding f (the gen-1 one holds g too).
    GoldenImage a1 = image("a1", base1.getMetadata().getName(), 1, Phase.Ready, f, g);
    GoldenImage a2 = image("a2", base2.getMetadata().getName(), 2, Phase.Ready, f);
    a1.getSpec().tenants = List.of("team-a");
    a2.getSpec().tenants = List.of("team-a");
    List<GoldenImage> catalog = List.of(base1, base2, a1, a2);
    Manifest wanted = new Manifest("fedora-40", List.of(f, g), Map.of()).onGeneration(2);
    Map<String, Tenancy.Request> tenancy =
        Map.of(wanted.imageName(), new Tenancy.Request(Set.of("team-a"), Set.of()));
    var unlimited =
        CatalogPlanner.plan(
            List.of(wanted),
            tenancy,
            catalog,
            "catalog",
            Strategy.fromId("optimal"),
            DefaultWeights.get());
    // From its own tenant's image of its own generation, never the gen-1 image with every file.
    assertThat(unlimited).singleElement().extracting(o -> o.parent()).isEqualTo("a2");
    // For team b, a2 serves nothing: the base of generation 2.
    var teamB =
        CatalogPlanner.plan(
            List.of(wanted),
            Map.of(wanted.imageName(), new Tenancy.Request(Set.of("team-b"), Set.of())),
            catalog,
            "catalog",
            Strategy.fromId("optimal"),
            DefaultWeights.get());
    assertThat(teamB)
        .singleElement()
        .extracting(o -> o.parent())
        .isEqualTo(base2.getMetadata().getName());
    // A clone-depth limit of 1 (keyed per generation by forCatalog) keeps it on the base.
    var limited =
        CatalogPlanner.plan(
            List.of(wanted),
            tenancy,
            catalog,
            "catalog",
            Strategy.fromId("optimal"),
            DefaultWeights.get(),
            CloneDepthLimits.parse("1").forCatalog(catalog, ""));
    assertThat(limited)
        .singleElement()
        .extracting(o -> o.parent())
        .isEqualTo(base2.getMetadata().getName());
  }

  @Test
  void aFailedNewBaseLeavesTheOldOneCurrent() {
    GoldenImage base1 = image(Manifest.baseImageName("fedora-40", 1), null, 1, Phase.Ready);
    GoldenImage base2 = image(Manifest.baseImageName("fedora-40", 2), null, 2, Phase.Failed);
    assertThat(BaseGenerations.currentGeneration(List.of(base1, base2), "fedora-40")).isEqualTo(1);
  }

  @Test
  void anUnusedOutdatedImageIsEvictedBeforeCurrentOnesEvenLessValuable() {
    GoldenImage base1 = image(Manifest.baseImageName("fedora-40", 1), null, 1, Phase.Ready);
    GoldenImage base2 = image(Manifest.baseImageName("fedora-40", 2), null, 2, Phase.Ready);
    GoldenImage outdated = image("outdated", base1.getMetadata().getName(), 1, Phase.Ready);
    outdated.getStatus().cachePriority = 100.0; // valuable once, but built on the old base
    GoldenImage currentUnused =
        image("current-unused", base2.getMetadata().getName(), 2, Phase.Ready);
    currentUnused.getStatus().cachePriority = 1.0;
    GoldenImage currentUsed = image("current-used", base2.getMetadata().getName(), 2, Phase.Ready);
    currentUsed.getStatus().cachePriority = 0.5;
    List<GoldenImage> all = List.of(base1, base2, outdated, currentUnused, currentUsed);
    var usage = new CatalogEviction.Usage(Set.of("current-used"), Set.of());
    var d = CatalogEviction.decide("fedora-40", all, usage, new CacheLimits(4, 0));
    assertThat(d.victims()).extracting(e -> e.name()).containsExactly("outdated");
    // Without the newer base, the same image ranks by its priority and the cheaper one goes.
    var before =
        CatalogEviction.decide(
            "fedora-40",
            List.of(base1, outdated, currentUnused, currentUsed),
            usage,
            new CacheLimits(3, 0));
    assertThat(before.victims()).extracting(e -> e.name()).containsExactly("current-unused");
    // Evicting an outdated image never lowers the clock.
    assertThat(d.clock()).isGreaterThanOrEqualTo(d.clockBefore());
  }

  @Test
  void anOutdatedImageUnusedPastTheGracePeriodExpiresOthersStay() {
    java.time.Instant now = java.time.Instant.parse("2026-11-30T12:00:00Z");
    GoldenImage base1 = image(Manifest.baseImageName("fedora-40", 1), null, 1, Phase.Ready);
    GoldenImage old =
        outdatedSince(
            image("old", base1.getMetadata().getName(), 1, Phase.Ready), "2026-11-28T12:00:00Z");
    GoldenImage recent =
        outdatedSince(
            image("recent", base1.getMetadata().getName(), 1, Phase.Ready), "2026-11-30T11:00:00Z");
    GoldenImage used =
        outdatedSince(
            image("used", base1.getMetadata().getName(), 1, Phase.Ready), "2026-11-28T12:00:00Z");
    GoldenImage current = image("current", base1.getMetadata().getName(), 1, Phase.Ready);
    var usage = new CatalogEviction.Usage(Set.of("used"), Set.of());
    assertThat(
            CatalogEviction.expired(
                List.of(base1, old, recent, used, current),
                usage,
                now,
                java.time.Duration.ofHours(24)))
        .extracting(gi -> gi.getMetadata().getName())
        .containsExactly("old");
  }

  @Test
  void anOldBaseGoesAfterTheImagesOfItsGenerationNeverWhileUsedOrPinnedNorTheCurrentOne() {
    GoldenImage base1 = image(Manifest.baseImageName("fedora-40", 1), null, 1, Phase.Ready);
    GoldenImage base2 = image(Manifest.baseImageName("fedora-40", 2), null, 2, Phase.Ready);
    GoldenImage old = image("old", base1.getMetadata().getName(), 1, Phase.Ready);
    GoldenImage current = image("current", base2.getMetadata().getName(), 2, Phase.Ready);
    String b1 = base1.getMetadata().getName();
    var nobody = new CatalogEviction.Usage(Set.of(), Set.of());
    List<GoldenImage> all = List.of(base1, base2, old, current);
    // The old base is the parent of "old": it stays while "old" is there, whatever the pressure.
    assertThat(CatalogEviction.protectedReason(base1, all, nobody))
        .isEqualTo("base of old (generation 1)");
    var d = CatalogEviction.decide("fedora-40", all, nobody, new CacheLimits(3, 0));
    assertThat(d.victims()).extracting(e -> e.name()).containsExactly("old");
    // Once its images are gone, the old base is the first to go; the current base never.
    List<GoldenImage> after = List.of(base1, base2, current);
    assertThat(CatalogEviction.protectedReason(base1, after, nobody)).isNull();
    assertThat(CatalogEviction.protectedReason(base2, after, nobody)).isEqualTo("base image");
    d = CatalogEviction.decide("fedora-40", after, nobody, new CacheLimits(2, 0));
    assertThat(d.victims()).extracting(e -> e.name()).containsExactly(b1);
    d = CatalogEviction.decide("fedora-40", after, nobody, new CacheLimits(1, 0));
    assertThat(d.victims()).extracting(e -> e.name()).containsExactly(b1, "current");
    // A VM on it, or a VM pinning its generation, keeps it.
    var used = new CatalogEviction.Usage(Set.of(b1), Set.of());
    assertThat(CatalogEviction.protectedReason(base1, after, used)).isEqualTo("used by a VM");
    var pinned = new CatalogEviction.Usage(Set.of(), Set.of(), Set.of("fedora-40@1"));
    assertThat(CatalogEviction.protectedReason(base1, after, pinned))
        .isEqualTo("base of generation 1, pinned by a VM");
    // A child of it still building keeps it too (it is of its generation).
    GoldenImage building = image("building", b1, 1, Phase.Building);
    assertThat(CatalogEviction.protectedReason(base1, List.of(base1, base2, building), nobody))
        .isEqualTo("base of building (generation 1)");
    // Past the grace period, with nothing of its generation left, it expires like an image.
    java.time.Instant now = java.time.Instant.parse("2026-11-30T12:00:00Z");
    outdatedSince(base1, "2026-11-28T12:00:00Z");
    assertThat(CatalogEviction.expired(after, nobody, now, java.time.Duration.ofHours(24)))
        .extracting(gi -> gi.getMetadata().getName())
        .containsExactly(b1);
    assertThat(CatalogEviction.expired(after, pinned, now, java.time.Duration.ofHours(24)))
        .isEmpty();
  }

  private static GoldenImage outdatedSince(GoldenImage gi, String since) {
    dev.graft.k8s.Conditions.set(
        gi.getStatus(), dev.graft.k8s.Conditions.OUTDATED, true, "BaseUpdated", "", 1L);
    gi.getStatus()
        .conditions
        .get(gi.getStatus().conditions.size() - 1)
        .setLastTransitionTime(since);
    return gi;
  }

  private static ManifestEntry entry(String path, long size) {
    ManifestEntry e = new ManifestEntry();
    e.path = path;
    e.digest = Manifest.sha256(path.getBytes());
    e.size = size;
    e.mode = "0644";
    e.owner = "0:0";
    return e;
  }

  private static GoldenImage image(
      String name, String parent, int generation, Phase phase, ManifestEntry... files) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace("ns");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().parent = parent;
    gi.getSpec().baseGeneration = generation;
    gi.getSpec().files = List.of(files);
    gi.getSpec().requestedBy = List.of();
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = phase;
    gi.getStatus().size = "1Gi";
    return gi;
  }
}
