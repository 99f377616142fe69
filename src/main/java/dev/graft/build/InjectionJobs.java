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

  ConfigMap script(GoldenImage gi, Diff diff);

  Job job(GoldenImage gi, Diff diff, int attempt);
}
