package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.ManifestEntry;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.build.Manifest;
import dev.graft.k8s.Annotations;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.StorageDefaults;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Views of a build at each of its steps, for the phases' table tests: no server, no Quarkus. */
final class BuildFixtures {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final String NS = "ns";

  private BuildFixtures() {}

  static final BuildView.Settings SETTINGS =
      new BuildView.Settings(
          3,
          Duration.ofSeconds(30),
          new NamedJobs(),
          (image, timings, cloneMethod) -> {},
          StorageDefaults.NONE);

  static GoldenImage base(Phase phase) {
    GoldenImage gi = image(Manifest.baseImageName("fedora-40"), null, List.of());
    gi.getSpec().baseImage = NS + "/fedora";
    gi.getSpec().source = new ImageSource();
    gi.getSpec().source.http = new ImageSource.Url("https://images.example.org/fedora-40.qcow2");
    gi.setStatus(status(phase));
    return gi;
  }

  static GoldenImage child(Phase phase, String... paths) {
    List<ManifestEntry> files = new ArrayList<>();
    for (String p : paths) {
      ManifestEntry e = new ManifestEntry();
      e.path = p;
      e.digest = Manifest.sha256(p.getBytes());
      e.size = 10L;
      e.mode = "0644";
      e.owner = "0:0";
      e.payload = ManifestEntry.Payload.ConfigMap;
      files.add(e);
    }
    GoldenImage gi =
        image(
            Manifest.imageName("fedora-40", Manifest.digestOf(files)),
            Manifest.baseImageName("fedora-40"),
            files);
    gi.setStatus(status(phase));
    return gi;
  }

  private static GoldenImage image(String name, String parent, List<ManifestEntry> files) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace(NS);
    gi.getMetadata().setUid("uid-" + name);
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().parent = parent;
    gi.getSpec().files = files;
    gi.getSpec().manifestDigest = Manifest.digestOf(files);
    return gi;
  }

  private static GoldenImage.Status status(Phase phase) {
    if (phase == null) {
      return null;
    }
    GoldenImage.Status s = new GoldenImage.Status();
    s.phase = phase;
    return s;
  }

  static DataVolume dataVolume(String name, String phase, int attempt) {
    DataVolume dv = new DataVolume();
    dv.getMetadata().setName(name);
    dv.getMetadata().setNamespace(NS);
    dv.getMetadata().setAnnotations(Map.of(Annotations.ATTEMPT, Integer.toString(attempt)));
    if (phase != null) {
      dv.setStatus(new DataVolume.Status());
      dv.getStatus().phase = phase;
    }
    return dv;
  }

  static Job job(String condition) {
    JobBuilder b = new JobBuilder().withNewMetadata().withName("job").endMetadata();
    if (condition != null) {
      b.withNewStatus()
          .withConditions(
              new JobConditionBuilder()
                  .withType(condition)
                  .withStatus("True")
                  .withReason("BackoffLimitExceeded")
                  .build())
          .endStatus();
    }
    return b.build();
  }

  /** Injection objects that carry only their names: the phases decide whether, not how. */
  static final class NamedJobs implements InjectionJobs {
    @Override
    public ConfigMap script(GoldenImage gi, Diff diff) {
      return new ConfigMapBuilder()
          .withNewMetadata()
          .withName(InjectionJobs.scriptName(gi))
          .endMetadata()
          .build();
    }

    @Override
    public Job job(GoldenImage gi, Diff diff, int attempt, String scriptConfigMap) {
      return new JobBuilder()
          .withNewMetadata()
          .withName(InjectionJobs.jobName(gi, attempt))
          .withAnnotations(java.util.Map.of("script", scriptConfigMap))
          .endMetadata()
          .build();
    }

    @Override
    public ConfigMap groupScript(String jobName, List<Disk> disks) {
      return new ConfigMapBuilder().withNewMetadata().withName(jobName).endMetadata().build();
    }

    @Override
    public Job groupJob(String jobName, List<Disk> disks) {
      return new JobBuilder().withNewMetadata().withName(jobName).endMetadata().build();
    }
  }

  /** A view of {@code image}; change parts with the {@code with} methods of {@link View}. */
  static View view(GoldenImage image) {
    return new View(image);
  }

  static final class View {
    GoldenImage image;
    GoldenImage parent;
    DataVolume dv;
    Job job;
    String script;
    boolean configMap = true;
    boolean secret = true;
    String stale;

    View(GoldenImage image) {
      this.image = image;
    }

    View parent(GoldenImage p) {
      parent = p;
      return this;
    }

    View dv(DataVolume d) {
      dv = d;
      return this;
    }

    View job(Job j) {
      job = j;
      return this;
    }

    /** The ConfigMap that holds the build's script. */
    View script(String configMap) {
      script = configMap;
      return this;
    }

    View noPayload() {
      configMap = false;
      return this;
    }

    java.util.Map<String, String> claim;

    /** The annotations CDI wrote on the image's PVC. */
    View claim(java.util.Map<String, String> annotations) {
      claim = annotations;
      return this;
    }

    View stale(String s) {
      stale = s;
      return this;
    }

    String result;

    /** The termination message of the succeeded injection Job's pod. */
    View result(String r) {
      result = r;
      return this;
    }

    BuildView.Grouping grouping = BuildView.Grouping.NONE;

    /** How the image's injection is shared with other builds. */
    View grouping(BuildView.Grouping g) {
      grouping = g;
      return this;
    }

    BuildView build() {
      return new BuildView(
          image,
          parent,
          dv,
          job,
          script,
          configMap,
          secret,
          stale,
          NOW,
          SETTINGS,
          0.0,
          null,
          null,
          null,
          claim,
          BuildView.Catalog.NONE,
          result,
          grouping);
    }
  }
}
