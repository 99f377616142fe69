package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.controller.flow.Action;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which old root disks of a VM go, from what the caches show: only when the VM is Stopped, or runs
 * its current spec (it restarted onto the new root disk); never the current one, a user's disk, a
 * disk another VM names, or a disk of another VM. Plain JUnit.
 */
class RootDisksTest {
  static final String NS = "team";
  static final String UID = "vm-uid";

  static DataVolume dv(String name, String rootOf, String ownerUid) {
    DataVolume dv = new DataVolume();
    dv.getMetadata().setName(name);
    dv.getMetadata().setNamespace(NS);
    if (rootOf != null) {
      dv.getMetadata().setLabels(Map.of(Labels.ROOT_DISK_OF, rootOf));
    }
    dv.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withKind("VirtualMachine")
                    .withName("web")
                    .withUid(ownerUid)
                    .build()));
    return dv;
  }

  /** A VM named web whose spec names the root disk web-root-new and the data disk web-data. */
  static VirtualMachine vm(String printable, long generation, long observed, boolean restart) {
    VirtualMachine vm = new VirtualMachine();
    vm.getMetadata().setName("web");
    vm.getMetadata().setNamespace(NS);
    vm.getMetadata().setUid(UID);
    vm.getMetadata().setGeneration(generation);
    VirtualMachine.Spec spec = new VirtualMachine.Spec();
    spec.dataVolumeTemplates = new ArrayList<>();
    for (String name : List.of("web-data", "web-root-new")) {
      VirtualMachine.DataVolumeTemplate t = new VirtualMachine.DataVolumeTemplate();
      t.metadata = new VirtualMachine.ObjectMeta();
      t.metadata.name = name;
      spec.dataVolumeTemplates.add(t);
    }
    spec.template = new VirtualMachine.Template();
    spec.template.spec = new VirtualMachine.VmiSpec();
    spec.template.spec.volumes = new ArrayList<>();
    VirtualMachine.Volume v = new VirtualMachine.Volume();
    v.name = "rootdisk";
    v.dataVolume = new VirtualMachine.DataVolumeRef();
    v.dataVolume.name = "web-root-new";
    spec.template.spec.volumes.add(v);
    vm.setSpec(spec);
    VirtualMachine.Status s = new VirtualMachine.Status();
    s.printableStatus = printable;
    s.observedGeneration = observed;
    s.conditions = new ArrayList<>();
    if (restart) {
      VirtualMachine.Condition c = new VirtualMachine.Condition();
      c.type = "RestartRequired";
      c.status = "True";
      s.conditions.add(c);
    }
    vm.setStatus(s);
    return vm;
  }

  static final List<DataVolume> DISKS =
      List.of(
          dv("web-root-old", "web", UID),
          dv("web-root-new", "web", UID),
          dv("web-data", null, UID),
          dv("web-root-foreign", "web", "another-uid"));

  static List<String> deleted(RootDisks disks, VirtualMachine vm) {
    return disks.cleanup(vm, vm, vm.getStatus().printableStatus, vm).stream()
        .filter(a -> a instanceof Action.Delete)
        .map(Action::describe)
        .toList();
  }

  @Test
  void aRunningVmThatStillBootedTheOldDiskKeepsIt() {
    RootDisks disks = new RootDisks(DISKS, Set.of());
    assertThat(deleted(disks, vm("Running", 3, 3, true))).isEmpty();
    // KubeVirt has not seen the new spec yet.
    assertThat(deleted(disks, vm("Running", 3, 2, false))).isEmpty();
    // Neither starting nor stopping VMs lose a disk: a pod may still hold it.
    assertThat(deleted(disks, vm("Starting", 3, 3, false))).isEmpty();
    assertThat(deleted(disks, vm("Stopping", 3, 3, true))).isEmpty();
    assertThat(deleted(disks, vm("ErrorUnschedulable", 3, 3, false))).isEmpty();
    // KubeVirt has not written a status yet (this threw once: Set.of(...).contains(null)).
    assertThat(deleted(disks, vm(null, 3, 3, false))).isEmpty();
  }

  @Test
  void onlyTheOldRootDiskGoesOnceTheVmRunsItsSpecOrIsStopped() {
    RootDisks disks = new RootDisks(DISKS, Set.of());
    assertThat(deleted(disks, vm("Running", 3, 3, false)))
        .containsExactly("delete DataVolume web-root-old");
    assertThat(deleted(disks, vm("Stopped", 3, 2, false)))
        .containsExactly("delete DataVolume web-root-old");
    var actions =
        disks.cleanup(
            vm("Stopped", 3, 3, false),
            vm("Stopped", 3, 3, false),
            "Stopped",
            vm("Stopped", 3, 3, false));
    assertThat(actions)
        .anySatisfy(a -> assertThat(a.describe()).startsWith("event RootDiskDeleted"));
  }

  @Test
  void aDiskAnotherVmNamesOrOneBeingDeletedIsLeftAlone() {
    assertThat(deleted(new RootDisks(DISKS, Set.of("web-root-old")), vm("Stopped", 1, 1, false)))
        .isEmpty();
    DataVolume going = dv("web-root-old", "web", UID);
    going.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    assertThat(deleted(new RootDisks(List.of(going), Set.of()), vm("Stopped", 1, 1, false)))
        .isEmpty();
  }

  @Test
  void theDesiredSpecProtectsTheDiskItNamesBeforeThePatchLands() {
    VirtualMachine live = vm("Stopped", 1, 1, false);
    VirtualMachine desired = vm("Stopped", 1, 1, false);
    desired.getSpec().template.spec.volumes.get(0).dataVolume.name = "web-root-old";
    assertThat(
            new RootDisks(DISKS, Set.of())
                .cleanup(live, desired, "Stopped", live).stream()
                    .filter(a -> a instanceof Action.Delete)
                    .toList())
        .isEmpty();
  }
}
