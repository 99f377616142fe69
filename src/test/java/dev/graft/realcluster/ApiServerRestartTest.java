package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The API server restarts in the middle of a fleet build (etcd keeps the data): the operator's
 * watches break and come back, and the fleet finishes with nothing built twice.
 */
@QuarkusTest
@TestProfile(RealClusterProfile.class)
@Tag(RealClusterProfile.TAG)
class ApiServerRestartTest {

  @Test
  void theOperatorReconnectsAndFinishesWithoutDuplicates() {
    String ns = "restart";
    RealControlPlane cp = RealCluster.setUp();
    try (KubernetesClient admin = cp.adminClient();
        ClusterSimulator cdi = ClusterSimulator.cdiOnly(admin).start();
        Kubelet kubelet = new Kubelet(admin)) {
      Fleets.dataSources(admin);
      List<HasMetadata> wave = Fleets.waves(admin, ns).get(0);
      int vms =
          (int) wave.stream().filter(o -> "GraftedVirtualMachine".equals(o.getKind())).count();
      Fleets.apply(admin, wave);
      // Mid-build: some images are Ready, not all VMs are.
      Fleets.until(
          admin,
          ns,
          () ->
              admin.resources(GoldenImage.class).inNamespace(ns).list().getItems().stream()
                      .filter(gi -> gi.getStatus() != null && gi.getStatus().phase == Phase.Ready)
                      .count()
                  >= 2);
      assertThat(Fleets.allReady(admin, ns, vms)).as("restarted mid-build").isFalse();
      cp.restartApiServer();
      Fleets.until(admin, ns, () -> Fleets.allReady(admin, ns, vms));
      Fleets.assertBuiltOnce(admin, ns);
    }
  }
}
