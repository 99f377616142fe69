package dev.graft.controller.gvm;

import dev.graft.api.Phase;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumeReport;
import dev.graft.kubevirt.VirtualMachine;
import java.util.Set;

/**
 * Whether a VirtualMachine is in the state its run strategy asks for, from what KubeVirt reports
 * (printableStatus, ready, conditions): Running and ready for Always and RerunOnFailure, Stopped
 * for Halted (KubeVirt's default without a strategy), Running or Stopped for Manual and Once.
 * Anything else is Progressing (Provisioning, Starting, Migrating...) or, for KubeVirt's error
 * states, Degraded with that state as the reason and KubeVirt's message. Pure.
 */
final class VirtualMachineHealth {
  /**
   * KubeVirt's printable statuses that are errors, not steps (pkg/virtctl, VirtualMachine types).
   */
  static final Set<String> ERRORS =
      Set.of(
          "CrashLoopBackOff",
          "ErrorUnschedulable",
          "ErrImagePull",
          "ImagePullBackOff",
          "ErrorPvcNotFound",
          "ErrorDataVolumeNotFound",
          "DataVolumeError",
          "Unknown");

  /** Printable statuses of a VM that waits for (or failed on) its DataVolumes. */
  static final Set<String> VOLUME_STATES =
      Set.of("Provisioning", "WaitingForVolumeBinding", "DataVolumeError");

  private VirtualMachineHealth() {}

  /** The run strategy a VM spec asks for, as KubeVirt reads it. */
  static String runStrategy(VirtualMachine.Spec spec) {
    if (spec.runStrategy != null) {
      return spec.runStrategy;
    }
    if (spec.running != null) {
      return spec.running ? "Always" : "Halted";
    }
    return "Halted";
  }

  static State of(VirtualMachine vm, String runStrategy, String imageName) {
    return of(vm, runStrategy, imageName, null);
  }

  /**
   * As {@link #of(VirtualMachine, String, String)}; while the VM waits for its volumes (or one of
   * them failed), what CDI reports of its root disk ({@code rootDisk}, null when not known) says
   * why: the DataVolume's phase, progress, and its Bound or Running condition.
   */
  static State of(
      VirtualMachine vm, String runStrategy, String imageName, DataVolumeReport rootDisk) {
    String name = vm.getMetadata().getName();
    VirtualMachine.Status s = vm.getStatus();
    String printable = s == null ? null : s.printableStatus;
    if (rootDisk != null
        && printable != null
        && VOLUME_STATES.contains(printable)
        && !DataVolume.SUCCEEDED.equals(rootDisk.phase())) {
      String disk = rootDisk.failing() ? rootDisk.failure() : rootDisk.describe();
      State state = of(vm, runStrategy, imageName, null);
      return new State(
          state.phase(),
          state.ready(),
          state.progressing(),
          state.degraded(),
          state.reason(),
          state.message() + "; " + disk);
    }
    if (printable == null) {
      // The message of the reconcile that created it: no second status patch until KubeVirt
      // reports.
      return State.progressing(
          Phase.Pending,
          "Provisioning",
          "VirtualMachine " + name + " created, cloning image " + imageName);
    }
    if (ERRORS.contains(printable)) {
      return State.degraded(
          Phase.Pending, printable, "VirtualMachine " + name + " is " + printable + why(s));
    }
    boolean running = "Running".equals(printable);
    boolean ready = Boolean.TRUE.equals(s.ready);
    boolean stopped = "Stopped".equals(printable);
    String message = "VirtualMachine " + name + " is " + printable + ", clones image " + imageName;
    switch (runStrategy) {
      case "Always", "RerunOnFailure" -> {
        if (running && ready) {
          return State.ready(Phase.Ready, "Running", message);
        }
        if (running) {
          return State.progressing(Phase.Pending, "GuestNotReady", message + "; not ready yet");
        }
      }
      case "Halted" -> {
        if (stopped) {
          return State.ready(Phase.Ready, "Stopped", message);
        }
      }
      default -> {
        if (running || stopped) {
          return State.ready(Phase.Ready, printable, message);
        }
      }
    }
    return State.progressing(
        Phase.Pending, printable, message + "; runStrategy " + runStrategy + why(s));
  }

  /** KubeVirt's own explanation: a false Ready condition's or a Failure condition's message. */
  private static String why(VirtualMachine.Status s) {
    if (s.conditions == null) {
      return "";
    }
    for (VirtualMachine.Condition c : s.conditions) {
      boolean explains =
          ("Failure".equals(c.type) && "True".equals(c.status))
              || ("PodScheduled".equals(c.type) && "False".equals(c.status));
      if (explains && c.message != null && !c.message.isBlank()) {
        return ": " + (c.reason == null ? "" : c.reason + ": ") + c.message;
      }
    }
    return "";
  }
}
