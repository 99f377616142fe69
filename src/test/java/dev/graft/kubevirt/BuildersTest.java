package dev.graft.kubevirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.ImageSource;
import dev.graft.api.RootDisk;
import dev.graft.api.StorageSpec;
import dev.graft.api.VirtualMachineTemplate;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure desired() builders: deterministic, and valid against the upstream schemas. */
class BuildersTest {

  private static GoldenImage image(String name, String parent) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace("catalog");
    gi.getMetadata().setUid("uid-" + name);
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().manifestDigest = "d".repeat(64);
    gi.getSpec().parent = parent;
    gi.getSpec().storage = new StorageSpec();
    gi.getSpec().storage.size = "8Gi";
    gi.getSpec().storage.volumeMode = StorageSpec.VolumeMode.Block;
    return gi;
  }

  private static GraftedVirtualMachine gvm() {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setName("web-1");
    g.getMetadata().setNamespace("apps");
    g.getMetadata().setUid("uid-gvm");
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    g.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(4, "4Gi");
    g.getSpec().virtualMachineTemplate.spec.put("runStrategy", "Halted");
    return g;
  }

  @Test
  void virtualMachineClonesTheImageAcrossNamespacesAndIsValid() {
    VirtualMachine vm = VirtualMachines.desired(gvm(), image("fedora-40-abc", "base"));
    assertThat(vm.getSpec().dataVolumeTemplates.get(0).spec.source.pvc.namespace)
        .isEqualTo("catalog");
    assertThat(vm.getSpec().dataVolumeTemplates.get(0).spec.source.pvc.name)
        .isEqualTo("fedora-40-abc");
    assertThat(vm.getSpec().runStrategy).isEqualTo("Halted");
    assertThat(vm.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("uid-gvm");
    assertThat(SchemaValidator.virtualMachine(vm)).isEmpty();
    assertThat(Serialization.asJson(VirtualMachines.desired(gvm(), image("fedora-40-abc", "base"))))
        .isEqualTo(Serialization.asJson(vm));
  }

  @Test
  void aTemplateWithoutDomainGetsOnlyTheRootDiskAndIsValid() {
    GraftedVirtualMachine g = gvm();
    g.getSpec().virtualMachineTemplate = new VirtualMachineTemplate();
    g.getSpec().virtualMachineTemplate.spec =
        new java.util.LinkedHashMap<>(
            java.util.Map.of(
                "runStrategy", "Always", "instancetype", java.util.Map.of("name", "u1.medium")));
    VirtualMachine vm = VirtualMachines.desired(g, image("fedora-40-abc", "base"));
    assertThat(vm.getSpec().template.spec.domain.devices.disks).hasSize(1);
    assertThat(vm.getSpec().template.spec.domain.unmodelled()).isEmpty();
    assertThat(SchemaValidator.virtualMachine(vm)).isEmpty();
    g.getSpec().virtualMachineTemplate = null;
    assertThat(SchemaValidator.virtualMachine(VirtualMachines.desired(g, image("x", "base"))))
        .isEmpty();
  }

  @Test
  void aUserDiskOfTheRootDiskNameIsKeptAndRootDiskSettingsApply() {
    GraftedVirtualMachine g = gvm();
    @SuppressWarnings("unchecked")
    var domain =
        (java.util.Map<String, Object>)
            ((java.util.Map<String, Object>)
                    ((java.util.Map<String, Object>)
                            g.getSpec().virtualMachineTemplate.spec.get("template"))
                        .get("spec"))
                .get("domain");
    domain.put(
        "devices",
        java.util.Map.of(
            "disks",
            List.of(java.util.Map.of("name", "boot", "disk", java.util.Map.of("bus", "sata")))));
    g.getSpec().rootDisk = new RootDisk();
    g.getSpec().rootDisk.name = "boot";
    g.getSpec().rootDisk.size = "30Gi";
    g.getSpec().rootDisk.storageClassName = "fast";
    g.getSpec().rootDisk.volumeMode = StorageSpec.VolumeMode.Filesystem;
    VirtualMachine vm = VirtualMachines.desired(g, image("fedora-40-abc", "base"));
    var disks = vm.getSpec().template.spec.domain.devices.disks;
    assertThat(disks).hasSize(1);
    assertThat(disks.get(0).disk.bus).isEqualTo("sata");
    assertThat(disks.get(0).bootOrder).isNull();
    assertThat(vm.getSpec().template.spec.volumes.get(0).name).isEqualTo("boot");
    var storage = vm.getSpec().dataVolumeTemplates.get(0).spec.storage;
    assertThat(storage.resources.requests).containsEntry("storage", "30Gi");
    assertThat(storage.storageClassName).isEqualTo("fast");
    assertThat(storage.volumeMode).isEqualTo("Filesystem");
    assertThat(SchemaValidator.virtualMachine(vm)).isEmpty();
  }

  @Test
  void aRichTemplateReachesTheVmUnchangedPlusTheRootDiskAndIsValid() throws Exception {
    GraftedVirtualMachine g = RichSample.gvm();
    VirtualMachine vm = VirtualMachines.desired(g, image("fedora-40-abc", "base"));
    assertThat(SchemaValidator.virtualMachine(vm)).isEmpty();
    String root = VirtualMachines.rootDataVolume("web-rich", image("fedora-40-abc", "base"));
    assertThat(root).startsWith("web-rich-root-");
    // Graft's additions: the root disk first in disks and volumes, its DataVolume template last.
    var disks = vm.getSpec().template.spec.domain.devices.disks;
    assertThat(disks.get(0).name).isEqualTo("rootdisk");
    assertThat(disks.get(0).bootOrder).isEqualTo(1);
    assertThat(vm.getSpec().template.spec.volumes.get(0).dataVolume.name).isEqualTo(root);
    var templates = vm.getSpec().dataVolumeTemplates;
    assertThat(templates.get(templates.size() - 1).spec.source.pvc.name).isEqualTo("fedora-40-abc");
    assertThat(templates.get(templates.size() - 1).spec.storage.resources.requests)
        .containsEntry("storage", "20Gi");
    // Without them, the VM's spec is exactly what the user wrote.
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> spec =
        Serialization.unmarshal(Serialization.asJson(vm.getSpec()), java.util.Map.class);
    RichSample.withoutRootDisk(spec, "rootdisk", root);
    var mapper = Serialization.jsonMapper();
    com.fasterxml.jackson.databind.JsonNode have = mapper.valueToTree(spec);
    com.fasterxml.jackson.databind.JsonNode wrote =
        mapper.valueToTree(g.getSpec().virtualMachineTemplate.spec);
    assertThat(have).isEqualTo(wrote);
    assertThat(vm.getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(vm.getMetadata().getAnnotations()).containsEntry("example.org/owner", "web-team");
  }

  @Test
  void dataVolumesImportOrCloneAndAreValid() {
    GoldenImage base = image("fedora-40-e3b0c44298", null);
    base.getSpec().source = new ImageSource();
    base.getSpec().source.registry =
        new ImageSource.Url("docker://quay.io/containerdisks/fedora:40");
    DataVolume imported = DataVolumes.importFor(base);
    assertThat(imported.getSpec().source.registry.url).startsWith("docker://");
    assertThat(SchemaValidator.dataVolume(imported)).isEmpty();

    DataVolume clone =
        DataVolumes.cloneFor(
            image("fedora-40-abc", "fedora-40-e3b0c44298"), "fedora-40-e3b0c44298", 2);
    assertThat(clone.getSpec().source.pvc.name).isEqualTo("fedora-40-e3b0c44298");
    assertThat(clone.getMetadata().getAnnotations()).containsEntry("graft.dev/attempt", "2");
    assertThat(clone.getSpec().storage.volumeMode).isEqualTo("Block");
    assertThat(SchemaValidator.dataVolume(clone)).isEmpty();
  }

  private static final StorageDefaults LOCAL_PATH =
      new StorageDefaults(
          Optional.of("local-path"), Optional.of("Filesystem"), List.of("ReadWriteOnce"));

  private static GoldenImage unsetStorage(GoldenImage gi) {
    gi.getSpec().storage = new StorageSpec();
    gi.getSpec().storage.size = "8Gi";
    return gi;
  }

  @Test
  void operatorStorageSettingsReachEveryDataVolumeAndValidate() {
    GoldenImage base = unsetStorage(image("fedora-40-e3b0c44298", null));
    base.getSpec().source = new ImageSource();
    base.getSpec().source.http = new ImageSource.Url("https://example.org/fedora.qcow2");
    GoldenImage child = unsetStorage(image("fedora-40-abc", "fedora-40-e3b0c44298"));
    List<DataVolume.Storage> storages =
        List.of(
            DataVolumes.importFor(base, LOCAL_PATH).getSpec().storage,
            DataVolumes.cloneFor(child, "fedora-40-e3b0c44298", 1, LOCAL_PATH).getSpec().storage,
            VirtualMachines.desired(gvm(), child, LOCAL_PATH)
                .getSpec()
                .dataVolumeTemplates
                .get(0)
                .spec
                .storage);
    for (DataVolume.Storage s : storages) {
      assertThat(s.accessModes).containsExactly("ReadWriteOnce");
      assertThat(s.volumeMode).isEqualTo("Filesystem");
      assertThat(s.storageClassName).isEqualTo("local-path");
    }
    assertThat(SchemaValidator.dataVolume(DataVolumes.importFor(base, LOCAL_PATH))).isEmpty();
    assertThat(
            SchemaValidator.dataVolume(
                DataVolumes.cloneFor(child, "fedora-40-e3b0c44298", 1, LOCAL_PATH)))
        .isEmpty();
    assertThat(SchemaValidator.virtualMachine(VirtualMachines.desired(gvm(), child, LOCAL_PATH)))
        .isEmpty();
    // A strict schema that knows spec.storage.accessModes: a misspelt field would fail.
    var json =
        Serialization.unmarshal(
            Serialization.asJson(DataVolumes.importFor(base, LOCAL_PATH)), java.util.Map.class);
    @SuppressWarnings("unchecked")
    var storage =
        (java.util.Map<String, Object>)
            ((java.util.Map<String, Object>) json.get("spec")).get("storage");
    storage.put("accessMode", List.of("ReadWriteOnce"));
    assertThat(SchemaValidator.validate("cdi-swagger.json", "v1beta1.DataVolume", json))
        .isNotEmpty();
  }

  @Test
  void withoutSettingsTheStorageProfileDecidesAndTheImageOwnStorageWins() {
    GoldenImage child = unsetStorage(image("fedora-40-abc", "fedora-40-e3b0c44298"));
    DataVolume.Storage unset =
        DataVolumes.cloneFor(child, "fedora-40-e3b0c44298", 1, StorageDefaults.NONE)
            .getSpec()
            .storage;
    assertThat(unset.accessModes).isNull();
    assertThat(unset.volumeMode).isNull();
    assertThat(unset.storageClassName).isNull();
    assertThat(Serialization.asJson(unset)).doesNotContain("accessModes", "volumeMode");

    GoldenImage own = image("fedora-40-abc", "fedora-40-e3b0c44298"); // Block, its own
    own.getSpec().storage.storageClassName = "ceph-block";
    DataVolume.Storage s =
        DataVolumes.cloneFor(own, "fedora-40-e3b0c44298", 1, LOCAL_PATH).getSpec().storage;
    assertThat(s.volumeMode).isEqualTo("Block");
    assertThat(s.storageClassName).isEqualTo("ceph-block");
    assertThat(s.accessModes).containsExactly("ReadWriteOnce");
    assertThat(LOCAL_PATH.block(own.getSpec().storage)).isTrue();
    assertThat(LOCAL_PATH.block(child.getSpec().storage)).isFalse();
    assertThat(
            new StorageDefaults(Optional.empty(), Optional.of("Block"), List.of())
                .block(child.getSpec().storage))
        .isTrue();
  }

  @Test
  void buildDataVolumesAskForImmediateBindingAndVmDisksDoNot() {
    GoldenImage base = image("fedora-40-e3b0c44298", null);
    base.getSpec().source = new ImageSource();
    base.getSpec().source.http = new ImageSource.Url("https://example.org/fedora.qcow2");
    for (DataVolume dv :
        List.of(
            DataVolumes.importFor(base, LOCAL_PATH),
            DataVolumes.cloneFor(
                image("fedora-40-abc", "fedora-40-e3b0c44298"), "fedora-40-e3b0c44298", 1))) {
      assertThat(dv.getMetadata().getAnnotations())
          .containsEntry("cdi.kubevirt.io/storage.bind.immediate.requested", "true");
    }
    VirtualMachine vm = VirtualMachines.desired(gvm(), image("fedora-40-abc", "base"));
    assertThat(vm.getSpec().dataVolumeTemplates.get(0).metadata.annotations)
        .doesNotContainKey(DataVolumes.BIND_IMMEDIATE);
  }

  @Test
  void badStorageSettingsNameTheProperty() {
    assertThatThrownBy(() -> new StorageDefaults(Optional.empty(), Optional.of("block"), List.of()))
        .hasMessageContaining("graft.storage.volume-mode")
        .hasMessageContaining("'block'");
    assertThatThrownBy(
            () -> new StorageDefaults(Optional.empty(), Optional.empty(), List.of("RWO")))
        .hasMessageContaining("graft.storage.access-modes")
        .hasMessageContaining("'RWO'");
  }

  @Test
  void strictSchemaRejectsUnknownFields() {
    VirtualMachine vm = VirtualMachines.desired(gvm(), image("fedora-40-abc", "base"));
    vm.getSpec().template.spec.domain.devices.disks.get(0).disk.bus = null;
    var json = Serialization.unmarshal(Serialization.asJson(vm), java.util.Map.class);
    @SuppressWarnings("unchecked")
    var spec = (java.util.Map<String, Object>) json.get("spec");
    spec.put("runing", true);
    assertThat(SchemaValidator.validate("kubevirt-swagger.json", "v1.VirtualMachine", json))
        .isNotEmpty();
  }
}
