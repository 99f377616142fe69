package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With {@code graft.catalog-namespace}, images live in one namespace and VMs clone across; requests
 * from several namespaces share its builds.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(CatalogNamespaceTest.Profile.class)
class CatalogNamespaceTest {

  /** The catalog in its own namespace. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "graft.catalog-namespace", "catalog",
          // storage settings reach every DataVolume (BuildersTest checks them in detail)
          "graft.storage.class-name", "local-path",
          "graft.storage.access-modes", "ReadWriteOnce");
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
      var dataVolumes = client.resources(DataVolume.class).inNamespace("catalog").list().getItems();
      assertThat(dataVolumes).isNotEmpty();
      for (DataVolume dv : dataVolumes) {
        assertThat(dv.getSpec().storage.accessModes).containsExactly("ReadWriteOnce");
        assertThat(dv.getSpec().storage.storageClassName).isEqualTo("local-path");
      }
      assertThat(
              client
                  .resources(VirtualMachine.class)
                  .inNamespace("team-a")
                  .withName("web")
                  .get()
                  .getSpec()
                  .dataVolumeTemplates
                  .get(0)
                  .spec
                  .storage
                  .accessModes)
          .containsExactly("ReadWriteOnce");
      GoldenImage gi = image(client, "catalog", image);
      assertThat(gi.getSpec().requestedBy).containsAnyOf("team-a/web", "team-b/web");
      assertThat(client.configMaps().inNamespace("catalog").withName(image + "-payload").get())
          .isNotNull();
      assertSchemasValid(client, "catalog");
    }
  }

  @Test
  void requestsFromTwoNamespacesAtOnceShareOneBuild() throws Exception {
    String os = "debian-12";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage("images", "debian", os)).create();
      String base = BaseImageReconciler.imageName(os);
      until(
          client,
          "catalog",
          () ->
              image(client, "catalog", base) != null
                  && image(client, "catalog", base).getStatus() != null
                  && image(client, "catalog", base).getStatus().phase == Phase.Ready);
      simulator.holdJobs(true);
      List<GraftedVirtualMachine> requests =
          List.of(
              gvm("team-x", "db", os, file("/etc/db.conf", "x"), file("/etc/motd", "hi")),
              gvm("team-y", "db", os, file("/etc/motd", "hi"), file("/etc/db.conf", "x")));
      ExecutorService pool = Executors.newFixedThreadPool(requests.size());
      try {
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<?>> created = new ArrayList<>();
        for (GraftedVirtualMachine r : requests) {
          created.add(
              pool.submit(
                  () -> {
                    gate.await();
                    return client.resource(r).create();
                  }));
        }
        gate.countDown();
        for (Future<?> f : created) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      // Both join the one build before it finishes.
      until(
          client,
          "catalog",
          () ->
              gvm(client, "team-x", "db").getStatus() != null
                  && gvm(client, "team-y", "db").getStatus() != null
                  && gvm(client, "team-x", "db").getStatus().image != null
                  && gvm(client, "team-x", "db")
                      .getStatus()
                      .image
                      .equals(gvm(client, "team-y", "db").getStatus().image)
                  && simulator.heldJobs().size() == 1);
      simulator.releaseJobs();
      until(
          client,
          "catalog",
          () -> ready(gvm(client, "team-x", "db")) && ready(gvm(client, "team-y", "db")));

      String image = gvm(client, "team-x", "db").getStatus().image;
      assertThat(
              images(client, "catalog").stream()
                  .filter(gi -> os.equals(gi.getSpec().os))
                  .map(gi -> gi.getMetadata().getName()))
          .containsExactlyInAnyOrder(base, image);
      assertThat(
              client
                  .batch()
                  .v1()
                  .jobs()
                  .inNamespace("catalog")
                  .withLabel(Labels.GOLDEN_IMAGE, image)
                  .list()
                  .getItems())
          .hasSize(1);
      assertThat(
              client.resources(DataVolume.class).inNamespace("catalog").list().getItems().stream()
                  .map(dv -> dv.getMetadata().getName()))
          .contains(base, image)
          .doesNotHaveDuplicates();
      var dataVolumes = client.resources(DataVolume.class).inNamespace("catalog").list().getItems();
      assertThat(dataVolumes).isNotEmpty();
      for (DataVolume dv : dataVolumes) {
        assertThat(dv.getSpec().storage.accessModes).containsExactly("ReadWriteOnce");
        assertThat(dv.getSpec().storage.storageClassName).isEqualTo("local-path");
      }
      assertThat(
              client
                  .resources(VirtualMachine.class)
                  .inNamespace("team-a")
                  .withName("web")
                  .get()
                  .getSpec()
                  .dataVolumeTemplates
                  .get(0)
                  .spec
                  .storage
                  .accessModes)
          .containsExactly("ReadWriteOnce");
      GoldenImage gi = image(client, "catalog", image);
      assertThat(gi.getStatus().attempts).isEqualTo(1);
      assertThat(gi.getSpec().requestedBy).isNotEmpty().isSubsetOf("team-x/db", "team-y/db");
      for (String ns : new String[] {"team-x", "team-y"}) {
        GraftedVirtualMachine g = gvm(client, ns, "db");
        assertThat(g.getStatus().imageNamespace).isEqualTo("catalog");
        assertThat(g.getStatus().cacheHit).as(ns).isFalse();
        assertThat(g.getStatus().plan.source).as(ns).isEqualTo(base);
        assertThat(
                client
                    .resources(VirtualMachine.class)
                    .inNamespace(ns)
                    .withName("db")
                    .get()
                    .getSpec()
                    .dataVolumeTemplates
                    .get(0)
                    .spec
                    .source
                    .pvc
                    .name)
            .isEqualTo(image);
        // Nothing of the build lands in the requests' namespaces.
        assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.resources(DataVolume.class).inNamespace(ns).list().getItems()).isEmpty();
      }
    }
  }
}
