package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.build.Manifest;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * After a base update, on the mock API server with a cache of two images per os: the outdated image
 * goes once its VM moved to the new base, then the old base (its generation is empty); the new base
 * and the image in use stay.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(BaseEvictionTest.TwoImagesPerOs.class)
class BaseEvictionTest {

  /** A catalog limit of two images per OS. */
  public static class TwoImagesPerOs implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("graft.cache.max-images-per-os", "2");
    }
  }

  @Inject KubernetesClient client;

  @Test
  void theOutdatedImageThenTheOldBaseAreEvictedTheNewOnesStay() {
    String ns = "base-evict";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      client.resource(gvm(ns, "a", "fedora-40", file("/etc/a", "a"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "a")));
      String old = gvm(client, ns, "a").getStatus().image;
      String base1 = Manifest.baseImageName("fedora-40", 1);
      String base2 = Manifest.baseImageName("fedora-40", 2);

      BaseImage bi = client.resources(BaseImage.class).inNamespace(ns).withName("fedora").get();
      bi.getSpec().source.http.url = "https://images.example.org/fedora-40.1.qcow2";
      client.resource(bi).update();

      until(
          client,
          ns,
          () ->
              ready(gvm(client, ns, "a"))
                  && Integer.valueOf(2).equals(gvm(client, ns, "a").getStatus().baseGeneration));
      String current = gvm(client, ns, "a").getStatus().image;
      until(client, ns, () -> image(client, ns, old) == null && image(client, ns, base1) == null);
      assertThat(images(client, ns))
          .extracting(gi -> gi.getMetadata().getName())
          .containsExactlyInAnyOrder(base2, current);
    }
  }
}
