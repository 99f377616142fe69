package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code graft.catalog-namespace}, images live in one namespace and VMs clone across. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(CatalogNamespaceTest.Profile.class)
class CatalogNamespaceTest {

  /** The catalog in its own namespace. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("graft.catalog-namespace", "catalog");
    }
  }

  @Inject KubernetesClient client;

  @Test
  void imagesGoToTheCatalogAndVmsCloneAcrossNamespaces() {
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage("images", "fedora", "fedora-40")).create();
      client.resource(gvm("team-a", "web", "fedora-40", file("/etc/a", "1"))).create();
      client.resource(gvm("team-b", "web", "fedora-40", file("/etc/a", "1"))).create();
      until(
          client,
          "catalog",
          () -> ready(gvm(client, "team-a", "web")) && ready(gvm(client, "team-b", "web")));

      assertThat(images(client, "catalog")).hasSize(2);
      assertThat(images(client, "team-a")).isEmpty();
      String image = gvm(client, "team-a", "web").getStatus().image;
      assertThat(gvm(client, "team-b", "web").getStatus().image).isEqualTo(image);
      assertThat(gvm(client, "team-a", "web").getStatus().imageNamespace).isEqualTo("catalog");
      for (String ns : new String[] {"team-a", "team-b"}) {
        VirtualMachine vm =
            client.resources(VirtualMachine.class).inNamespace(ns).withName("web").get();
        var source = vm.getSpec().dataVolumeTemplates.get(0).spec.source.pvc;
        assertThat(source.namespace).isEqualTo("catalog");
        assertThat(source.name).isEqualTo(image);
        assertSchemasValid(client, ns);
      }
      GoldenImage gi = image(client, "catalog", image);
      assertThat(gi.getSpec().requestedBy).containsAnyOf("team-a/web", "team-b/web");
      assertThat(client.configMaps().inNamespace("catalog").withName(image + "-payload").get())
          .isNotNull();
      assertSchemasValid(client, "catalog");
    }
  }
}
