package dev.graft.controller.gvm;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.catalog.UsageLedger;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.kubevirt.VirtualMachines;
import java.util.ArrayList;
import java.util.List;

/**
 * The last step of a request: its image is Ready, and the VirtualMachine clones it (created, or
 * moved to the image when the request's files changed). A VirtualMachine of the same name that is
 * not this request's is never taken over.
 */
final class VirtualMachineStep {
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
    VirtualMachine desired = VirtualMachines.desired(gvm, image, v.storage());
    VirtualMachine existing = v.vm();
    boolean hit = Boolean.TRUE.equals(status.cacheHit) && firstUse;
    Action use =
        new Action.Tell(
            "use " + imageName + (hit ? " (hit)" : ""),
            () -> ledger.used(v.catalogNamespace(), imageName, hit));
    List<Action> actions = new ArrayList<>();
    if (existing == null) {
      actions.add(new Action.Create(desired));
      actions.add(
          Action.normal(
              gvm,
              "VirtualMachineCreated",
              "VirtualMachine cloning image " + v.catalogNamespace() + "/" + imageName));
      actions.add(use);
    } else if (!owned(existing, gvm)) {
      return Decision.of(
          State.degraded(
              Phase.Failed,
              "VirtualMachineConflict",
              "VirtualMachine "
                  + existing.getMetadata().getName()
                  + " exists and is not managed by this resource"));
    } else if (!imageName.equals(imageOf(existing))) {
      existing.setSpec(desired.getSpec());
      existing.getMetadata().getAnnotations().putAll(desired.getMetadata().getAnnotations());
      actions.add(new Action.Replace(existing));
      actions.add(
          Action.normal(
              gvm,
              "VirtualMachineUpdated",
              "VirtualMachine now clones image "
                  + imageName
                  + " (the root disk changes on re-creation)"));
      actions.add(use);
    }
    status.virtualMachine = new GraftedVirtualMachine.VirtualMachineStatus();
    status.virtualMachine.name = gvm.getMetadata().getName();
    return Decision.of(
        State.ready(
            Phase.Ready,
            Boolean.TRUE.equals(status.cacheHit) ? "CacheHit" : "Ready",
            "VirtualMachine " + status.virtualMachine.name + " clones image " + imageName),
        actions);
  }

  private static String imageOf(VirtualMachine vm) {
    var a = vm.getMetadata().getAnnotations();
    String ref = a == null ? null : a.get(Annotations.IMAGE_REF);
    return ref == null ? null : ref.substring(ref.indexOf('/') + 1);
  }

  private static boolean owned(VirtualMachine vm, GraftedVirtualMachine gvm) {
    return vm.getMetadata().getOwnerReferences() != null
        && vm.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> o.getUid() != null && o.getUid().equals(gvm.getMetadata().getUid()));
  }
}
