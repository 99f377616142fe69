package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumes;
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
 * On a WaitForFirstConsumer StorageClass (played by the simulator as CDI behaves), a build's
 * DataVolumes bind at once because they ask for it: a fleet builds to Ready. A DataVolume that does
 * not ask waits until a pod mounts its PVC, which for a build's clone never comes before the clone
 * is done: that is the hang this would catch.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class WaitForFirstConsumerTest {
  static ClusterSimulator simulator;

  @Inject KubernetesClient client;

  @AfterAll
  static void stop() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  @Test
  void buildsOnWaitForFirstConsumerStorageReachReady() {
    synchronized (WaitForFirstConsumerTest.class) {
      if (simulator == null) {
        simulator = new ClusterSimulator(client).start();
      }
    }
    simulator.waitForFirstConsumer(true);
    String ns = "wffc";
    // A DataVolume without the request waits for a consumer, as CDI leaves it.
    DataVolume plain = new DataVolume();
    plain.getMetadata().setName("plain");
    plain.getMetadata().setNamespace(ns);
    plain.setSpec(new DataVolume.Spec());
    plain.getSpec().source = new DataVolume.Source();
    plain.getSpec().source.http = new DataVolume.Url("https://example.org/disk.qcow2");
    client.resource(plain).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> simulator.waitingForConsumer().contains(ns + "/plain"));
    assertThat(
            client
                .resources(DataVolume.class)
                .inNamespace(ns)
                .withName("plain")
                .get()
                .getStatus()
                .phase)
        .isEqualTo("WaitForFirstConsumer");

    client.resource(baseImage(ns, "fedora", "fedora-40")).create();
    client.resource(gvm(ns, "a", "fedora-40", file("/etc/a", "1"))).create();
    client.resource(gvm(ns, "b", "fedora-40", file("/etc/a", "1"), file("/etc/b", "2"))).create();
    until(client, ns, () -> ready(gvm(client, ns, "a")) && ready(gvm(client, ns, "b")));
    for (DataVolume dv : client.resources(DataVolume.class).inNamespace(ns).list().getItems()) {
      if (!dv.getMetadata().getName().equals("plain")) {
        assertThat(dv.getMetadata().getAnnotations())
            .as(dv.getMetadata().getName())
            .containsAllEntriesOf(Map.of(DataVolumes.BIND_IMMEDIATE, "true"));
        assertThat(dv.succeeded()).as(dv.getMetadata().getName()).isTrue();
      }
    }
    assertThat(simulator.waitingForConsumer()).containsExactly(ns + "/plain");
    simulator.waitForFirstConsumer(false);
  }
}
