package dev.graft.inject.job;

import dev.graft.inject.Payload;
import dev.graft.inject.script.GuestfishCommand;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The injection {@code batch/v1} Job: one pod, restricted pod security, that runs {@code run.sh}
 * and the injection engine on the spec from {@link InjectionConfigMap} against the cloned PVC with
 * one appliance launch. The image needs guestfish (with a kernel the Job's user can read, or a
 * fixed appliance), a Java 17 runtime with the engine's jars in {@code /opt/graft/lib}, sh, curl or
 * wget, sha256sum, wc, cut and tr. The archive the engine packs (Secret bytes included) lives only
 * in the pod's emptyDir, which needs room for the small payloads once more.
 */
public final class InjectionJob {

  /** Name of the only container; its log and termination message carry the result line. */
  public static final String CONTAINER = "inject";

  /** Projected files are readable by the pod's group only (Secret content included). */
  static final int PAYLOAD_MODE = 0440;

  private InjectionJob() {}

  /**
   * Builds the Job named {@link InjectionJobRequest#jobName()}.
   *
   * @throws InjectionInputException for a bad build
   */
  public static Job build(InjectionJobRequest request, InjectorSettings settings) {
    return build(request, settings, JobPlacement.NONE);
  }

  /** The Job, placed on nodes and given pull secrets as {@code placement} says. */
  public static Job build(
      InjectionJobRequest request, InjectorSettings settings, JobPlacement placement) {
    request.script(); // validates before anything is built
    return assemble(
        request.namespace(),
        request.jobName(),
        request.labels(),
        request.annotations(),
        request.configMapName(),
        List.of(
            new KeyToPath(JobLayout.SPEC, null, JobLayout.SPEC),
            new KeyToPath(JobLayout.RUN, null, JobLayout.RUN)),
        projections(request, request.configMapName(), JobLayout::inlineKey, ""),
        List.of(
            new DiskVolume(
                "disk",
                request.pvcName(),
                request.blockVolume(),
                request.blockVolume()
                    ? InjectionJobRequest.DISK_DEVICE
                    : InjectionJobRequest.DISK_MOUNT)),
        settings.useKvm(request.kvmNodesAvailable()),
        settings,
        placement);
  }

  /**
   * The Job that builds every disk of {@code group} in one appliance launch: each clone PVC is a
   * volume of its own (a file system mount or a block device, as its volume mode says), each disk's
   * payloads are projected under a directory of their own.
   */
  public static Job build(
      InjectionJobGroup group, InjectorSettings settings, JobPlacement placement) {
    List<KeyToPath> scripts = new ArrayList<>();
    List<VolumeProjection> projections = new ArrayList<>();
    List<DiskVolume> disks = new ArrayList<>();
    for (int i = 0; i < group.disks().size(); i++) {
      InjectionJobRequest disk = group.disks().get(i);
      disk.script(); // validates before anything is built
      int index = i;
      scripts.add(new KeyToPath(InjectionJobGroup.specKey(i), null, InjectionJobGroup.specKey(i)));
      projections.addAll(
          projections(
              disk,
              group.configMapName(),
              f -> InjectionConfigMap.groupInlineKey(index, f),
              i + "/"));
      disks.add(
          new DiskVolume(
              "disk-" + i,
              disk.pvcName(),
              disk.blockVolume(),
              disk.blockVolume()
                  ? InjectionJobRequest.DISK_DEVICE + "-" + i
                  : InjectionJobRequest.DISK_MOUNT + "-" + i));
    }
    scripts.add(new KeyToPath(JobLayout.RUN, null, JobLayout.RUN));
    return assemble(
        group.namespace(),
        group.jobName(),
        group.labels(),
        group.annotations(),
        group.configMapName(),
        scripts,
        projections,
        disks,
        settings.useKvm(group.kvmNodesAvailable()),
        settings,
        placement);
  }

  /** A clone PVC in the pod: a directory holding disk.img, or a block device. */
  private record DiskVolume(String volume, String pvc, boolean block, String path) {}

  private static Job assemble(
      String namespace,
      String jobName,
      Map<String, String> labels,
      Map<String, String> annotations,
      String configMapName,
      List<KeyToPath> scriptItems,
      List<VolumeProjection> projections,
      List<DiskVolume> disks,
      boolean kvm,
      InjectorSettings settings,
      JobPlacement placement) {
    JobLayout layout = JobLayout.POD;

    List<Volume> volumes = new ArrayList<>();
    for (DiskVolume disk : disks) {
      volumes.add(
          new VolumeBuilder()
              .withName(disk.volume())
              .withNewPersistentVolumeClaim(disk.pvc(), false)
              .build());
    }
    volumes.add(
        new VolumeBuilder()
            .withName("script")
            .withNewConfigMap()
            .withName(configMapName)
            .withItems(scriptItems)
            .withDefaultMode(0444)
            .endConfigMap()
            .build());
    if (!projections.isEmpty()) {
      volumes.add(
          new VolumeBuilder()
              .withName("payloads")
              .withNewProjected()
              .withDefaultMode(PAYLOAD_MODE)
              .withSources(projections)
              .endProjected()
              .build());
    }
    // Appliance cache, TMPDIR, HOME, downloads and the archive: the root filesystem stays
    // read-only.
    volumes.add(new VolumeBuilder().withName("work").withNewEmptyDir().endEmptyDir().build());
    // guestfish --listen binds its socket under /tmp whatever TMPDIR says (fish/rc.c).
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());

    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName(jobName)
            .withNamespace(namespace)
            .withLabels(labels)
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .withBackoffLimit(settings.backoffLimit())
            .withActiveDeadlineSeconds(settings.activeDeadlineSeconds())
            .withTtlSecondsAfterFinished(settings.ttlSecondsAfterFinished())
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withAutomountServiceAccountToken(false)
            .withEnableServiceLinks(false)
            .withSecurityContext(
                new PodSecurityContextBuilder()
                    .withRunAsNonRoot(true)
                    .withRunAsUser(settings.runAsUser())
                    .withRunAsGroup(settings.runAsUser())
                    // fsGroup makes the PVC's disk.img and the projected payloads accessible.
                    .withFsGroup(settings.runAsUser())
                    .withFsGroupChangePolicy("OnRootMismatch")
                    .withNewSeccompProfile()
                    .withType("RuntimeDefault")
                    .endSeccompProfile()
                    .build())
            .withContainers(container(disks, settings, kvm, layout, !projections.isEmpty()))
            .withVolumes(volumes)
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    placement.applyTo(job.getSpec().getTemplate().getSpec());
    return job;
  }

  private static Container container(
      List<DiskVolume> disks,
      InjectorSettings settings,
      boolean kvm,
      JobLayout layout,
      boolean payloads) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", new Quantity(settings.cpuRequest()));
    requests.put("memory", new Quantity(settings.memoryRequest()));
    Map<String, Quantity> limits = new LinkedHashMap<>();
    limits.put("cpu", new Quantity(settings.cpuLimit()));
    limits.put("memory", new Quantity(settings.memoryLimit()));
    if (kvm) {
      requests.put(KvmNodes.RESOURCE, new Quantity("1"));
      limits.put(KvmNodes.RESOURCE, new Quantity("1"));
    }
    List<EnvVar> env = new ArrayList<>();
    for (Map.Entry<String, String> e : GuestfishCommand.environment(kvm).entrySet()) {
      env.add(new EnvVar(e.getKey(), e.getValue(), null));
    }
    env.sort((a, b) -> a.getName().compareTo(b.getName()));
    env.add(new EnvVar("HOME", layout.workDir(), null));
    env.add(new EnvVar("TMPDIR", layout.workDir(), null));
    env.add(new EnvVar("LIBGUESTFS_CACHEDIR", layout.workDir(), null));
    // libguestfs as non-root makes its socket directory under XDG_RUNTIME_DIR, else under /tmp,
    // which the read-only root does not let it write.
    env.add(new EnvVar("XDG_RUNTIME_DIR", layout.workDir(), null));

    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(settings.image())
            .withImagePullPolicy("IfNotPresent")
            .withCommand("/bin/sh", layout.scriptDir() + "/" + JobLayout.RUN)
            .withEnv(env)
            .withResources(
                new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build())
            .withTerminationMessagePath(layout.terminationLog())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(
                new SecurityContextBuilder()
                    .withRunAsNonRoot(true)
                    .withPrivileged(false)
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities()
                    .withDrop("ALL")
                    .endCapabilities()
                    .withNewSeccompProfile()
                    .withType("RuntimeDefault")
                    .endSeccompProfile()
                    .build())
            .addNewVolumeMount()
            .withName("script")
            .withMountPath(layout.scriptDir())
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("work")
            .withMountPath(layout.workDir())
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount();
    if (payloads) {
      container
          .addNewVolumeMount()
          .withName("payloads")
          .withMountPath(layout.payloadDir())
          .withReadOnly(true)
          .endVolumeMount();
    }
    for (DiskVolume disk : disks) {
      if (disk.block()) {
        container
            .addNewVolumeDevice()
            .withName(disk.volume())
            .withDevicePath(disk.path())
            .endVolumeDevice();
      } else {
        container
            .addNewVolumeMount()
            .withName(disk.volume())
            .withMountPath(disk.path())
            .endVolumeMount();
      }
    }
    return container.build();
  }

  /**
   * One projection per non-URL file, each mapping its key to the file's index name under {@code
   * dir}; inline bytes come from {@code configMapName} under the keys {@code inlineKey} gives.
   */
  private static List<VolumeProjection> projections(
      InjectionJobRequest request,
      String configMapName,
      java.util.function.IntFunction<String> inlineKey,
      String dir) {
    List<VolumeProjection> projections = new ArrayList<>();
    List<KeyToPath> inline = new ArrayList<>();
    for (int i = 0; i < request.files().size(); i++) {
      String name = dir + JobLayout.payloadName(i);
      Payload payload = request.files().get(i).payload();
      if (payload instanceof Payload.Inline) {
        inline.add(new KeyToPath(inlineKey.apply(i), null, name));
      } else if (payload instanceof Payload.ConfigMapKey ref) {
        projections.add(
            new VolumeProjectionBuilder()
                .withNewConfigMap()
                .withName(ref.name())
                .withItems(new KeyToPath(ref.key(), null, name))
                .endConfigMap()
                .build());
      } else if (payload instanceof Payload.SecretKey ref) {
        projections.add(
            new VolumeProjectionBuilder()
                .withNewSecret()
                .withName(ref.name())
                .withItems(new KeyToPath(ref.key(), null, name))
                .endSecret()
                .build());
      }
      // Url payloads are downloaded by run.sh into the work volume.
    }
    if (!inline.isEmpty()) {
      projections.add(
          new VolumeProjectionBuilder()
              .withNewConfigMap()
              .withName(configMapName)
              .withItems(inline)
              .endConfigMap()
              .build());
    }
    return projections;
  }
}
