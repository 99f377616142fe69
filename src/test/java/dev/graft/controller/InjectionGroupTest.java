package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.k8s.Labels;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * graft.build.max-disks-per-job on the mock API server: new images whose parents are Ready reach
 * injection together and share one Job (one appliance launch), owned by all of them; one disk's
 * failure fails only its image, whose retry builds it.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(InjectionGroupTest.FourDisksPerJob.class)
class InjectionGroupTest {

  /** Up to four disks per Job. */
  public static class FourDisksPerJob implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("graft.build.max-disks-per-job", "4");
    }
  }

  @Inject KubernetesClient client;

  @Test
  void aBatchOfNewImagesIsBuiltInOneSharedJobOwnedByEveryImage() {
    String ns = "groups";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      until(client, ns, () -> images(client, ns).stream().anyMatch(InjectionGroupTest::imageReady));
      List<String> names = List.of("a", "b", "c");
      for (String n : names) {
        client.resource(gvm(ns, n, "fedora-40", file("/etc/" + n, n))).create();
      }
      until(client, ns, () -> names.stream().allMatch(n -> ready(gvm(client, ns, n))));

      List<GoldenImage> derived = derived(ns);
      assertThat(derived).hasSize(3).allMatch(InjectionGroupTest::imageReady);
      assertThat(derived).allMatch(gi -> gi.getStatus().attempts == 1);
      List<Job> jobs = jobs(ns);
      assertThat(jobs).as("one Job for the three builds").hasSize(1);
      Job job = jobs.get(0);
      Set<String> images =
          derived.stream().map(gi -> gi.getMetadata().getName()).collect(Collectors.toSet());
      assertThat(InjectionJobs.disks(job))
          .containsExactlyElementsOf(images.stream().sorted().map(n -> n + ":1").toList());
      List<OwnerReference> owners = job.getMetadata().getOwnerReferences();
      assertThat(owners.stream().map(OwnerReference::getName))
          .containsExactlyInAnyOrderElementsOf(images);
      assertThat(owners.stream().map(OwnerReference::getUid))
          .containsExactlyInAnyOrderElementsOf(
              derived.stream().map(gi -> gi.getMetadata().getUid()).toList());
      assertThat(owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())))
          .as("one controller")
          .hasSize(1);
      // Every clone PVC is a volume of the one pod.
      assertThat(
              job.getSpec().getTemplate().getSpec().getVolumes().stream()
                  .filter(v -> v.getPersistentVolumeClaim() != null)
                  .map(v -> v.getPersistentVolumeClaim().getClaimName()))
          .containsExactlyInAnyOrderElementsOf(images);
      assertThat(client.configMaps().inNamespace(ns).withName(job.getMetadata().getName()).get())
          .as("the shared script")
          .isNotNull();
      assertSchemasValid(client, ns);
    }
  }

  @Test
  void oneDiskFailingFailsOnlyItsImageWhoseRetryBuildsIt() {
    String ns = "groups-fail";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      until(client, ns, () -> images(client, ns).stream().anyMatch(InjectionGroupTest::imageReady));
      Set<String> failed = ConcurrentHashMap.newKeySet();
      String[] victim = new String[1];
      // The first disk of c fails (in whatever Job builds it); its retry succeeds.
      simulator.failJobsFor(
          image -> image.equals(victim[0]) && failed.add(image),
          "graft: files[0] (/etc/c): no room left on /");
      List<String> names = List.of("a", "b", "c");
      for (String n : names) {
        if (n.equals("c")) {
          continue;
        }
        client.resource(gvm(ns, n, "fedora-40", file("/etc/" + n, n))).create();
      }
      // c's image name is known once it is planned: create c, then name the victim before any
      // Job can exist (the base is Ready, but the build waits at least the gathering window).
      client.resource(gvm(ns, "c", "fedora-40", file("/etc/c", "c"))).create();
      until(
          client,
          ns,
          () ->
              gvm(client, ns, "c").getStatus() != null
                  && gvm(client, ns, "c").getStatus().image != null);
      victim[0] = gvm(client, ns, "c").getStatus().image;
      until(client, ns, () -> names.stream().allMatch(n -> ready(gvm(client, ns, n))));

      assertThat(failed).containsExactly(victim[0]);
      for (GoldenImage gi : derived(ns)) {
        String name = gi.getMetadata().getName();
        assertThat(gi.getStatus().phase).as(name).isEqualTo(Phase.Ready);
        assertThat(gi.getStatus().attempts)
            .as("attempts of " + name)
            .isEqualTo(name.equals(victim[0]) ? 2 : 1);
      }
      // The first Job built all three; the retry of c ran in a new one.
      List<Job> jobs = jobs(ns);
      assertThat(jobs).hasSize(2);
      assertThat(jobs.stream().map(j -> InjectionJobs.disks(j).size()))
          .containsExactlyInAnyOrder(3, 1);
      assertThat(jobs.stream().flatMap(j -> InjectionJobs.disks(j).stream()))
          .filteredOn(d -> d.startsWith(victim[0] + ":"))
          .containsExactlyInAnyOrder(victim[0] + ":1", victim[0] + ":2");
    }
  }

  private List<Job> jobs(String ns) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withLabel(Labels.GOLDEN_IMAGE)
        .list()
        .getItems();
  }

  private List<GoldenImage> derived(String ns) {
    return images(client, ns).stream().filter(gi -> gi.getSpec().parent != null).toList();
  }

  private static boolean imageReady(GoldenImage gi) {
    return gi.getStatus() != null && gi.getStatus().phase == Phase.Ready;
  }
}
