package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.build.InjectionJobs;
import dev.graft.inject.DiskResult;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.InjectionResults;
import dev.graft.k8s.Labels;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Injection groups against a real API server, Job controller and garbage collector: three new
 * images whose parent is Ready are built by one Job owned by all three, which the real Job
 * controller runs to completion; each image reads its own line of the pod's termination message.
 */
@QuarkusTest
@TestProfile(RealClusterGroupProfile.class)
@Tag(RealClusterProfile.TAG)
class SharedJobFleetTest {
  private static KubernetesClient admin;
  private static ClusterSimulator cdi;
  private static Kubelet kubelet;

  @BeforeAll
  static void cluster() {
    admin = RealCluster.setUp().adminClient();
    cdi = ClusterSimulator.cdiOnly(admin).start();
    kubelet = new Kubelet(admin);
    // The injector's message: a result per disk of a shared Job, in its order.
    kubelet.successMessage(SharedJobFleetTest::results);
  }

  @AfterAll
  static void close() {
    kubelet.close();
    cdi.close();
    admin.close();
  }

  private static String results(Pod pod) {
    String jobName = pod.getMetadata().getLabels().get("batch.kubernetes.io/job-name");
    Job job =
        admin
            .batch()
            .v1()
            .jobs()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(jobName)
            .get();
    if (job == null) {
      return null;
    }
    List<DiskResult> results = new ArrayList<>();
    for (String disk : InjectionJobs.disks(job)) {
      results.add(DiskResult.done(new InjectionReport(1, 1, 0, 18.0, 16.0)));
    }
    return InjectionResults.format(results);
  }

  @Test
  void threeImagesShareOneJobThatTheRealJobControllerRuns() {
    String ns = "shared-fleet";
    admin
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .endMetadata()
                .build())
        .serverSideApply();
    admin.resource(FleetTest.baseImage(ns)).create();
    Fleets.until(
        admin,
        ns,
        () ->
            admin.resources(GoldenImage.class).inNamespace(ns).list().getItems().stream()
                .anyMatch(
                    gi ->
                        gi.getStatus() != null
                            && gi.getStatus().phase == dev.graft.api.Phase.Ready));
    for (String n : List.of("a", "b", "c")) {
      admin.resource(FleetTest.gvm(ns, n, FileSpec.inline("/etc/" + n, n))).create();
    }
    Fleets.until(admin, ns, () -> Fleets.allReady(admin, ns, 3));

    List<GoldenImage> derived =
        admin.resources(GoldenImage.class).inNamespace(ns).list().getItems().stream()
            .filter(gi -> gi.getSpec().parent != null)
            .toList();
    assertThat(derived).hasSize(3).allMatch(gi -> gi.getStatus().attempts == 1);
    List<Job> jobs =
        admin.batch().v1().jobs().inNamespace(ns).withLabel(Labels.GOLDEN_IMAGE).list().getItems();
    assertThat(jobs).hasSize(1);
    Job job = jobs.get(0);
    assertThat(InjectionJobs.disks(job)).hasSize(3);
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(job.getMetadata().getOwnerReferences().stream().map(OwnerReference::getUid))
        .containsExactlyInAnyOrderElementsOf(
            derived.stream().map(gi -> gi.getMetadata().getUid()).toList());
  }
}
