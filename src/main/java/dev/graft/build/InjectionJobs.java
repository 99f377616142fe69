package dev.graft.build;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;

/**
 * Builds the injection step of a GoldenImage build: a script ConfigMap and a batch/v1 Job that
 * applies it to the freshly cloned PVC. No API calls: the same image, diff and attempt give the
 * same objects, except that with {@code graft.injector.kvm=auto} the Job asks for KVM when a node
 * in the (cached) Node list offers it at that moment. Implemented by {@link
 * LibguestfsInjectionJobs} on top of the {@code inject} package.
 */
public interface InjectionJobs {

  /** Files to add (with where the Job finds them) and paths to remove. */
  record Diff(List<ManifestEntry> add, List<ManifestEntry> remove) {
    public long bytesAdded() {
      return add.stream().mapToLong(e -> e.size).sum();
    }
  }

  /** The Job's container, whose termination message says why a build failed. */
  String CONTAINER = dev.graft.inject.job.InjectionJob.CONTAINER;

  /** {@code <image>-inject-<attempt>}: a new name per attempt, never two Jobs for one attempt. */
  static String jobName(GoldenImage gi, int attempt) {
    return gi.getMetadata().getName() + "-inject-" + attempt;
  }

  /** {@code <image>-script}. */
  static String scriptName(GoldenImage gi) {
    return gi.getMetadata().getName() + "-script";
  }

  /** {@code <image>-payload}: the ConfigMap and the Secret holding the added files' content. */
  static String payloadName(String imageName) {
    return imageName + "-payload";
  }

  /**
   * The ConfigMap that holds the build's script: its payload ConfigMap when that carries it
   * (written at planning, see {@link Payloads#desired}), else its own script ConfigMap if there is
   * one ({@code <image>-script}: a payload too large to share a ConfigMap, an image planned by an
   * older operator), else null (none yet).
   */
  static String scriptHolder(
      GoldenImage gi, java.util.Optional<ConfigMap> payload, java.util.Optional<ConfigMap> script) {
    if (payload.filter(dev.graft.inject.job.InjectionConfigMap::holdsScript).isPresent()) {
      return payloadName(gi.getMetadata().getName());
    }
    return script.isPresent() ? scriptName(gi) : null;
  }

  /** The build's own script ConfigMap, {@link #scriptName}. */
  ConfigMap script(GoldenImage gi, Diff diff);

  /** The Job of an attempt, reading its script from {@link #scriptName}. */
  default Job job(GoldenImage gi, Diff diff, int attempt) {
    return job(gi, diff, attempt, scriptName(gi));
  }

  /** The Job of an attempt, reading its script from the ConfigMap {@code scriptConfigMap}. */
  Job job(GoldenImage gi, Diff diff, int attempt, String scriptConfigMap);

  /** One build of a shared injection Job: the image, what it adds and removes, its attempt. */
  record Disk(GoldenImage image, Diff diff, int attempt) {
    public String key() {
      return diskKey(image.getMetadata().getName(), attempt);
    }
  }

  /** How a Job names one of its disks, {@code image:attempt} (see {@link #DISKS}). */
  static String diskKey(String image, int attempt) {
    return image + ":" + attempt;
  }

  /** The image of a {@link #diskKey}. */
  static String imageOf(String diskKey) {
    return diskKey.substring(0, diskKey.lastIndexOf(':'));
  }

  /**
   * The annotation of a shared injection Job (and its ConfigMap) naming its disks in order, {@code
   * image:attempt,...}: the i-th is the i-th result of its termination message.
   */
  String DISKS = "graft.dev/disks";

  /**
   * {@code inject-group-<hash>} of the disks' {@link Disk#key}s: the same disks (images and
   * attempts) give the same name, so a repeated create finds the Job already there; any other set
   * of disks gives another name.
   */
  static String groupJobName(java.util.Collection<String> diskKeys) {
    String keys = String.join(",", diskKeys.stream().sorted().toList());
    return "inject-group-"
        + Manifest.sha256(keys.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 20);
  }

  /**
   * The disks a Job builds, as {@code image:attempt} in its order: those its {@link #DISKS}
   * annotation names, or for a one-build Job its image label and attempt annotation; empty for
   * anything else.
   */
  static List<String> disks(io.fabric8.kubernetes.api.model.HasMetadata job) {
    var a = job.getMetadata().getAnnotations();
    if (a != null && a.get(DISKS) != null && !a.get(DISKS).isBlank()) {
      return List.of(a.get(DISKS).split(","));
    }
    var labels = job.getMetadata().getLabels();
    String image = labels == null ? null : labels.get(dev.graft.k8s.Labels.GOLDEN_IMAGE);
    if (image == null) {
      return List.of();
    }
    String attempt = a == null ? null : a.get(dev.graft.k8s.Annotations.ATTEMPT);
    // The annotation as written (a malformed one must not throw in the informer's mapper).
    return List.of(image + ":" + (attempt == null ? "1" : attempt));
  }

  /** The script ConfigMap of a Job shared by {@code disks} (at least two), named as the Job. */
  ConfigMap groupScript(String jobName, List<Disk> disks);

  /** The Job that builds {@code disks} (at least two) in one appliance launch. */
  Job groupJob(String jobName, List<Disk> disks);
}
