package dev.graft.controller;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.api.StorageSpec;
import dev.graft.config.GraftConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal injection Job: downloads URL files (checking sha256), then one {@code guestfish --rw
 * -i} run of a generated script ({@code rm-f}, {@code mkdir-p}, {@code upload}, {@code chmod},
 * {@code chown}) on the cloned disk. Pod security {@code restricted}.
 */
@ApplicationScoped
@DefaultBean
public class GuestfishInjectionJobs implements InjectionJobs {
  private static final String DISK_FILE = "/disk/disk.img";
  private static final String DISK_DEVICE = "/dev/graft-disk";

  private final GraftConfig.Injector injector;

  public GuestfishInjectionJobs(GraftConfig config) {
    this.injector = config.injector();
  }

  @Override
  public ConfigMap script(GoldenImage gi, Diff diff) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("script.gf", guestfishScript(diff));
    data.put("download.sh", downloadScript(diff));
    return new ConfigMapBuilder()
        .withMetadata(meta(gi, InjectionJobs.scriptName(gi), 0))
        .withData(data)
        .build();
  }

  /** The guestfish commands: removals first, then each added file with its mode and owner. */
  static String guestfishScript(Diff diff) {
    StringBuilder sb = new StringBuilder();
    for (ManifestEntry e : diff.remove()) {
      sb.append("rm-f ").append(quote(e.path)).append('\n');
    }
    Set<String> dirs = new LinkedHashSet<>();
    for (ManifestEntry e : diff.add()) {
      String dir = e.path.substring(0, e.path.lastIndexOf('/'));
      if (!dir.isEmpty() && dirs.add(dir)) {
        sb.append("mkdir-p ").append(quote(dir)).append('\n');
      }
    }
    for (ManifestEntry e : diff.add()) {
      sb.append("upload ").append(quote(localPath(e))).append(' ').append(quote(e.path));
      sb.append('\n');
      sb.append("chmod ").append(e.mode).append(' ').append(quote(e.path)).append('\n');
      String[] owner = e.owner.split(":");
      sb.append("chown ").append(owner[0]).append(' ').append(owner[1]).append(' ');
      sb.append(quote(e.path)).append('\n');
    }
    return sb.toString();
  }

  static String downloadScript(Diff diff) {
    StringBuilder sb = new StringBuilder("set -eu\n");
    for (ManifestEntry e : diff.add()) {
      if (e.payload == ManifestEntry.Payload.Url) {
        String out = localPath(e);
        sb.append("curl -fsSL --retry 3 -o '").append(out).append("' '");
        sb.append(e.url.replace("'", "'\\''")).append("'\n");
        sb.append("echo '").append(e.sha256).append("  ").append(out);
        sb.append("' | sha256sum -c -\n");
      }
    }
    return sb.toString();
  }

  private static String localPath(ManifestEntry e) {
    return switch (e.payload) {
      case Secret -> "/payload-secret/" + e.digest;
      case Url -> "/downloads/" + e.digest;
      default -> "/payload/" + e.digest;
    };
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public Job job(GoldenImage gi, Diff diff, int attempt) {
    boolean block =
        gi.getSpec().storage != null
            && gi.getSpec().storage.volumeMode == StorageSpec.VolumeMode.Block;
    String disk = block ? DISK_DEVICE : DISK_FILE;
    String payload = InjectionJobs.payloadName(gi.getMetadata().getName());
    List<io.fabric8.kubernetes.api.model.EnvVar> env = new ArrayList<>();
    env.add(new io.fabric8.kubernetes.api.model.EnvVar("LIBGUESTFS_BACKEND", "direct", null));
    if (!"always".equals(injector.kvm())) {
      // Without /dev/kvm the appliance still runs, slower, in software emulation.
      env.add(
          new io.fabric8.kubernetes.api.model.EnvVar(
              "LIBGUESTFS_BACKEND_SETTINGS", "force_tcg", null));
    }
    env.add(new io.fabric8.kubernetes.api.model.EnvVar("HOME", "/tmp", null));
    var container =
        new io.fabric8.kubernetes.api.model.ContainerBuilder()
            .withName("inject")
            .withImage(injector.image())
            .withCommand("/bin/sh", "-c")
            .withArgs(
                "sh /script/download.sh && guestfish --rw -a " + disk + " -i -f /script/script.gf")
            .withEnv(env)
            .withNewResources()
            .addToRequests("cpu", new Quantity(injector.cpuRequest()))
            .addToRequests("memory", new Quantity(injector.memoryRequest()))
            .addToLimits("cpu", new Quantity(injector.cpuLimit()))
            .addToLimits("memory", new Quantity(injector.memoryLimit()))
            .endResources()
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withRunAsNonRoot(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .addNewVolumeMount()
            .withName("script")
            .withMountPath("/script")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("payload")
            .withMountPath("/payload")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("payload-secret")
            .withMountPath("/payload-secret")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("downloads")
            .withMountPath("/downloads")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount();
    if (block) {
      container.addNewVolumeDevice().withName("disk").withDevicePath(DISK_DEVICE).endVolumeDevice();
    } else {
      container.addNewVolumeMount().withName("disk").withMountPath("/disk").endVolumeMount();
    }
    return new JobBuilder()
        .withMetadata(meta(gi, InjectionJobs.jobName(gi, attempt), attempt))
        .withNewSpec()
        .withBackoffLimit(injector.backoffLimit())
        .withActiveDeadlineSeconds(injector.activeDeadlineSeconds())
        .withTtlSecondsAfterFinished(injector.ttlSecondsAfterFinished())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of(Labels.GOLDEN_IMAGE, gi.getMetadata().getName()))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(107L)
        .withFsGroup(107L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container.build())
        .withVolumes(
            new VolumeBuilder()
                .withName("disk")
                .withNewPersistentVolumeClaim()
                .withClaimName(gi.getMetadata().getName())
                .endPersistentVolumeClaim()
                .build(),
            new VolumeBuilder()
                .withName("script")
                .withNewConfigMap()
                .withName(InjectionJobs.scriptName(gi))
                .endConfigMap()
                .build(),
            new VolumeBuilder()
                .withName("payload")
                .withNewConfigMap()
                .withName(payload)
                .withOptional(true)
                .endConfigMap()
                .build(),
            new VolumeBuilder()
                .withName("payload-secret")
                .withNewSecret()
                .withSecretName(payload)
                .withOptional(true)
                .endSecret()
                .build(),
            new VolumeBuilder().withName("downloads").withNewEmptyDir().endEmptyDir().build(),
            new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static ObjectMeta meta(GoldenImage gi, String name, int attempt) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.MANIFEST_DIGEST, gi.getSpec().manifestDigest);
    if (attempt > 0) {
      annotations.put(Labels.ATTEMPT, Integer.toString(attempt));
    }
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(gi.getMetadata().getNamespace())
        .withLabels(
            Map.of(
                Labels.GOLDEN_IMAGE, gi.getMetadata().getName(), Labels.MANAGED_BY, Labels.MANAGER))
        .withAnnotations(annotations)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(gi.getApiVersion())
                .withKind(gi.getKind())
                .withName(gi.getMetadata().getName())
                .withUid(gi.getMetadata().getUid())
                .withController(true)
                .build())
        .build();
  }
}
