package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.build.InjectionJobs;
import dev.graft.build.LibguestfsInjectionJobs;
import dev.graft.inject.KvmMode;
import dev.graft.inject.job.InjectorSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A Job shared by several builds as a real API server and garbage collector take it: admitted with
 * an ownerReference to every image (one controller), and collected only once all of them are gone.
 */
@QuarkusTest
@TestProfile(RealClusterProfile.class)
@Tag(RealClusterProfile.TAG)
class SharedJobAdmissionTest {
  private static final String NS = "shared-job";
  private static KubernetesClient admin;

  @BeforeAll
  static void client() {
    admin = RealCluster.setUp().adminClient();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  @Test
  void theSharedJobIsAdmittedOwnedByEveryImageAndCollectedWhenAllAreGone() {
    List<InjectionJobs.Disk> disks = new ArrayList<>();
    for (String suffix : List.of("aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc")) {
      GoldenImage gi = new GoldenImage();
      gi.getMetadata().setName("fedora-40-" + suffix);
      gi.getMetadata().setNamespace(NS);
      gi.setSpec(new GoldenImage.Spec());
      gi.getSpec().os = "fedora-40";
      gi.getSpec().manifestDigest = suffix.substring(0, 1).repeat(64);
      // A parent that never comes: the operator leaves the image waiting, its Job untouched.
      gi.getSpec().parent = "fedora-40-missing";
      GoldenImage created = admin.resource(gi).create();
      ManifestEntry e = new ManifestEntry();
      e.path = "/etc/" + suffix;
      e.mode = "0644";
      e.owner = "0:0";
      e.sha256 = "a".repeat(64);
      e.size = 1L;
      e.digest = "b".repeat(64);
      e.payload = ManifestEntry.Payload.ConfigMap;
      disks.add(new InjectionJobs.Disk(created, new InjectionJobs.Diff(List.of(e), List.of()), 1));
    }
    String name = InjectionJobs.groupJobName(disks.stream().map(InjectionJobs.Disk::key).toList());
    var jobs =
        new LibguestfsInjectionJobs(
            new InjectorSettings(
                "quay.io/graft/injector:test",
                "100m",
                "1",
                "256Mi",
                "1Gi",
                KvmMode.NEVER,
                600,
                0,
                3600,
                107));
    ConfigMap cm = admin.resource(jobs.groupScript(name, disks)).create();
    Job job = admin.resource(jobs.groupJob(name, disks)).create();
    for (var object : List.of(cm, job)) {
      List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
      assertThat(owners.stream().map(OwnerReference::getUid))
          .containsExactlyElementsOf(
              disks.stream().map(d -> d.image().getMetadata().getUid()).toList());
      assertThat(owners.stream().filter(o -> Boolean.TRUE.equals(o.getController()))).hasSize(1);
    }
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .hasSize(3);

    // Two images go: the Job and its ConfigMap stay for the third.
    for (InjectionJobs.Disk d : disks.subList(0, 2)) {
      admin.resource(d.image()).delete();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                disks.subList(0, 2).stream()
                    .allMatch(d -> admin.resource(d.image()).get() == null));
    Awaitility.await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> admin.batch().v1().jobs().inNamespace(NS).withName(name).get() != null);
    assertThat(admin.configMaps().inNamespace(NS).withName(name).get()).isNotNull();

    // The last one goes: the garbage collector deletes both.
    admin.resource(disks.get(2).image()).delete();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                admin.batch().v1().jobs().inNamespace(NS).withName(name).get() == null
                    && admin.configMaps().inNamespace(NS).withName(name).get() == null);
  }
}
