package dev.graft.controller.gvm;

import dev.graft.controller.flow.Action;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.kubevirt.VirtualMachines;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A VM's old root disks: the DataVolumes of earlier images (labelled {@link Labels#ROOT_DISK_OF},
 * owned by the VM) that its spec names no more. One goes only when nothing can use it any more: the
 * VM is Stopped, or it runs and KubeVirt reports it runs its current spec (it restarted onto the
 * new root disk), and no other VM names it. A disk the user declared never carries the label and is
 * never touched. Pure: decided from the caches, so a repeated or interrupted cleanup does the same.
 *
 * @param dataVolumes the root disk DataVolumes labelled with the VM's name, from the cache
 * @param namedElsewhere names of DataVolumes that other VMs of the namespace name
 */
public record RootDisks(List<DataVolume> dataVolumes, Set<String> namedElsewhere) {
  public static final RootDisks NONE = new RootDisks(List.of(), Set.of());

  /** The old root disks to delete now, with an event each; none while the VM may still use one. */
  List<Action> cleanup(
      VirtualMachine existing, VirtualMachine desired, String printableStatus, HasMetadata about) {
    if (!settled(existing, printableStatus)) {
      return List.of();
    }
    Set<String> named = VirtualMachines.dataVolumeNames(existing.getSpec());
    named.addAll(VirtualMachines.dataVolumeNames(desired.getSpec()));
    String vm = existing.getMetadata().getName();
    String uid = existing.getMetadata().getUid();
    List<Action> actions = new ArrayList<>();
    for (DataVolume dv : dataVolumes) {
      String name = dv.getMetadata().getName();
      var labels = dv.getMetadata().getLabels();
      boolean ours =
          labels != null
              && vm.equals(labels.get(Labels.ROOT_DISK_OF))
              && dv.getMetadata().getOwnerReferences() != null
              && dv.getMetadata().getOwnerReferences().stream()
                  .anyMatch(o -> uid != null && uid.equals(o.getUid()));
      if (!ours
          || dv.getMetadata().getDeletionTimestamp() != null
          || named.contains(name)
          || namedElsewhere.contains(name)) {
        continue;
      }
      var a = dv.getMetadata().getAnnotations();
      String image = a == null ? null : a.get(Annotations.IMAGE_REF);
      actions.add(new Action.Delete(DataVolume.class, dv.getMetadata().getNamespace(), name));
      actions.add(
          Action.normal(
              about,
              "RootDiskDeleted",
              "DataVolume "
                  + name
                  + (image == null ? "" : " (image " + image + ")")
                  + " deleted: VirtualMachine "
                  + vm
                  + " no longer uses it"));
    }
    return actions;
  }

  /** Whether the VM runs from what its spec names, or does not run. */
  private static boolean settled(VirtualMachine vm, String printableStatus) {
    if (printableStatus == null) {
      return false; // KubeVirt has not reported the VM yet
    }
    if ("Stopped".equals(printableStatus)) {
      return true;
    }
    return VirtualMachineStep.RUNNING.contains(printableStatus)
        && VirtualMachineStep.runsItsSpec(vm);
  }
}
