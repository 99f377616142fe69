package dev.graft.catalog;

import static dev.graft.catalog.TenancyPropertiesTest.CATALOG;
import static dev.graft.catalog.TenancyPropertiesTest.OS;
import static dev.graft.catalog.TenancyPropertiesTest.base;
import static dev.graft.catalog.TenancyPropertiesTest.entry;
import static dev.graft.catalog.TenancyPropertiesTest.image;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.build.Manifest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Exact-match reuse follows the tenancy keys (issue 16): an image with exactly a request's files,
 * built for another namespace by removing files from that namespace's image, may hold the removed
 * bytes in its free blocks, so it serves no other namespace; one whose lineage only added files (or
 * whose removed content is the shared catalog's) serves every namespace.
 */
class ExactReuseTest {
  static final ManifestEntry APP = entry("/opt/app.bin", "app", false);
  static final ManifestEntry KEY = entry("/etc/a/key.pem", "a's key", false);
  static final ManifestEntry EXTRA = entry("/etc/extra", "x", false);

  final GoldenImage base = base();
  final Map<String, GoldenImage> catalog = new HashMap<>();

  GoldenImage add(GoldenImage gi) {
    catalog.put(gi.getMetadata().getName(), gi);
    return gi;
  }

  Function<String, GoldenImage> byName() {
    return catalog::get;
  }

  static Tenancy.Request from(String ns, List<ManifestEntry> files) {
    return new Tenancy.Request(Set.of(ns), Tenancy.secretFiles(files));
  }

  @Test
  void anImageBuiltByRemovingATenantsFileServesThatTenantOnly() {
    add(base);
    GoldenImage withKey =
        add(image(new Manifest(OS, List.of(APP, KEY), Map.of()), base, List.of("team-a/one")));
    // team-a's second request: the app alone, built from its first image by removing the key.
    GoldenImage appOnly =
        add(image(new Manifest(OS, List.of(APP), Map.of()), withKey, List.of("team-a/two")));
    assertThat(Tenancy.mayReuse(appOnly, byName(), from("team-a", List.of(APP)), CATALOG)).isTrue();
    assertThat(Tenancy.mayReuse(appOnly, byName(), from("team-b", List.of(APP)), CATALOG))
        .as("team-a's key may be in its free blocks")
        .isFalse();
    // Its ancestor evicted: the lineage is unknown, its own content decides (team-a's).
    catalog.remove(withKey.getMetadata().getName());
    assertThat(Tenancy.mayReuse(appOnly, byName(), from("team-b", List.of(APP)), CATALOG))
        .isFalse();
    assertThat(Tenancy.mayReuse(appOnly, byName(), from("team-a", List.of(APP)), CATALOG)).isTrue();
  }

  @Test
  void anImageWhoseLineageOnlyAddedFilesServesEveryNamespace() {
    add(base);
    GoldenImage app =
        add(image(new Manifest(OS, List.of(APP), Map.of()), base, List.of("team-a/one")));
    GoldenImage more =
        add(image(new Manifest(OS, List.of(APP, EXTRA), Map.of()), app, List.of("team-a/two")));
    for (GoldenImage gi : List.of(app, more)) {
      assertThat(Tenancy.mayReuse(gi, byName(), from("team-b", gi.getSpec().files), CATALOG))
          .as(gi.getMetadata().getName())
          .isTrue();
    }
    assertThat(Tenancy.mayReuse(base, byName(), from("team-b", List.of()), CATALOG)).isTrue();
  }

  @Test
  void removedFilesOfTheSharedCatalogAreNobodysSecret() {
    add(base);
    GoldenImage shared =
        add(image(new Manifest(OS, List.of(APP, KEY), Map.of()), base, List.of(CATALOG + "/x")));
    GoldenImage trimmed =
        add(image(new Manifest(OS, List.of(APP), Map.of()), shared, List.of("team-a/y")));
    assertThat(Tenancy.mayReuse(trimmed, byName(), from("team-b", List.of(APP)), CATALOG)).isTrue();
  }
}
