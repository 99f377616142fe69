package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An injection that never ends is stopped by the real Job controller at the Job's
 * activeDeadlineSeconds (graft.injector.active-deadline-seconds), and Graft reports the build
 * failed with the controller's reason, DeadlineExceeded, as a cluster reports it.
 */
@QuarkusTest
@TestProfile(RealClusterDeadlineProfile.class)
@Tag(RealClusterProfile.TAG)
class JobDeadlineTest {
  private static KubernetesClient admin;
  private static ClusterSimulator cdi;
  private static Kubelet kubelet;

  @BeforeAll
  static void cluster() {
    admin = RealCluster.setUp().adminClient();
    cdi = ClusterSimulator.cdiOnly(admin).start();
    kubelet = new Kubelet(admin);
  }

  @AfterAll
  static void close() {
    kubelet.close();
    cdi.close();
    admin.close();
  }

  @Test
  void aJobPastItsDeadlineFailsTheImageWithDeadlineExceeded() {
    String ns = "deadline";
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    kubelet.outcome(
        pod ->
            ns.equals(pod.getMetadata().getNamespace())
                ? Kubelet.Outcome.RUN
                : Kubelet.Outcome.SUCCEED);
    try {
      admin.resource(FleetTest.baseImage(ns)).create();
      admin.resource(FleetTest.gvm(ns, "stuck", FileSpec.inline("/etc/motd", "hello"))).create();
      GoldenImage derived = Fleets.untilBuildFailed(admin, ns, "stuck");
      List<Job> jobs = admin.batch().v1().jobs().inNamespace(ns).list().getItems();
      assertThat(jobs).isNotEmpty();
      for (Job job : jobs) {
        assertThat(job.getSpec().getActiveDeadlineSeconds())
            .isEqualTo(RealClusterDeadlineProfile.DEADLINE_SECONDS);
        assertThat(job.getStatus().getConditions())
            .anyMatch(
                c ->
                    "Failed".equals(c.getType())
                        && "True".equals(c.getStatus())
                        && "DeadlineExceeded".equals(c.getReason()));
      }
      assertThat(derived.getStatus().conditions.toString()).contains("DeadlineExceeded");
    } finally {
      kubelet.outcome(pod -> Kubelet.Outcome.SUCCEED);
    }
  }
}
