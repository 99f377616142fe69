package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.KeySelector;
import dev.graft.api.Phase;
import dev.graft.build.Manifest;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Tenancy on one shared catalog (issue 16): no build starts from an image holding another
 * namespace's files or a Secret's file the request does not hold; colliding short names get their
 * own images; a BaseImage may not clone from a namespace it was not granted.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = dev.graft.testing.AuthorizingServer.class)
@TestProfile(CatalogNamespaceTest.Profile.class)
class TenancyTest {
  @Inject KubernetesClient client;

  /** A file big enough that building on an image that holds it is the cheaper plan. */
  static final String BIG = "x".repeat(200_000);

  @Test
  void noBuildStartsFromAnotherTenantsImageOrFromASecretItDoesNotHold() {
    String os = "rocky-9";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage("images", "rocky", os)).create();
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("db")
                  .withNamespace("tenant-a")
                  .addToLabels("graft.dev/files", "true")
                  .endMetadata()
                  .addToStringData("password", "s3cret")
                  .build())
          .create();
      FileSpec password = new FileSpec();
      password.path = "/etc/db/replication.password";
      password.secretKeyRef = new KeySelector("db", "password");
      client.resource(gvm("tenant-a", "db", os, file("/opt/app.bin", BIG), password)).create();
      until(client, "catalog", () -> ready(gvm(client, "tenant-a", "db")));
      GoldenImage db = image(client, "catalog", gvm(client, "tenant-a", "db").getStatus().image);
      assertThat(db.getSpec().tenants).containsExactly("tenant-a");
      assertThat(db.getSpec().secretFiles).hasSize(1);

      // The cheapest source of both would be the db image (drop one file instead of adding a big
      // one); neither may use it.
      client.resource(gvm("tenant-a", "cache", os, file("/opt/app.bin", BIG))).create();
      client.resource(gvm("tenant-b", "web", os, file("/opt/app.bin", BIG))).create();
      until(
          client,
          "catalog",
          () -> ready(gvm(client, "tenant-a", "cache")) && ready(gvm(client, "tenant-b", "web")));
      String base = BaseImageReconciler.imageName(os);
      GoldenImage cache =
          image(client, "catalog", gvm(client, "tenant-a", "cache").getStatus().image);
      assertThat(cache.getSpec().parent).isEqualTo(base);
      assertThat(cache.getSpec().secretFiles).isEmpty();
      GoldenImage web = image(client, "catalog", gvm(client, "tenant-b", "web").getStatus().image);
      assertThat(web.getMetadata().getName()).isEqualTo(cache.getMetadata().getName());

      // With the Secret's file, tenant-a's request builds on its own image; tenant-b's does not.
      client
          .resource(
              gvm("tenant-a", "db-2", os, file("/opt/app.bin", BIG), password, file("/etc/x", "2")))
          .create();
      until(client, "catalog", () -> ready(gvm(client, "tenant-a", "db-2")));
      assertThat(
              image(client, "catalog", gvm(client, "tenant-a", "db-2").getStatus().image)
                  .getSpec()
                  .parent)
          .isEqualTo(db.getMetadata().getName());
    }
  }

  @Test
  void anExactMatchBuiltByRemovingAnotherTenantsFilesIsNotReused() {
    String os = "alma-9";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage("images", "alma", os)).create();
      client
          .resource(gvm("tenant-f", "one", os, file("/opt/app.bin", BIG), file("/etc/f", "f's")))
          .create();
      until(client, "catalog", () -> ready(gvm(client, "tenant-f", "one")));
      String one = gvm(client, "tenant-f", "one").getStatus().image;
      // Dropping one file is cheaper than adding the big one: built from tenant-f's image.
      client.resource(gvm("tenant-f", "two", os, file("/opt/app.bin", BIG))).create();
      until(client, "catalog", () -> ready(gvm(client, "tenant-f", "two")));
      GoldenImage two = image(client, "catalog", gvm(client, "tenant-f", "two").getStatus().image);
      assertThat(two.getSpec().parent).isEqualTo(one);

      // tenant-g asks for exactly those files: tenant-f's /etc/f may be in that disk's free
      // blocks, so tenant-g gets an image of its own (a longer name for the same files).
      client.resource(gvm("tenant-g", "app", os, file("/opt/app.bin", BIG))).create();
      until(client, "catalog", () -> ready(gvm(client, "tenant-g", "app")));
      GoldenImage g = image(client, "catalog", gvm(client, "tenant-g", "app").getStatus().image);
      assertThat(g.getMetadata().getName())
          .isNotEqualTo(two.getMetadata().getName())
          .startsWith(two.getMetadata().getName());
      assertThat(g.getSpec().manifestDigest).isEqualTo(two.getSpec().manifestDigest);
      assertThat(g.getSpec().parent).isEqualTo(BaseImageReconciler.imageName(os));
      assertThat(g.getSpec().tenants).containsExactly("tenant-g");
      // tenant-f's own replica still reuses its image.
      client.resource(gvm("tenant-f", "two-b", os, file("/opt/app.bin", BIG))).create();
      until(client, "catalog", () -> ready(gvm(client, "tenant-f", "two-b")));
      assertThat(gvm(client, "tenant-f", "two-b").getStatus().image)
          .isEqualTo(two.getMetadata().getName());
    }
  }

  @Test
  void manifestsWhoseShortNamesCollideGetTheirOwnImages() {
    String os = "fedora-40";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage("images", "fedora", os)).create();
      // Digests sharing their first 40 bits (found by a birthday search; ManifestNameTest).
      client.resource(gvm("tenant-c", "one", os, file("/etc/c", "c505116"))).create();
      until(client, "catalog", () -> ready(gvm(client, "tenant-c", "one")));
      client.resource(gvm("tenant-c", "two", os, file("/etc/c", "c524605"))).create();
      until(client, "catalog", () -> ready(gvm(client, "tenant-c", "two")));

      GoldenImage one = image(client, "catalog", gvm(client, "tenant-c", "one").getStatus().image);
      GoldenImage two = image(client, "catalog", gvm(client, "tenant-c", "two").getStatus().image);
      assertThat(one.getMetadata().getName()).isEqualTo("fedora-40-a00c7cee54");
      assertThat(two.getMetadata().getName()).startsWith("fedora-40-a00c7cee54").hasSize(26);
      assertThat(one.getSpec().files)
          .singleElement()
          .satisfies(e -> assertThat(e.sha256).isEqualTo(Manifest.sha256("c505116".getBytes())));
      assertThat(two.getSpec().files)
          .singleElement()
          .satisfies(e -> assertThat(e.sha256).isEqualTo(Manifest.sha256("c524605".getBytes())));
      assertThat(one.getSpec().manifestDigest).isNotEqualTo(two.getSpec().manifestDigest);
    }
  }

  @Test
  void aBaseImageMayNotCloneFromANamespaceItWasNotGranted() {
    BaseImage bi = baseImage("tenant-d", "stolen", "alpine-3");
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.pvc = new ImageSource.PvcRef("tenant-e", "their-disk");
    client.resource(bi).create();
    until(
        client,
        "tenant-d",
        () -> {
          var s = client.resource(bi).get().getStatus();
          return s != null && s.phase == Phase.Failed;
        });
    var status = client.resource(bi).get().getStatus();
    assertThat(status.conditions)
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getReason()).isEqualTo("SourceNotPermitted");
              assertThat(c.getMessage()).contains("tenant-d/default", "tenant-e");
            });
    assertThat(image(client, "catalog", BaseImageReconciler.imageName("alpine-3"))).isNull();
  }
}
