package dev.graft.inject.job;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Collection;

/** Whether a cluster offers KVM to pods: KubeVirt's device plugin advertises it per node. */
public final class KvmNodes {

  /** The extended resource of KubeVirt's KVM device plugin. */
  public static final String RESOURCE = "devices.kubevirt.io/kvm";

  private KvmNodes() {}

  /** True when a schedulable node has a non-zero allocatable KVM device count. */
  public static boolean offered(Collection<Node> nodes) {
    return nodes.stream()
        .filter(n -> n.getSpec() == null || !Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
        .map(n -> n.getStatus() == null ? null : n.getStatus().getAllocatable())
        .filter(a -> a != null && a.containsKey(RESOURCE))
        .anyMatch(a -> Quantity.getAmountInBytes(a.get(RESOURCE)).signum() > 0);
  }
}
