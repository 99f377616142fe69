package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.api.SourceRef;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.catalog.BaseGenerations;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.k8s.Conditions;
import dev.graft.kubevirt.DataVolume;
import dev.graft.planner.Strategy;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A base that changes, on the mock API server with the simulator playing CDI (and a
 * DataImportCron): a new source identity is a new base generation, the images of the old one are
 * Outdated, and under Rebuild every request moves to an image built from the new base, planned in
 * one batch by the optimal planner; under Manual nothing is rebuilt; a pinned request stays.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BaseUpdateTest {
  @Inject KubernetesClient client;
  @Inject CatalogPlanner planner;

  /** 200 KB shared by a and b: building b from a is cheaper than from the base. */
  private static final String BIG = "x".repeat(200_000);

  @Test
  void aChangedUrlRebuildsEveryRequestOnTheNewBaseInOneOptimalBatch() throws Exception {
    String ns = "rebuild";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      client
          .resource(gvm(ns, "a", "fedora-40", file("/opt/big", BIG), file("/etc/a", "a")))
          .create();
      client
          .resource(gvm(ns, "b", "fedora-40", file("/opt/big", BIG), file("/etc/b", "b")))
          .create();
      client.resource(gvm(ns, "c", "fedora-40", file("/etc/c", "c"))).create();
      GraftedVirtualMachine pinned = gvm(ns, "pinned", "fedora-40", file("/etc/p", "p"));
      pinned.getSpec().baseGeneration = 1;
      client.resource(pinned).create();
      List<String> names = List.of("a", "b", "c", "pinned");
      until(client, ns, () -> names.stream().allMatch(n -> ready(gvm(client, ns, n))));
      Map<String, String> before = imagesOf(ns, names);
      assertThat(names)
          .allSatisfy(n -> assertThat(gvm(client, ns, n).getStatus().baseGeneration).isEqualTo(1));
      List<String> generationOne =
          images(client, ns).stream().map(gi -> gi.getMetadata().getName()).toList();

      // The next point release: a new URL.
      BaseImage bi = client.resources(BaseImage.class).inNamespace(ns).withName("fedora").get();
      bi.getSpec().source.http.url = "https://images.example.org/fedora-40.1.qcow2";
      client.resource(bi).update();

      String base2 = Manifest.baseImageName("fedora-40", 2);
      until(
          client,
          ns,
          () ->
              List.of("a", "b", "c").stream()
                  .allMatch(
                      n ->
                          ready(gvm(client, ns, n))
                              && Integer.valueOf(2)
                                  .equals(gvm(client, ns, n).getStatus().baseGeneration)));
      GoldenImage newBase = image(client, ns, base2);
      assertThat(newBase.getSpec().baseGeneration).isEqualTo(2);
      assertThat(newBase.getSpec().sourceIdentity).contains("fedora-40.1.qcow2");

      // Every request of the Rebuild policy is on an image built from the new base.
      for (String n : List.of("a", "b", "c")) {
        GoldenImage gi = image(client, ns, gvm(client, ns, n).getStatus().image);
        assertThat(BaseGenerations.of(gi)).as(n).isEqualTo(2);
        assertThat(rootOf(ns, gi)).as(n).isEqualTo(base2);
        assertThat(gi.getMetadata().getName()).isNotEqualTo(before.get(n));
      }
      // The pinned one stays where it was.
      assertThat(gvm(client, ns, "pinned").getStatus().image).isEqualTo(before.get("pinned"));
      assertThat(gvm(client, ns, "pinned").getStatus().baseGeneration).isEqualTo(1);

      // One batch with the optimal planner: the images built on generation 2 are as many as the
      // optimal plan of the three requests over the new base builds, at its cost (a and b tie on
      // which is built from the other: either is optimal), with b and a in one chain.
      Map<String, String> built = new TreeMap<>();
      double builtCost = 0;
      for (GoldenImage gi : images(client, ns)) {
        if (BaseGenerations.of(gi) == 2 && gi.getSpec().parent != null) {
          built.put(gi.getMetadata().getName(), gi.getSpec().parent);
          builtCost += gi.getSpec().predictedCost;
        }
      }
      List<Manifest> requests = new ArrayList<>();
      FileResolver resolver = new FileResolver(1 << 24, "graft.dev/files=true");
      for (String n : List.of("a", "b", "c")) {
        requests.add(resolver.resolve(gvm(client, ns, n), lookup(ns)).onGeneration(2));
      }
      var optimal =
          CatalogPlanner.plan(
              requests, List.of(newBase), Strategy.fromId("optimal"), planner.weights());
      assertThat(built.keySet())
          .containsExactlyInAnyOrderElementsOf(optimal.stream().map(o -> o.image()).toList());
      assertThat(built).hasSize(optimal.size()).hasSize(3);
      assertThat(builtCost)
          .isCloseTo(
              optimal.stream().mapToDouble(CatalogPlanner.Order::cost).sum(),
              org.assertj.core.data.Offset.offset(0.01));
      String newA = gvm(client, ns, "a").getStatus().image;
      String newB = gvm(client, ns, "b").getStatus().image;
      assertThat(newA.equals(built.get(newB)) || newB.equals(built.get(newA)))
          .as("a and b share 200 KB: one is rebuilt from the other, one chain: %s", built)
          .isTrue();
      double perImage =
          CatalogPlanner.totalCost(
              requests, List.of(newBase), Strategy.fromId("base-only"), planner.weights());
      double batch = optimal.stream().mapToDouble(CatalogPlanner.Order::cost).sum();
      assertThat(batch).isLessThan(perImage);

      // The old base and everything derived from it are Outdated, and counted on the BaseImage.
      until(
          client,
          ns,
          () ->
              generationOne.stream()
                  .allMatch(n -> Conditions.isTrue(image(client, ns, n).getStatus(), "Outdated")));
      until(
          client,
          ns,
          () -> {
            var s =
                client
                    .resources(BaseImage.class)
                    .inNamespace(ns)
                    .withName("fedora")
                    .get()
                    .getStatus();
            return s.baseGeneration == 2 && s.outdatedImages == generationOne.size();
          });
      assertThat(Conditions.get(image(client, ns, base2).getStatus(), "Outdated")).isNull();

      // Pinning a generation the os does not have is a clear error.
      GraftedVirtualMachine bad = gvm(ns, "bad", "fedora-40", file("/etc/x", "x"));
      bad.getSpec().baseGeneration = 7;
      client.resource(bad).create();
      until(client, ns, () -> gvm(client, ns, "bad").getStatus() != null);
      assertThat(gvm(client, ns, "bad").getStatus().conditions)
          .anySatisfy(
              c -> {
                assertThat(c.getReason()).isEqualTo("NoBaseGeneration");
                assertThat(c.getMessage()).startsWith("spec.baseGeneration:").contains("[1, 2]");
              });
      assertSchemasValid(client, ns);
    }
  }

  @Test
  void underManualTheNewBaseOnlyMarks() throws Exception {
    String ns = "manual";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      BaseImage bi = baseImage(ns, "fedora", "fedora-40");
      bi.getSpec().updatePolicy = BaseImage.UpdatePolicy.Manual;
      client.resource(bi).create();
      client.resource(gvm(ns, "a", "fedora-40", file("/etc/a", "a"))).create();
      client.resource(gvm(ns, "b", "fedora-40", file("/etc/b", "b"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "a")) && ready(gvm(client, ns, "b")));
      Map<String, String> before = imagesOf(ns, List.of("a", "b"));

      bi = client.resources(BaseImage.class).inNamespace(ns).withName("fedora").get();
      bi.getSpec().source.http.checksum = "sha256:" + "ab".repeat(32);
      client.resource(bi).update();

      until(
          client,
          ns,
          () ->
              before.values().stream()
                  .allMatch(n -> Conditions.isTrue(image(client, ns, n).getStatus(), "Outdated")));
      GoldenImage base2 = image(client, ns, Manifest.baseImageName("fedora-40", 2));
      assertThat(base2.getSpec().source.http.checksum).isEqualTo("sha256:" + "ab".repeat(32));
      until(
          client,
          ns,
          () -> image(client, ns, base2.getMetadata().getName()).getStatus().phase == Phase.Ready);
      Thread.sleep(1500); // time for a rebuild to start, if one wrongly did
      assertThat(images(client, ns))
          .noneMatch(gi -> gi.getSpec().parent != null && BaseGenerations.of(gi) == 2);
      assertThat(imagesOf(ns, List.of("a", "b"))).isEqualTo(before);
      // A new request is built on the newest base.
      client.resource(gvm(ns, "c", "fedora-40", file("/etc/c", "c"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "c")));
      assertThat(gvm(client, ns, "c").getStatus().baseGeneration).isEqualTo(2);
    }
  }

  @Test
  void aDataImportCronMovingTheDataSourceIsANewGeneration() throws Exception {
    String ns = "cron";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      simulator.importCronUpdate(ns, "fedora", "fedora-3f1a2b");
      BaseImage bi = baseImage(ns, "fedora", "fedora-40");
      bi.getSpec().source = null;
      bi.getSpec().sourceRef = new SourceRef();
      bi.getSpec().sourceRef.name = "fedora";
      client.resource(bi).create();
      client.resource(gvm(ns, "a", "fedora-40", file("/etc/a", "a"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "a")));
      String before = gvm(client, ns, "a").getStatus().image;

      // The cron imports the next cloud image and moves the DataSource to it.
      simulator.importCronUpdate(ns, "fedora", "fedora-9c8d7e");

      String base2 = Manifest.baseImageName("fedora-40", 2);
      until(
          client,
          ns,
          () ->
              ready(gvm(client, ns, "a"))
                  && Integer.valueOf(2).equals(gvm(client, ns, "a").getStatus().baseGeneration));
      assertThat(gvm(client, ns, "a").getStatus().image).isNotEqualTo(before);
      // The new generation imports the PVC the DataSource pointed at, not the DataSource itself,
      // so a later move does not change what it holds.
      DataVolume dv = client.resources(DataVolume.class).inNamespace(ns).withName(base2).get();
      assertThat(dv.getSpec().source.pvc.name).isEqualTo("fedora-9c8d7e");
      String uid =
          client
              .persistentVolumeClaims()
              .inNamespace(ns)
              .withName("fedora-9c8d7e")
              .get()
              .getMetadata()
              .getUid();
      assertThat(image(client, ns, base2).getSpec().sourceIdentity)
          .isEqualTo("datasource cron/fedora -> pvc cron/fedora-9c8d7e uid " + uid);
      until(client, ns, () -> Conditions.isTrue(image(client, ns, before).getStatus(), "Outdated"));

      // On snapshot storage the cron's next import is a VolumeSnapshot: a third generation,
      // restored from that snapshot.
      simulator.importCronSnapshot(ns, "fedora", "fedora-5e6f70");
      String base3 = Manifest.baseImageName("fedora-40", 3);
      until(
          client,
          ns,
          () ->
              ready(gvm(client, ns, "a"))
                  && Integer.valueOf(3).equals(gvm(client, ns, "a").getStatus().baseGeneration));
      DataVolume dv3 = client.resources(DataVolume.class).inNamespace(ns).withName(base3).get();
      assertThat(dv3.getSpec().source.snapshot.name).isEqualTo("fedora-5e6f70");
      assertThat(dv3.getSpec().source.pvc).isNull();
      assertThat(image(client, ns, base3).getSpec().sourceIdentity)
          .startsWith("datasource cron/fedora -> snapshot cron/fedora-5e6f70 uid ");
      assertSchemasValid(client, ns);
    }
  }

  @Test
  void aPvcRecreatedUnderTheSameNameIsANewGeneration() throws Exception {
    String ns = "recreated";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.persistentVolumeClaims().inNamespace(ns).resource(goldenPvc(ns)).create();
      BaseImage bi = baseImage(ns, "fedora", "fedora-40");
      bi.getSpec().source = new dev.graft.api.ImageSource();
      bi.getSpec().source.pvc = new dev.graft.api.ImageSource.PvcRef(null, "golden");
      client.resource(bi).create();
      client.resource(gvm(ns, "a", "fedora-40", file("/etc/a", "a"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "a")));
      String base1 = Manifest.baseImageName("fedora-40", 1);
      var pvc = client.persistentVolumeClaims().inNamespace(ns).withName("golden").get();
      assertThat(image(client, ns, base1).getSpec().sourceIdentity)
          .isEqualTo("pvc " + ns + "/golden uid " + pvc.getMetadata().getUid());
      String before = gvm(client, ns, "a").getStatus().image;

      // A label on the PVC (a new resourceVersion, the same disk): no new generation.
      client
          .persistentVolumeClaims()
          .inNamespace(ns)
          .withName("golden")
          .edit(
              p ->
                  new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder(p)
                      .editMetadata()
                      .addToLabels("touched", "yes")
                      .endMetadata()
                      .build());
      touch(ns);
      Thread.sleep(1500);
      assertThat(
              client
                  .resources(GoldenImage.class)
                  .inNamespace(ns)
                  .withName(Manifest.baseImageName("fedora-40", 2))
                  .get())
          .isNull();

      // Deleted and created again under the same name: a new generation, the VM rebuilt on it.
      client.persistentVolumeClaims().inNamespace(ns).withName("golden").delete();
      until(
          client,
          ns,
          () -> client.persistentVolumeClaims().inNamespace(ns).withName("golden").get() == null);
      client.persistentVolumeClaims().inNamespace(ns).resource(goldenPvc(ns)).create();
      touch(ns); // the PVC sends no event: the BaseImage polls it, or, here, is touched
      until(
          client,
          ns,
          () ->
              ready(gvm(client, ns, "a"))
                  && Integer.valueOf(2).equals(gvm(client, ns, "a").getStatus().baseGeneration));
      assertThat(gvm(client, ns, "a").getStatus().image).isNotEqualTo(before);
      String uid2 =
          client
              .persistentVolumeClaims()
              .inNamespace(ns)
              .withName("golden")
              .get()
              .getMetadata()
              .getUid();
      assertThat(uid2).isNotEqualTo(pvc.getMetadata().getUid());
      assertThat(image(client, ns, Manifest.baseImageName("fedora-40", 2)).getSpec().sourceIdentity)
          .isEqualTo("pvc " + ns + "/golden uid " + uid2);
    }
  }

  private void touch(String ns) {
    client
        .resources(BaseImage.class)
        .inNamespace(ns)
        .withName("fedora")
        .edit(
            b -> {
              // A metadata change sends no event (generation-aware): toggle the default policy.
              b.getSpec().updatePolicy =
                  b.getSpec().updatePolicy == null ? BaseImage.UpdatePolicy.Rebuild : null;
              return b;
            });
  }

  private static io.fabric8.kubernetes.api.model.PersistentVolumeClaim goldenPvc(String ns) {
    return new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("golden")
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withNewResources()
        .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("10Gi"))
        .endResources()
        .endSpec()
        .build();
  }

  private Map<String, String> imagesOf(String ns, List<String> names) {
    Map<String, String> out = new TreeMap<>();
    names.forEach(n -> out.put(n, gvm(client, ns, n).getStatus().image));
    return out;
  }

  private String rootOf(String ns, GoldenImage gi) {
    while (gi.getSpec().parent != null) {
      gi = image(client, ns, gi.getSpec().parent);
    }
    return gi.getMetadata().getName();
  }

  private FileResolver.Lookup lookup(String ns) {
    return new FileResolver.Lookup() {
      @Override
      public dev.graft.api.FileSet fileSet(String n, String name) {
        return null;
      }

      @Override
      public io.fabric8.kubernetes.api.model.ConfigMap configMap(String n, String name) {
        return null;
      }

      @Override
      public io.fabric8.kubernetes.api.model.Secret secret(String n, String name) {
        return null;
      }
    };
  }
}
