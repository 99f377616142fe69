package dev.graft.controller.gvm;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.catalog.UsageLedger;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumeReport;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.kubevirt.VirtualMachinePatch;
import dev.graft.kubevirt.VirtualMachines;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The last step of a request: its image is Ready, and the VirtualMachine clones it. It is created,
 * or patched where the template or the image changed (a merge patch of Graft's fields only), and
 * its state is read back from KubeVirt's status. A running VM moved to a new image keeps its old
 * disk until it restarts (updatePolicy RestartRequired): the request says so and is not Ready
 * meanwhile. Its old root disks go once nothing uses them ({@link RootDisks}). A VirtualMachine of
 * the same name that is not this request's is never taken over.
 */
final class VirtualMachineStep {
  /** States in which a VM runs from the disk it started with. */
  static final Set<String> RUNNING = Set.of("Running", "Paused", "Migrating", "Stopping");

  private VirtualMachineStep() {}

  /** The image is Ready: the VirtualMachine clones it. */
  static Decision decide(
      RequestView v,
      GraftedVirtualMachine.Status status,
      GoldenImage image,
      boolean firstUse,
      UsageLedger ledger) {
    GraftedVirtualMachine gvm = v.gvm();
    String imageName = image.getMetadata().getName();
    String imageRef = v.catalogNamespace() + "/" + imageName;
    VirtualMachine desired = VirtualMachines.desired(gvm, image, v.storage());
    VirtualMachine existing = v.vm();
    boolean hit = Boolean.TRUE.equals(status.cacheHit) && firstUse;
    Action use =
        new Action.Tell(
            "use " + imageName + (hit ? " (hit)" : ""),
            () -> ledger.used(v.catalogNamespace(), imageName, hit));
    GraftedVirtualMachine.VirtualMachineStatus was = status.virtualMachine;
    GraftedVirtualMachine.VirtualMachineStatus vmStatus =
        new GraftedVirtualMachine.VirtualMachineStatus();
    vmStatus.name = gvm.getMetadata().getName();
    status.virtualMachine = vmStatus;
    List<Action> actions = new ArrayList<>();
    if (existing == null) {
      // No Normal event: the status says it (Provisioning: "VirtualMachine X created, cloning
      // image Y"; status.virtualMachine), and the VirtualMachine has its own events from here.
      actions.add(new Action.Create(desired));
      if (!recordedAtReady(v, image, was, hit)) {
        actions.add(use);
      }
      return Decision.of(
          State.progressing(
              Phase.Pending,
              "Provisioning",
              "VirtualMachine " + vmStatus.name + " created, cloning image " + imageName),
          actions);
    }
    if (!owned(existing, gvm)) {
      status.virtualMachine = null;
      return Decision.of(
          State.degraded(
              Phase.Failed,
              "VirtualMachineConflict",
              "VirtualMachine "
                  + existing.getMetadata().getName()
                  + " exists and is not managed by this resource"));
    }
    if (existing.getStatus() != null) {
      vmStatus.printableStatus = existing.getStatus().printableStatus;
      vmStatus.ready = existing.getStatus().ready;
    }
    boolean running =
        vmStatus.printableStatus != null && RUNNING.contains(vmStatus.printableStatus);
    // The image the running VM booted from, while it is not the VM's disk any more: until it
    // stops, or KubeVirt has seen the spec and asks for no restart (it restarted meanwhile).
    vmStatus.runningImage =
        running && was != null && !runsItsSpec(existing) ? was.runningImage : null;
    actions.addAll(v.rootDisks().cleanup(existing, desired, vmStatus.printableStatus, gvm));
    String previous = VirtualMachines.imageRef(existing);
    Optional<String> patch = VirtualMachinePatch.of(desired, existing);
    if (patch.isPresent()) {
      actions.add(new Action.Patch(existing, patch.get()));
    }
    if (!imageRef.equals(previous)) {
      actions.add(use);
      boolean automatic =
          gvm.getSpec().updatePolicy == GraftedVirtualMachine.UpdatePolicy.Automatic;
      if (running) {
        vmStatus.runningImage =
            previous == null ? "" : previous.substring(previous.indexOf('/') + 1);
      }
      if (running && !automatic) {
        actions.add(
            new Action.Count(
                "restartRequired " + gvm.getSpec().os, m -> m.vmRestartRequired(gvm.getSpec().os)));
        actions.add(
            Action.normal(
                gvm,
                "RestartRequired",
                "VirtualMachine runs image "
                    + vmStatus.runningImage
                    + "; its root disk is image "
                    + imageName
                    + " from its next restart"));
      } else if (!running) {
        actions.add(
            Action.normal(
                gvm, "VirtualMachineUpdated", "VirtualMachine now clones image " + imageName));
      }
    } else if (patch.isPresent()) {
      actions.add(Action.normal(gvm, "VirtualMachineUpdated", "VirtualMachine template applied"));
    }
    // The VM's current root disk as CDI reports it (null when not in the cache).
    String rootDisk = VirtualMachines.rootDataVolume(vmStatus.name, image);
    DataVolumeReport disk =
        v.rootDisks().dataVolumes().stream()
            .filter(dv -> rootDisk.equals(dv.getMetadata().getName()))
            .findFirst()
            .map(DataVolumeReport::of)
            .orElse(null);
    if (vmStatus.runningImage != null
        && gvm.getSpec().updatePolicy == GraftedVirtualMachine.UpdatePolicy.Automatic) {
      boolean diskReady = disk == null || DataVolume.SUCCEEDED.equals(disk.phase());
      return restartOnto(
          gvm, existing, vmStatus, was, imageName, patch.isPresent() || !diskReady, actions);
    }
    if (vmStatus.runningImage != null) {
      return Decision.of(
          State.progressing(
              Phase.Pending,
              "RestartRequired",
              "VirtualMachine "
                  + vmStatus.name
                  + " runs image "
                  + vmStatus.runningImage
                  + " until it restarts; its root disk is then image "
                  + imageName),
          actions);
    }
    String strategy = VirtualMachineHealth.runStrategy(desired.getSpec());
    State health = VirtualMachineHealth.of(existing, strategy, imageName, disk);
    Optional<State> held = KubeVirtSteps.held(gvm, gvm.getStatus(), was, vmStatus, health, disk);
    if (held.isPresent()) {
      // Between two of KubeVirt's steps on the way up: the status written at the first stays.
      vmStatus.printableStatus = was.printableStatus;
      vmStatus.ready = was.ready;
      return Decision.of(held.get(), actions);
    }
    return Decision.of(health, actions);
  }

  /**
   * The first VM of a request the image was built for: the image's Ready status patch already
   * recorded that use ({@code lastUsed}, no hit; see {@code Register}), so the ledger is not asked
   * for a second patch saying the same. A hit, a request that had a VM before (deleted, or on
   * another image) and an image Ready without a last use still tell the ledger.
   */
  static boolean recordedAtReady(
      RequestView v,
      GoldenImage image,
      GraftedVirtualMachine.VirtualMachineStatus was,
      boolean hit) {
    return !hit
        && was == null
        && image.getStatus() != null
        && image.getStatus().lastUsed != null
        && image.getSpec().requestedBy != null
        && image.getSpec().requestedBy.contains(v.key());
  }

  /**
   * updatePolicy Automatic: once the VM's spec names the new root disk, CDI reports that disk
   * Succeeded (when Graft sees it) and KubeVirt reports the VM's DataVolumes ready, one restart
   * (per image) moves the running VM onto it. {@code waiting}: not yet (a patch to land, a disk to
   * fill).
   */
  private static Decision restartOnto(
      GraftedVirtualMachine gvm,
      VirtualMachine vm,
      GraftedVirtualMachine.VirtualMachineStatus vmStatus,
      GraftedVirtualMachine.VirtualMachineStatus was,
      String imageName,
      boolean waiting,
      List<Action> actions) {
    vmStatus.restartRequestedFor = was == null ? null : was.restartRequestedFor;
    String name = vm.getMetadata().getName();
    if (!waiting && dataVolumesReady(vm) && !imageName.equals(vmStatus.restartRequestedFor)) {
      vmStatus.restartRequestedFor = imageName;
      actions.add(new Action.RestartVm(vm.getMetadata().getNamespace(), name));
      actions.add(
          Action.normal(
              gvm,
              "Restarting",
              "restarting VirtualMachine " + name + " onto its root disk of image " + imageName));
    }
    String why =
        imageName.equals(vmStatus.restartRequestedFor)
            ? "restarting onto image " + imageName
            : "restarts onto image " + imageName + " once its DataVolumes are ready";
    return Decision.of(
        State.progressing(
            Phase.Pending,
            "Restarting",
            "VirtualMachine " + name + " runs image " + vmStatus.runningImage + "; " + why),
        actions);
  }

  /**
   * KubeVirt reports the DataVolumes of the VM's current spec ready. A condition from before it
   * observed the spec naming the new root disk speaks of the old one: trusting it restarted the VM
   * before CDI had filled the new disk (seen under load).
   */
  private static boolean dataVolumesReady(VirtualMachine vm) {
    Long generation = vm.getMetadata().getGeneration();
    return vm.getStatus() != null
        && generation != null
        && vm.getStatus().observedGeneration != null
        && vm.getStatus().observedGeneration >= generation
        && vm.getStatus().conditions != null
        && vm.getStatus().conditions.stream()
            .anyMatch(c -> "DataVolumesReady".equals(c.type) && "True".equals(c.status));
  }

  /** Whether KubeVirt reports that the running VM runs its current spec. */
  static boolean runsItsSpec(VirtualMachine vm) {
    VirtualMachine.Status s = vm.getStatus();
    Long generation = vm.getMetadata().getGeneration();
    if (s == null || s.observedGeneration == null || generation == null) {
      return false;
    }
    boolean restartRequired =
        s.conditions != null
            && s.conditions.stream()
                .anyMatch(c -> "RestartRequired".equals(c.type) && "True".equals(c.status));
    return s.observedGeneration >= generation && !restartRequired;
  }

  private static boolean owned(VirtualMachine vm, GraftedVirtualMachine gvm) {
    return vm.getMetadata().getOwnerReferences() != null
        && vm.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> o.getUid() != null && o.getUid().equals(gvm.getMetadata().getUid()));
  }
}
