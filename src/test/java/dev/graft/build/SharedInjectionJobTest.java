package dev.graft.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.inject.KvmMode;
import dev.graft.k8s.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Job and ConfigMap shared by several builds: names, owners, labels, the disks' order. */
class SharedInjectionJobTest {

  @Test
  void everyImageOwnsTheSharedJobOneControlsItAndTheDisksAreInNameOrder() {
    List<InjectionJobs.Disk> disks =
        List.of(disk("fedora-40-cccccccccc", "uid-c", 2), disk("fedora-40-aaaaaaaaaa", "uid-a", 1));
    String name = InjectionJobs.groupJobName(disks.stream().map(InjectionJobs.Disk::key).toList());
    var jobs = new LibguestfsInjectionJobs(LibguestfsInjectionJobsTest.settings(KvmMode.NEVER));
    Job job = jobs.groupJob(name, disks);
    ConfigMap cm = jobs.groupScript(name, disks);

    assertThat(name).matches("inject-group-[0-9a-f]{20}").hasSizeLessThanOrEqualTo(63);
    assertThat(
            InjectionJobs.groupJobName(List.of("fedora-40-aaaaaaaaaa:1", "fedora-40-cccccccccc:2")))
        .as("any order of the same disks")
        .isEqualTo(name);
    assertThat(
            InjectionJobs.groupJobName(List.of("fedora-40-aaaaaaaaaa:1", "fedora-40-cccccccccc:3")))
        .as("another attempt")
        .isNotEqualTo(name);
    for (var object : List.of(job, cm)) {
      assertThat(object.getMetadata().getName()).isEqualTo(name);
      assertThat(object.getMetadata().getLabels())
          .containsEntry(Labels.GOLDEN_IMAGE, "fedora-40-aaaaaaaaaa");
      assertThat(InjectionJobs.disks(object))
          .containsExactly("fedora-40-aaaaaaaaaa:1", "fedora-40-cccccccccc:2");
      List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
      assertThat(owners.stream().map(OwnerReference::getUid)).containsExactly("uid-a", "uid-c");
      assertThat(owners.stream().map(OwnerReference::getController)).containsExactly(true, false);
    }
    // The i-th disk is the i-th PVC and spec.
    var volumes = job.getSpec().getTemplate().getSpec().getVolumes();
    assertThat(volumes.stream().filter(v -> v.getPersistentVolumeClaim() != null))
        .extracting(v -> v.getName() + "=" + v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("disk-0=fedora-40-aaaaaaaaaa", "disk-1=fedora-40-cccccccccc");
    assertThat(cm.getData()).containsKeys("spec-0.json", "spec-1.json", "run.sh");
    assertThat(cm.getData().get("run.sh"))
        .contains("'catalog/fedora-40-aaaaaaaaaa'", "'catalog/fedora-40-cccccccccc'");
    // Each disk's payload is projected from its own image's payload ConfigMap.
    assertThat(
            volumes.stream()
                .filter(v -> v.getProjected() != null)
                .flatMap(v -> v.getProjected().getSources().stream())
                .map(p -> p.getConfigMap().getName()))
        .containsExactly("fedora-40-aaaaaaaaaa-payload", "fedora-40-cccccccccc-payload");
    // A one-build Job names its disk by its label and attempt.
    Job single = jobs.job(disks.get(0).image(), disks.get(0).diff(), 2);
    assertThat(InjectionJobs.disks(single)).containsExactly("fedora-40-cccccccccc:2");
  }

  private static InjectionJobs.Disk disk(String name, String uid, int attempt) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace("catalog");
    gi.getMetadata().setUid(uid);
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().manifestDigest = "f".repeat(64);
    ManifestEntry e = new ManifestEntry();
    e.path = "/etc/" + name;
    e.mode = "0644";
    e.owner = "0:0";
    e.sha256 = "a".repeat(64);
    e.size = 1L;
    e.digest = "b".repeat(64);
    e.payload = ManifestEntry.Payload.ConfigMap;
    return new InjectionJobs.Disk(gi, new InjectionJobs.Diff(List.of(e), List.of()), attempt);
  }
}
