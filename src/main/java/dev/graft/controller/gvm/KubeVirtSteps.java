package dev.graft.controller.gvm;

import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolumeReport;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * KubeVirt's transient steps while a VirtualMachine comes up (Provisioning, Starting,
 * WaitingForVolumeBinding): nothing a user can act on, and each one mirrored into the request's
 * status cost a status patch per VM per step (2 of the 5 at 500 VMs). Between two such steps the
 * request keeps the status it has (phase Pending, Progressing True, the reason and message of the
 * first step, e.g. the Provisioning of the reconcile that created the VM); anything else is written
 * at once: Ready, KubeVirt's errors (Degraded), a running VM whose guest is not ready, a root disk
 * CDI is failing to fill, a restart onto a new image, a new generation. Pure.
 */
final class KubeVirtSteps {
  /** KubeVirt's printable statuses of a VM on its way up. */
  static final Set<String> TRANSIENT =
      Set.of("Provisioning", "Starting", "WaitingForVolumeBinding");

  private KubeVirtSteps() {}

  /**
   * The state to keep instead of {@code next}, when both it and the request's last status are
   * transient steps of the same VirtualMachine; empty when {@code next} is to be written.
   *
   * @param before the request's status as it is in the API (null: none yet)
   * @param was the VirtualMachine part of that status (null: none)
   * @param now the VirtualMachine part this reconcile computed
   * @param disk what CDI reports of the VM's root disk (null: not known)
   */
  static Optional<State> held(
      GraftedVirtualMachine gvm,
      GraftedVirtualMachine.Status before,
      GraftedVirtualMachine.VirtualMachineStatus was,
      GraftedVirtualMachine.VirtualMachineStatus now,
      State next,
      DataVolumeReport disk) {
    if (!transientStep(next) || (disk != null && disk.failing())) {
      return Optional.empty();
    }
    if (before == null
        || before.phase != Phase.Pending
        || !Objects.equals(before.observedGeneration, gvm.getMetadata().getGeneration())
        || was == null
        || !Objects.equals(was.name, now.name)
        || was.runningImage != null
        || now.runningImage != null) {
      return Optional.empty();
    }
    Condition ready = Conditions.get(before, Conditions.READY);
    if (ready == null
        || !"False".equals(ready.getStatus())
        || !TRANSIENT.contains(ready.getReason())
        || !Conditions.isTrue(before, Conditions.PROGRESSING)
        || Conditions.isTrue(before, Conditions.DEGRADED)) {
      return Optional.empty();
    }
    return Optional.of(State.progressing(Phase.Pending, ready.getReason(), ready.getMessage()));
  }

  private static boolean transientStep(State s) {
    return s.phase() == Phase.Pending
        && s.progressing()
        && !s.degraded()
        && !s.ready()
        && TRANSIENT.contains(s.reason());
  }
}
