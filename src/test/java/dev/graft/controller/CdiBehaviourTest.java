package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * CDI as it behaves, played by the simulator: a clone whose pod fails is retried by CDI (restarts
 * counted on the DataVolume) and Graft waits for it instead of failing the build; a failure that
 * persists shows as Degraded DataVolumeError on the GoldenImage, or on the GraftedVirtualMachine
 * whose root disk it is, with CDI's reason and message, and goes away when CDI succeeds;
 * host-assisted clones take time in proportion to their size.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class CdiBehaviourTest {
  static ClusterSimulator simulator;

  @Inject KubernetesClient client;

  @AfterAll
  static void stop() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  private void start() {
    synchronized (CdiBehaviourTest.class) {
      if (simulator == null) {
        simulator = new ClusterSimulator(client).withVmDataVolumes().start();
      }
    }
  }

  private static boolean buildClone(DataVolume dv, String ns) {
    return ns.equals(dv.getMetadata().getNamespace())
        && dv.getMetadata().getLabels() != null
        && dv.getMetadata().getLabels().containsKey(Labels.GOLDEN_IMAGE);
  }

  private String condition(GoldenImage gi, String type) {
    var c = Conditions.get(gi.getStatus(), type);
    return c == null ? null : c.getStatus() + "/" + c.getReason();
  }

  @Test
  void aTransientCloneFailureIsRetriedByCdiAndTheBuildGoesOn() {
    start();
    String ns = "cdi-transient";
    simulator.failClones(dv -> buildClone(dv, ns), 2);
    try {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      client.resource(gvm(ns, "a", "fedora-40", file("/etc/a", "1"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "a")));
    } finally {
      simulator.stopFailingClones();
    }
    String image = gvm(client, ns, "a").getStatus().image;
    GoldenImage gi = image(client, ns, image);
    assertThat(gi.getStatus().phase).isEqualTo(Phase.Ready);
    // One attempt: CDI's retries are not Graft's failed attempts, and the clone was not deleted.
    assertThat(gi.getStatus().attempts == null ? 1 : gi.getStatus().attempts).isEqualTo(1);
    DataVolume clone = client.resources(DataVolume.class).inNamespace(ns).withName(image).get();
    assertThat(clone.getStatus().restartCount).isEqualTo(2);
    assertThat(clone.getStatus().conditions)
        .anySatisfy(
            c -> assertThat(c).containsEntry("type", "Ready").containsEntry("status", "True"));
  }

  @Test
  void aPersistentCloneFailureIsDegradedDataVolumeErrorUntilCdiSucceeds() {
    start();
    String ns = "cdi-persistent";
    simulator.failClones(dv -> buildClone(dv, ns), Integer.MAX_VALUE);
    String image;
    try {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      client.resource(gvm(ns, "a", "fedora-40", file("/etc/a", "1"))).create();
      until(
          client,
          ns,
          () -> {
            GraftedVirtualMachine g = gvm(client, ns, "a");
            String name = g.getStatus() == null ? null : g.getStatus().image;
            GoldenImage gi = name == null ? null : image(client, ns, name);
            return gi != null && "True/DataVolumeError".equals(condition(gi, Conditions.DEGRADED));
          });
      image = gvm(client, ns, "a").getStatus().image;
      GoldenImage gi = image(client, ns, image);
      // Not Failed: CDI still retries, and so the image still progresses.
      assertThat(gi.getStatus().phase).isEqualTo(Phase.Cloning);
      assertThat(condition(gi, Conditions.PROGRESSING)).isEqualTo("True/DataVolumeError");
      assertThat(Conditions.get(gi.getStatus(), Conditions.DEGRADED).getMessage())
          .contains("Error: Unable to process data", "restarts, CDI retries");
      assertThat(client.resources(DataVolume.class).inNamespace(ns).withName(image).get())
          .isNotNull();
      assertThat(client.v1().events().inNamespace(ns).list().getItems())
          .filteredOn(e -> "DataVolumeError".equals(e.getReason()))
          .hasSize(1);
    } finally {
      simulator.stopFailingClones();
    }
    until(client, ns, () -> ready(gvm(client, ns, "a")));
    GoldenImage gi = image(client, ns, image);
    assertThat(gi.getStatus().attempts == null ? 1 : gi.getStatus().attempts).isEqualTo(1);
    assertThat(condition(gi, Conditions.DEGRADED)).isEqualTo("False/AsExpected");
  }

  @Test
  void aVmWhoseRootDiskFailsIsDegradedWithCdisReason() {
    start();
    String ns = "cdi-root-disk";
    simulator.failClones(
        dv ->
            ns.equals(dv.getMetadata().getNamespace())
                && dv.getMetadata().getLabels() != null
                && dv.getMetadata().getLabels().containsKey(Labels.ROOT_DISK_OF),
        Integer.MAX_VALUE);
    try {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      GraftedVirtualMachine running = gvm(ns, "a", "fedora-40", file("/etc/a", "1"));
      running.getSpec().virtualMachineTemplate.spec.put("runStrategy", "Always");
      client.resource(running).create();
      until(
          client,
          ns,
          () -> {
            var c = Conditions.get(gvm(client, ns, "a").getStatus(), Conditions.DEGRADED);
            return c != null
                && "True".equals(c.getStatus())
                && "DataVolumeError".equals(c.getReason());
          });
      GraftedVirtualMachine g = gvm(client, ns, "a");
      assertThat(g.getStatus().virtualMachine.printableStatus).isEqualTo("DataVolumeError");
      assertThat(Conditions.get(g.getStatus(), Conditions.READY).getStatus()).isEqualTo("False");
      assertThat(Conditions.get(g.getStatus(), Conditions.DEGRADED).getMessage())
          .contains("a-root-", "Error: Unable to process data");
    } finally {
      simulator.stopFailingClones();
    }
    until(client, ns, () -> ready(gvm(client, ns, "a")));
    assertThat(gvm(client, ns, "a").getStatus().virtualMachine.printableStatus)
        .isEqualTo("Running");
  }

  @Test
  void hostAssistedClonesTakeTimeInProportionToTheirSize() {
    start();
    String ns = "cdi-copy";
    simulator.cloneFallbackReason("no common CSI driver");
    simulator.hostAssistedCloneRate(2L << 30); // 2 GiB/s: 1 s for 2Gi, 5 s for 10Gi
    try {
      long small = cloneMillis(ns, "small", "2Gi");
      long large = cloneMillis(ns, "large", "10Gi");
      // Timed from CDI's CloneInProgress to Succeeded (no create or event latency): 1 s, 5 s.
      assertThat(large).as("large %d ms, small %d ms", large, small).isGreaterThanOrEqualTo(4400);
      assertThat(large - small).as("large %d ms, small %d ms", large, small).isGreaterThan(3000);
      assertThat(
              client
                  .persistentVolumeClaims()
                  .inNamespace(ns)
                  .withName("large")
                  .get()
                  .getMetadata()
                  .getAnnotations())
          .containsEntry("cdi.kubevirt.io/cloneType", "copy")
          .containsEntry("cdi.kubevirt.io/cloneFallbackReason", "no common CSI driver");
    } finally {
      simulator.hostAssistedCloneRate(0);
      simulator.cloneFallbackReason(null);
    }
  }

  /**
   * Creates a clone DataVolume of this size; how long CDI (played) copies: from the first time it
   * is seen CloneInProgress to Succeeded.
   */
  private long cloneMillis(String ns, String name, String size) {
    DataVolume dv = new DataVolume();
    dv.getMetadata().setName(name);
    dv.getMetadata().setNamespace(ns);
    dv.setSpec(new DataVolume.Spec());
    dv.getSpec().source = new DataVolume.Source();
    dv.getSpec().source.pvc = new DataVolume.Pvc(ns, "source");
    dv.getSpec().storage = new DataVolume.Storage();
    dv.getSpec().storage.resources = new DataVolume.Resources();
    dv.getSpec().storage.resources.requests = Map.of("storage", size);
    client.resource(dv).create();
    var clones = client.resources(DataVolume.class).inNamespace(ns).withName(name);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> clones.get().getStatus() != null);
    long start = System.nanoTime();
    assertThat(clones.get().getStatus().phase).isEqualTo("CloneInProgress");
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> clones.get().succeeded());
    return (System.nanoTime() - start) / 1_000_000;
  }
}
