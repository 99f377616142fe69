package dev.graft.inject.job;

import dev.graft.inject.InjectionInputException;
import java.util.List;
import java.util.Map;

/**
 * Several builds for ONE injection Job: their clone PVCs share one appliance launch. Each disk is
 * an {@link InjectionJobRequest} (its PVC, volume mode, files, removals; its own Job and ConfigMap
 * names are not used); the group has the Job's and the ConfigMap's names, labels and annotations.
 * The Job reports a result per disk, in this order ({@link dev.graft.inject.InjectionResults}).
 *
 * @param namespace namespace of the Job, its ConfigMap and every disk's PVC and payloads
 * @param jobName name of the Job
 * @param configMapName name of the ConfigMap holding every disk's spec and the entry point
 * @param labels set on the Job, its pod and the ConfigMap
 * @param annotations set on the Job and the ConfigMap
 * @param disks the builds, at least two
 * @param kvmNodesAvailable whether a node offers KVM, for {@code auto}
 */
public record InjectionJobGroup(
    String namespace,
    String jobName,
    String configMapName,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<InjectionJobRequest> disks,
    boolean kvmNodesAvailable) {

  public InjectionJobGroup {
    disks = List.copyOf(disks);
    if (disks.size() < 2) {
      throw new InjectionInputException("disks", "a group needs at least two, got " + disks.size());
    }
    for (int i = 0; i < disks.size(); i++) {
      if (!disks.get(i).namespace().equals(namespace)) {
        throw new InjectionInputException(
            "disks[" + i + "].namespace",
            "must be the Job's namespace " + namespace + ", got " + disks.get(i).namespace());
      }
    }
  }

  /** Where the {@code i}-th disk's payloads, downloads and spec are in the pod. */
  static JobLayout layout(int i) {
    return layout(JobLayout.POD, i);
  }

  /** As {@link #layout(int)}, in a pod laid out as {@code pod}. */
  static JobLayout layout(JobLayout pod, int i) {
    return new JobLayout(
        pod.scriptDir(),
        pod.payloadDir() + "/" + i,
        pod.workDir() + "/disk-" + i,
        pod.terminationLog());
  }

  /** The {@code i}-th disk's spec in the ConfigMap (and the script directory). */
  static String specKey(int i) {
    return "spec-" + i + ".json";
  }

  /** Where the {@code i}-th disk's PVC is in the pod. */
  static String diskPath(int i, boolean block) {
    return block
        ? InjectionJobRequest.DISK_DEVICE + "-" + i
        : InjectionJobRequest.DISK_MOUNT + "-" + i + "/" + InjectionJobRequest.DISK_IMG;
  }

  /** Where a failed download of the {@code i}-th disk leaves its message. */
  static String fetchFailure(JobLayout pod, int i) {
    return pod.workDir() + "/fetch-failed-" + i;
  }
}
