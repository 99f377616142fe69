package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.graft.api.GoldenImage;
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
 * Cache limits on the mock API server: the least valuable unused image goes, nothing else, and the
 * GDSF clock it raises is kept in the API and used by later uses.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(CatalogEvictionTest.ThreeImagesPerOs.class)
class CatalogEvictionTest {

  /** A catalog limit of three images per OS. */
  public static class ThreeImagesPerOs implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("graft.cache.max-images-per-os", "3");
    }
  }

  @Inject KubernetesClient client;

  @Test
  void evictsTheUnusedImageNeverTheBaseOrOnesInUse() {
    String ns = "evict";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      client.resource(gvm(ns, "a", "fedora-40", file("/etc/a", "a"))).create();
      client.resource(gvm(ns, "b", "fedora-40", file("/etc/b", "b"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "a")) && ready(gvm(client, ns, "b")));
      String imageA = gvm(client, ns, "a").getStatus().image;
      String imageB = gvm(client, ns, "b").getStatus().image;
      assertThat(images(client, ns)).hasSize(3);

      // a goes away: its image is now unused, but three images are within the limit.
      client.resource(gvm(client, ns, "a")).delete();
      until(client, ns, () -> gvm(client, ns, "a") == null);
      assertThat(image(client, ns, imageA)).isNotNull();
      // Each image stored its eviction priority at its last use, while the clock still read 0.
      double priorityA = image(client, ns, imageA).getStatus().cachePriority;
      double priorityB = image(client, ns, imageB).getStatus().cachePriority;
      assertThat(priorityA).isPositive();
      String base = BaseImageReconciler.imageName("fedora-40");
      assertThat(image(client, ns, base).getStatus().cacheClock).isNull();

      // A fourth image takes the OS over the limit: the unused one is evicted.
      client.resource(gvm(ns, "c", "fedora-40", file("/etc/c", "c"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "c")));
      String imageC = gvm(client, ns, "c").getStatus().image;
      until(client, ns, () -> image(client, ns, imageA) == null);
      assertThat(images(client, ns))
          .extracting(gi -> gi.getMetadata().getName())
          .containsExactlyInAnyOrder(BaseImageReconciler.imageName("fedora-40"), imageB, imageC);
      assertThat(client.v1().events().inNamespace(ns).list().getItems())
          .anySatisfy(
              e -> {
                assertThat(e.getReason()).isEqualTo("Evicted");
                assertThat(e.getInvolvedObject().getName()).isEqualTo(imageA);
              });

      // The clock rose to the evicted priority, in the API (where a restarted operator reads it).
      assertThat(image(client, ns, base).getStatus().cacheClock).isEqualTo(priorityA);

      // A later use of b's image stores a priority on top of the raised clock: it has aged less
      // than an image last used before the eviction.
      client.resource(gvm(ns, "d", "fedora-40", file("/etc/b", "b"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "d")));
      assertThat(gvm(client, ns, "d").getStatus().image).isEqualTo(imageB);
      GoldenImage.Status b = image(client, ns, imageB).getStatus();
      assertThat(b.hits).isEqualTo(1);
      // hits 0 and 1 weigh the same (GDSF counts the build as the first use): only L differs.
      assertThat(b.cachePriority).isCloseTo(priorityA + priorityB, within(1e-12 * priorityA));
    }
  }
}
