package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.build.InjectionJobs;
import dev.graft.build.Payloads;
import dev.graft.catalog.BaseGenerations;
import dev.graft.catalog.UsageLedger;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.StorageDefaults;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything a build step looks at, read from the informer caches before deciding: the image, its
 * parent, the build objects of the current attempt, and the settings. Build phases read only this.
 *
 * @param parent the parent image (null for a base image, or when it is not found)
 * @param dataVolume the image's DataVolume (its clone or import), or null
 * @param job the injection Job of the current attempt, or null
 * @param scriptConfigMap the ConfigMap holding the build's script ({@link
 *     InjectionJobs#scriptHolder}), or null when it has none yet
 * @param stale a build object of this name left by an earlier image of the same name, or null
 * @param clock the cache clock of the image's os, for its priority once Ready
 * @param uses uses of the Ready image that VMs made since its last status write, or null
 * @param clockRaise for a base image, a raise of its os's clock to store, or null
 * @param injectorMessage why a failed injection Job failed, in the injector's words (its pod's
 *     termination message: the file, name and image), or null
 * @param claimAnnotations the annotations CDI wrote on the image's PVC, read once a clone finished
 *     and until the clone method is recorded; null otherwise
 * @param catalog the image among the others of its catalog: base generation, build queue
 * @param injectorResult the termination message of a succeeded injection Job's pod (its {@code
 *     GRAFT-RESULT} line), read once when the build registers and only while the planner learns its
 *     costs; null otherwise
 * @param grouping where the image's injection goes when its attempt has no Job yet ({@link
 *     InjectionGroups}), and its disk's result when its Job is shared with other builds
 */
public record BuildView(
    GoldenImage image,
    GoldenImage parent,
    DataVolume dataVolume,
    Job job,
    String scriptConfigMap,
    boolean configMapPayloadPresent,
    boolean secretPayloadPresent,
    String stale,
    Instant now,
    Settings settings,
    double clock,
    UsageLedger.Uses uses,
    Double clockRaise,
    String injectorMessage,
    java.util.Map<String, String> claimAnnotations,
    Catalog catalog,
    String injectorResult,
    Grouping grouping) {

  /**
   * The image's injection among other builds'.
   *
   * @param place where an attempt without a Job goes now (called only then: it may grant the image
   *     to a group), with the group's disks when it creates one
   * @param shared the view's Job builds several disks, this image's being the {@code index}-th
   * @param result this disk's result from the shared Job's pod once it finished (null: not read,
   *     not shared, or the pod gave none for it)
   */
  public record Grouping(
      java.util.function.Supplier<Placed> place,
      boolean shared,
      int index,
      dev.graft.inject.DiskResult result) {
    public static final Grouping NONE =
        new Grouping(() -> new Placed(InjectionGroups.ALONE, List.of()), false, 0, null);
  }

  /** A placement, and for a group to create, its disks. */
  public record Placed(InjectionGroups.Placement placement, List<InjectionJobs.Disk> disks) {}

  /** The same view, placed in its catalog. */
  public BuildView withCatalog(Catalog placed) {
    return new BuildView(
        image,
        parent,
        dataVolume,
        job,
        scriptConfigMap,
        configMapPayloadPresent,
        secretPayloadPresent,
        stale,
        now,
        settings,
        clock,
        uses,
        clockRaise,
        injectorMessage,
        claimAnnotations,
        placed,
        injectorResult,
        grouping);
  }

  /**
   * Where the image stands in its catalog.
   *
   * @param currentGeneration the newest usable base generation of its os (0: unknown)
   * @param buildsAhead builds of the namespace running or queued before this one
   * @param maxConcurrentBuilds at most this many builds run at once (0: no limit)
   */
  public record Catalog(int currentGeneration, int buildsAhead, int maxConcurrentBuilds) {
    public static final Catalog NONE = new Catalog(0, 0, 0);

    /** {@code gi} among {@code images}, the GoldenImages of its namespace. */
    public static Catalog of(GoldenImage gi, List<GoldenImage> images, int maxConcurrentBuilds) {
      int current = BaseGenerations.currentGeneration(images, gi.getSpec().os);
      boolean queued =
          maxConcurrentBuilds > 0
              && gi.getSpec().parent != null
              && (gi.getStatus() == null || gi.getStatus().buildStartedAt == null);
      return new Catalog(current, queued ? Queue.ahead(gi, images) : 0, maxConcurrentBuilds);
    }
  }

  /**
   * How builds are retried, who builds the injection step, who learns the measured duration of a
   * finished build (the planner's calibration), and the operator's storage settings
   * (graft.storage.*) for the builds' DataVolumes.
   */
  public record Settings(
      int maxAttempts,
      Duration retryBackoff,
      InjectionJobs jobs,
      Measurements measurements,
      StorageDefaults storage) {}

  /** Receives finished builds. */
  public interface Measurements {
    /** One build's measurements (null when nothing was measured) and clone method, by image uid. */
    void measured(String image, dev.graft.api.BuildTimings timings, String cloneMethod);
  }

  public String name() {
    return image.getMetadata().getName();
  }

  public String namespace() {
    return image.getMetadata().getNamespace();
  }

  public String os() {
    return image.getSpec().os;
  }

  public boolean isBase() {
    return image.getSpec().parent == null;
  }

  /** What the build adds and removes against the parent. */
  public InjectionJobs.Diff diff() {
    return Payloads.diff(image, parent);
  }
}
