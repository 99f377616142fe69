package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import dev.graft.api.StorageSpec;
import dev.graft.catalog.BaseGenerations;
import dev.graft.k8s.Conditions;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * ClusterBaseImage (issue 16, item 1): a cluster admin's base image serves its os to every
 * namespace from the shared catalog, from a source in a namespace nobody granted (the admin's right
 * to create it is the grant), and comes before any namespaced BaseImage of that os, even an older
 * one that imported first. Runs with real RBAC answers (AuthorizingServer): a BaseImage with the
 * same source would be refused.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = dev.graft.testing.AuthorizingServer.class)
@TestProfile(CatalogNamespaceTest.Profile.class)
class ClusterBaseImageTest {
  @Inject KubernetesClient client;

  static ClusterBaseImage clusterBaseImage(String name, String os, String pvcNs, String pvc) {
    ClusterBaseImage cbi = new ClusterBaseImage();
    cbi.getMetadata().setName(name);
    cbi.setSpec(new BaseImage.Spec());
    cbi.getSpec().os = os;
    cbi.getSpec().source = new ImageSource();
    cbi.getSpec().source.pvc = new ImageSource.PvcRef(pvcNs, pvc);
    cbi.getSpec().storage = new StorageSpec();
    cbi.getSpec().storage.size = "8Gi";
    return cbi;
  }

  @Test
  void servesItsOsToEveryNamespaceFromASourceNoTenantWasGranted() {
    String os = "ubuntu-24";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      ClusterBaseImage cbi = clusterBaseImage("ubuntu", os, "os-images", "ubuntu-24-disk");
      client.resource(cbi).create();
      client.resource(gvm("team-x", "web", os, file("/etc/x", "1"))).create();
      client.resource(gvm("team-y", "web", os, file("/etc/y", "1"))).create();
      until(
          client,
          "catalog",
          () -> ready(gvm(client, "team-x", "web")) && ready(gvm(client, "team-y", "web")));

      GoldenImage base = image(client, "catalog", BaseImageReconciler.imageName(os));
      assertThat(base.getSpec().baseImage).isEqualTo("ClusterBaseImage/ubuntu");
      assertThat(base.getSpec().source.pvc.namespace).isEqualTo("os-images");
      assertThat(base.getSpec().source.pvc.name).isEqualTo("ubuntu-24-disk");
      until(client, "catalog", () -> phase(cbi) == Phase.Ready);
      assertThat(client.resource(cbi).get().getStatus().image)
          .isEqualTo(base.getMetadata().getName());

      // A tenant's BaseImage of the same os provides nothing: the admin's comes first.
      BaseImage mine = baseImage("team-x", "my-ubuntu", os);
      client.resource(mine).create();
      until(client, "team-x", () -> reason(client.resource(mine).get()).equals("DuplicateOs"));
      assertThat(message(client.resource(mine).get())).contains("ClusterBaseImage/ubuntu");
      assertThat(image(client, "catalog", BaseImageReconciler.imageName(os)).getSpec().baseImage)
          .isEqualTo("ClusterBaseImage/ubuntu");
    }
  }

  @Test
  void takesItsOsOverFromANamespacedBaseImageThatImportedFirst() {
    String os = "debian-12";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      BaseImage tenants = baseImage("team-z", "debian", os);
      client.resource(tenants).create();
      client.resource(gvm("team-z", "app", os, file("/etc/z", "1"))).create();
      until(client, "catalog", () -> ready(gvm(client, "team-z", "app")));
      assertThat(image(client, "catalog", BaseImageReconciler.imageName(os)).getSpec().baseImage)
          .isEqualTo("team-z/debian");

      ClusterBaseImage cbi = clusterBaseImage("debian", os, "os-images", "debian-12-disk");
      client.resource(cbi).create();
      until(
          client,
          "catalog",
          () -> {
            GoldenImage base = image(client, "catalog", BaseImageReconciler.imageName(os));
            return base != null
                && "ClusterBaseImage/debian".equals(base.getSpec().baseImage)
                && phase(cbi) == Phase.Ready;
          });
      until(client, "team-z", () -> reason(client.resource(tenants).get()).equals("DuplicateOs"));
      assertThat(message(client.resource(tenants).get())).contains("ClusterBaseImage/debian");
      // The tenant's VM gets an image built on the admin's base.
      until(
          client,
          "catalog",
          () -> {
            var g = gvm(client, "team-z", "app");
            if (!ready(g)) {
              return false;
            }
            GoldenImage gi = image(client, "catalog", g.getStatus().image);
            return gi != null
                && BaseImageReconciler.imageName(os).equals(gi.getSpec().parent)
                && "debian-12-disk"
                    .equals(
                        image(client, "catalog", gi.getSpec().parent).getSpec().source.pvc.name);
          });
    }
  }

  /**
   * A ClusterBaseImage's {@code Manual} policy holds for the requests of its os as a BaseImage's
   * does: a new generation marks their images Outdated and moves none of them; a new request is
   * built on it. (The requests once read the policy of namespaced BaseImages only, so every
   * ClusterBaseImage rebuilt the fleet.)
   */
  @Test
  void underManualANewGenerationOnlyMarksTheRequestsImages() {
    String os = "rocky-9";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      ClusterBaseImage cbi = clusterBaseImage("rocky", os, "os-images", "rocky-9-disk");
      cbi.getSpec().updatePolicy = BaseImage.UpdatePolicy.Manual;
      client.resource(cbi).create();
      client.resource(gvm("team-m", "a", os, file("/etc/a", "1"))).create();
      until(client, "catalog", () -> ready(gvm(client, "team-m", "a")));
      String before = gvm(client, "team-m", "a").getStatus().image;

      ClusterBaseImage edited = client.resource(cbi).get();
      edited.getSpec().source.pvc = new ImageSource.PvcRef("os-images", "rocky-9.1-disk");
      client.resource(edited).update();

      until(
          client,
          "catalog",
          () -> Conditions.isTrue(image(client, "catalog", before).getStatus(), "Outdated"));
      String base2 = dev.graft.build.Manifest.baseImageName(os, 2);
      until(
          client,
          "catalog",
          () -> {
            GoldenImage b = image(client, "catalog", base2);
            return b != null && b.getStatus() != null && b.getStatus().phase == Phase.Ready;
          });
      sleep(1500); // time for a rebuild to start, if one wrongly did
      assertThat(images(client, "catalog"))
          .noneMatch(gi -> gi.getSpec().parent != null && BaseGenerations.of(gi) == 2);
      assertThat(gvm(client, "team-m", "a").getStatus().image).isEqualTo(before);
      assertThat(gvm(client, "team-m", "a").getStatus().baseGeneration).isEqualTo(1);

      client.resource(gvm("team-m", "b", os, file("/etc/b", "1"))).create();
      until(client, "catalog", () -> ready(gvm(client, "team-m", "b")));
      assertThat(gvm(client, "team-m", "b").getStatus().baseGeneration).isEqualTo(2);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Phase phase(ClusterBaseImage cbi) {
    var s = client.resource(cbi).get().getStatus();
    return s == null ? null : s.phase;
  }

  static String reason(BaseImage bi) {
    return readyCondition(bi).map(c -> c.getReason()).orElse("");
  }

  static String message(BaseImage bi) {
    return readyCondition(bi).map(c -> c.getMessage()).orElse("");
  }

  private static java.util.Optional<io.fabric8.kubernetes.api.model.Condition> readyCondition(
      BaseImage bi) {
    if (bi == null || bi.getStatus() == null) {
      return java.util.Optional.empty();
    }
    return bi.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst();
  }
}
