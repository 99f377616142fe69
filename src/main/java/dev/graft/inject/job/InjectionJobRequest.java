package dev.graft.inject.job;

import dev.graft.inject.FileToInject;
import dev.graft.inject.GuestAccounts;
import dev.graft.inject.script.InjectionScript;
import java.util.List;
import java.util.Map;

/**
 * One build for the injection Job: where the cloned disk is, what to write and remove, and the
 * deterministic names, labels and annotations the caller chose.
 *
 * @param namespace namespace of the Job, its ConfigMap, the PVC and the payload ConfigMaps/Secrets
 * @param jobName name of the Job
 * @param configMapName name of the ConfigMap holding the scripts and inline payloads
 * @param pvcName the cloned PVC to modify (never a catalog image or a VM's disk)
 * @param blockVolume whether the PVC has {@code volumeMode: Block} (else it holds {@code disk.img})
 * @param labels set on the Job, its pod and the ConfigMap
 * @param annotations set on the Job and the ConfigMap
 * @param files files to write
 * @param removes paths to remove
 * @param kvmNodesAvailable whether a node offers KVM ({@link KvmNodes#offered}), for {@code auto}
 */
public record InjectionJobRequest(
    String namespace,
    String jobName,
    String configMapName,
    String pvcName,
    boolean blockVolume,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<FileToInject> files,
    List<String> removes,
    boolean kvmNodesAvailable) {

  /** Path of the image file inside a filesystem-mode PVC (CDI's convention). */
  public static final String DISK_IMG = "disk.img";

  static final String DISK_MOUNT = "/graft/disk";

  static final String DISK_DEVICE = "/dev/graft-disk";

  /** Where guestfish finds the disk inside the pod. */
  String diskPath() {
    return blockVolume ? DISK_DEVICE : DISK_MOUNT + "/" + DISK_IMG;
  }

  /**
   * The build, validated as the engine will see it (owner names are checked for form here, and
   * resolved from the guest by the engine in the pod: the operator never guesses ids).
   */
  InjectionScript script() {
    return InjectionScript.generate(
        GuestAccounts.withNamesAsRoot(files), removes, JobLayout.POD.locator(), "/archive");
  }

  /** How the engine's messages name the image: the GoldenImage ({@code namespace/name}). */
  String imageName() {
    return namespace + "/" + pvcName;
  }
}
