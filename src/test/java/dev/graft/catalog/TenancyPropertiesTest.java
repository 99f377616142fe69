package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.build.Manifest;
import dev.graft.planner.Strategy;
import dev.graft.planner.Weights;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The tenancy rule holds for every plan: no build starts from an image holding another namespace's
 * content or a Secret-sourced file the request does not contain, so no build removes a Secret's
 * file; checked over random catalogs and requests of three namespaces, with every strategy.
 */
class TenancyPropertiesTest {
  static final String CATALOG = "catalog";
  static final String OS = "fedora-40";
  static final Weights SECONDS = new Weights(2.0e-8, 0.05, 0.02, 0.0, 16.0);
  static final String[] NAMESPACES = {"team-a", "team-b", CATALOG};

  static ManifestEntry entry(String path, String content, boolean secret) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    ManifestEntry e = new ManifestEntry();
    e.path = path;
    e.mode = "0644";
    e.owner = "0:0";
    e.sha256 = Manifest.sha256(bytes);
    e.size = 1000L * (1 + Math.abs(path.hashCode() % 50));
    e.digest = Manifest.fileDigest(e.path, e.sha256, e.mode, e.owner);
    e.payload = secret ? ManifestEntry.Payload.Secret : ManifestEntry.Payload.ConfigMap;
    return e;
  }

  /** Eight paths, each with two contents; paths 0-2 come from Secrets. */
  static List<ManifestEntry> randomFiles(Random rnd) {
    List<ManifestEntry> out = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      if (rnd.nextInt(3) == 0) {
        out.add(entry("/etc/f" + p, "v" + rnd.nextInt(2), p < 3));
      }
    }
    return out;
  }

  static GoldenImage base() {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(Manifest.baseImageName(OS));
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = OS;
    gi.getSpec().manifestDigest = Manifest.digestOf(List.of());
    gi.getSpec().baseImage = "images/fedora";
    return gi;
  }

  static GoldenImage image(Manifest m, GoldenImage parent, List<String> requesters) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(m.imageName());
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = OS;
    gi.getSpec().manifestDigest = m.digest();
    gi.getSpec().files = new ArrayList<>(m.entries());
    gi.getSpec().parent = parent.getMetadata().getName();
    gi.getSpec().requestedBy = requesters;
    Tenancy.record(gi, parent, requesters, CATALOG);
    return gi;
  }

  static List<String> requesters(Random rnd, String name) {
    List<String> out = new ArrayList<>();
    out.add(NAMESPACES[rnd.nextInt(3)] + "/" + name);
    if (rnd.nextInt(4) == 0) {
      out.add(NAMESPACES[rnd.nextInt(3)] + "/" + name + "-2");
    }
    return out;
  }

  @Property(tries = 300)
  void noPlanCrossesTheRule(@ForAll long seed) {
    Random rnd = new Random(seed);
    GoldenImage base = base();
    List<GoldenImage> catalog = new ArrayList<>(List.of(base));
    for (int i = 0; i < 6; i++) {
      Manifest m = new Manifest(OS, randomFiles(rnd), Map.of());
      GoldenImage parent = catalog.get(rnd.nextInt(catalog.size()));
      if (!m.entries().isEmpty()
          && catalog.stream().noneMatch(gi -> gi.getMetadata().getName().equals(m.imageName()))) {
        catalog.add(image(m, parent, requesters(rnd, "old" + i)));
      }
    }
    Map<String, Manifest> pending = new LinkedHashMap<>();
    Map<String, List<String>> requesters = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      Manifest m = new Manifest(OS, randomFiles(rnd), Map.of());
      if (m.entries().isEmpty()
          || catalog.stream().anyMatch(gi -> gi.getMetadata().getName().equals(m.imageName()))) {
        continue; // the base image, or an image that exists: never pending
      }
      pending.putIfAbsent(m.imageName(), m);
      requesters
          .computeIfAbsent(m.imageName(), k -> new ArrayList<>())
          .addAll(requesters(rnd, "r" + i));
    }
    Map<String, Tenancy.Request> tenancy = new HashMap<>();
    pending.forEach(
        (name, m) ->
            tenancy.put(
                name,
                new Tenancy.Request(
                    Tenancy.namespacesOf(requesters.get(name), CATALOG),
                    Tenancy.secretFiles(m.entries()))));
    for (Strategy strategy : Strategy.values()) {
      Map<String, GoldenImage> built = new HashMap<>();
      catalog.forEach(gi -> built.put(gi.getMetadata().getName(), gi));
      var orders =
          CatalogPlanner.plan(pending.values(), tenancy, catalog, CATALOG, strategy, SECONDS);
      // Every request gets an image: the base image serves every namespace.
      assertThat(orders.stream().map(CatalogPlanner.Order::image))
          .as(strategy.id())
          .containsExactlyInAnyOrderElementsOf(pending.keySet());
      for (CatalogPlanner.Order o : orders) {
        GoldenImage source = built.get(o.parent());
        assertThat(source).as("parent before child").isNotNull();
        Tenancy.Request request = tenancy.get(o.image());
        assertThat(
                Tenancy.mayServe(
                    Tenancy.tenantsOf(source, CATALOG), Tenancy.secretsOf(source), request))
            .as(
                "%s: %s (tenants %s, secrets %s) may not serve %s",
                strategy.id(),
                o.parent(),
                source.getSpec().tenants,
                source.getSpec().secretFiles,
                request)
            .isTrue();
        for (String secret : Tenancy.secretsOf(source)) {
          assertThat(o.remove()).as("a Secret's file is removed").doesNotContain(secret);
        }
        built.put(o.image(), image(o.manifest(), source, requesters.get(o.image())));
      }
    }
  }

  @Test
  void anImageWithASecretFileNeverSourcesARequestWithoutIt() {
    // The demo's case: redis after postgres, whose image holds the replication password.
    ManifestEntry common = entry("/etc/motd", "fleet", false);
    ManifestEntry password = entry("/etc/postgresql/16/main/replication.password", "s3cret", true);
    ManifestEntry pgConf = entry("/etc/postgresql/16/main/postgresql.conf", "pg", false);
    ManifestEntry redisConf = entry("/etc/redis/redis.conf", "redis", false);
    GoldenImage base = base();
    Manifest postgres = new Manifest(OS, List.of(common, password, pgConf), Map.of());
    GoldenImage pg = image(postgres, base, List.of("team-a/db"));
    assertThat(pg.getSpec().secretFiles).containsExactly(password.digest);
    assertThat(pg.getSpec().tenants).containsExactly("team-a");

    // Without the rule the postgres image would be the cheaper source (one file to add, one to
    // remove, against three to add); planning without namespaces keeps the Secret rule too.
    Manifest redis = new Manifest(OS, List.of(common, pgConf, redisConf), Map.of());
    var withoutNamespaces =
        CatalogPlanner.plan(List.of(redis), List.of(base, pg), Strategy.OPTIMAL, SECONDS);
    assertThat(withoutNamespaces.get(0).parent()).isEqualTo(base.getMetadata().getName());
    var orders =
        CatalogPlanner.plan(
            List.of(redis),
            Map.of(
                redis.imageName(),
                new Tenancy.Request(Set.of("team-a"), Tenancy.secretFiles(redis.entries()))),
            List.of(base, pg),
            CATALOG,
            Strategy.OPTIMAL,
            SECONDS);
    assertThat(orders)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.parent()).isEqualTo(base.getMetadata().getName());
              assertThat(o.remove()).isEmpty();
            });

    // A request holding the same Secret file may build on it; another namespace's may not.
    Manifest replica = new Manifest(OS, List.of(common, password, pgConf, redisConf), Map.of());
    Tenancy.Request sameTeam =
        new Tenancy.Request(Set.of("team-a"), new TreeSet<>(Set.of(password.digest)));
    Tenancy.Request otherTeam =
        new Tenancy.Request(Set.of("team-b"), new TreeSet<>(Set.of(password.digest)));
    assertThat(
            CatalogPlanner.plan(
                    List.of(replica),
                    Map.of(replica.imageName(), sameTeam),
                    List.of(base, pg),
                    CATALOG,
                    Strategy.OPTIMAL,
                    SECONDS)
                .get(0)
                .parent())
        .isEqualTo(pg.getMetadata().getName());
    assertThat(
            CatalogPlanner.plan(
                    List.of(replica),
                    Map.of(replica.imageName(), otherTeam),
                    List.of(base, pg),
                    CATALOG,
                    Strategy.OPTIMAL,
                    SECONDS)
                .get(0)
                .parent())
        .isEqualTo(base.getMetadata().getName());
  }
}
