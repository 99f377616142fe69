package dev.graft.kubevirt;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.RootDisk;
import dev.graft.api.VirtualMachineTemplate;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.Labels;
import dev.graft.k8s.Owners;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The KubeVirt VirtualMachine of a GraftedVirtualMachine: the user's VirtualMachineSpec as written,
 * plus Graft's root disk (a {@code dataVolumeTemplates} entry cloning the GoldenImage's PVC, a
 * volume for it and, unless the user lists a disk of that name, a boot disk), owned by the GVM.
 */
public final class VirtualMachines {
  /** The root disk's name when {@code spec.rootDisk.name} is not set. */
  public static final String ROOT_DISK = "rootdisk";

  private VirtualMachines() {}

  /** The name of the root disk (and its volume) in the VM. */
  public static String rootDiskName(GraftedVirtualMachine gvm) {
    RootDisk r = gvm.getSpec().rootDisk;
    return r == null || r.name == null || r.name.isBlank() ? ROOT_DISK : r.name;
  }

  /**
   * The root disk DataVolume's name for a VM and an image: one per image, so that a VM still
   * running from the old image keeps its disk while the new one is cloned.
   */
  public static String rootDataVolume(String vmName, GoldenImage image) {
    String ref = image.getMetadata().getNamespace() + "/" + image.getMetadata().getName();
    return vmName + "-root-" + shortDigest(ref);
  }

  /** Without operator storage settings (the StorageProfile fills what the image leaves unset). */
  public static VirtualMachine desired(GraftedVirtualMachine gvm, GoldenImage image) {
    return desired(gvm, image, StorageDefaults.NONE);
  }

  /**
   * The user's VirtualMachineSpec read into the model (nothing it holds is dropped: see {@link
   * Unmodelled}); an empty one without a template.
   */
  public static VirtualMachine.Spec userSpec(GraftedVirtualMachine gvm) {
    VirtualMachineTemplate t = gvm.getSpec().virtualMachineTemplate;
    if (t == null || t.spec == null) {
      return new VirtualMachine.Spec();
    }
    return Serialization.jsonMapper().convertValue(t.spec, VirtualMachine.Spec.class);
  }

  public static VirtualMachine desired(
      GraftedVirtualMachine gvm, GoldenImage image, StorageDefaults storageDefaults) {
    String name = gvm.getMetadata().getName();
    VirtualMachineTemplate t = gvm.getSpec().virtualMachineTemplate;
    String imageRef = image.getMetadata().getNamespace() + "/" + image.getMetadata().getName();

    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (t != null && t.metadata != null) {
      if (t.metadata.labels != null) {
        labels.putAll(t.metadata.labels);
      }
      if (t.metadata.annotations != null) {
        annotations.putAll(t.metadata.annotations);
      }
    }
    labels.put(Labels.GVM, name);
    labels.put(Labels.MANAGED_BY, Labels.MANAGER);
    annotations.put(Annotations.IMAGE_REF, imageRef);
    annotations.put(Annotations.MANIFEST_DIGEST, image.getSpec().manifestDigest);
    VirtualMachine vm = new VirtualMachine();
    vm.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(gvm.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(Owners.blockingController(gvm))
            .build());

    VirtualMachine.Spec spec = userSpec(gvm);
    String rootDisk = rootDiskName(gvm);
    String dataVolume = rootDataVolume(name, image);
    spec.dataVolumeTemplates =
        spec.dataVolumeTemplates == null
            ? new ArrayList<>()
            : new ArrayList<>(spec.dataVolumeTemplates);
    spec.dataVolumeTemplates.add(rootTemplate(gvm, image, imageRef, dataVolume, storageDefaults));

    if (spec.template == null) {
      spec.template = new VirtualMachine.Template();
    }
    if (spec.template.spec == null) {
      spec.template.spec = new VirtualMachine.VmiSpec();
    }
    VirtualMachine.VmiSpec vmi = spec.template.spec;
    if (vmi.domain == null) {
      vmi.domain = new VirtualMachine.Domain();
    }
    if (vmi.domain.devices == null) {
      vmi.domain.devices = new VirtualMachine.Devices();
    }
    VirtualMachine.Devices devices = vmi.domain.devices;
    devices.disks = devices.disks == null ? new ArrayList<>() : new ArrayList<>(devices.disks);
    if (devices.disks.stream().noneMatch(d -> rootDisk.equals(d.name))) {
      VirtualMachine.Disk disk = new VirtualMachine.Disk();
      disk.name = rootDisk;
      disk.disk = new VirtualMachine.DiskTarget();
      disk.disk.bus = "virtio";
      disk.bootOrder = 1;
      devices.disks.add(0, disk);
    }
    VirtualMachine.Volume volume = new VirtualMachine.Volume();
    volume.name = rootDisk;
    volume.dataVolume = new VirtualMachine.DataVolumeRef();
    volume.dataVolume.name = dataVolume;
    vmi.volumes = vmi.volumes == null ? new ArrayList<>() : new ArrayList<>(vmi.volumes);
    vmi.volumes.add(0, volume);
    vm.setSpec(spec);
    VirtualMachinePatch.record(vm);
    return vm;
  }

  private static VirtualMachine.DataVolumeTemplate rootTemplate(
      GraftedVirtualMachine gvm,
      GoldenImage image,
      String imageRef,
      String dataVolume,
      StorageDefaults storageDefaults) {
    VirtualMachine.DataVolumeTemplate root = new VirtualMachine.DataVolumeTemplate();
    root.metadata = new VirtualMachine.ObjectMeta();
    root.metadata.name = dataVolume;
    root.metadata.labels =
        new LinkedHashMap<>(Map.of(Labels.ROOT_DISK_OF, gvm.getMetadata().getName()));
    root.metadata.annotations = new LinkedHashMap<>(Map.of(Annotations.IMAGE_REF, imageRef));
    root.spec = new DataVolume.Spec();
    root.spec.source = new DataVolume.Source();
    root.spec.source.pvc =
        new DataVolume.Pvc(image.getMetadata().getNamespace(), image.getMetadata().getName());
    root.spec.storage = DataVolumes.storage(image.getSpec().storage, storageDefaults);
    RootDisk r = gvm.getSpec().rootDisk;
    if (r != null) {
      if (r.size != null) {
        root.spec.storage.resources.requests = Map.of("storage", r.size);
      }
      if (r.storageClassName != null) {
        root.spec.storage.storageClassName = r.storageClassName;
      }
      if (r.volumeMode != null) {
        root.spec.storage.volumeMode = r.volumeMode.name();
      }
    }
    return root;
  }

  /** Names of the DataVolumes a VM spec names: its dataVolumeTemplates and DataVolume volumes. */
  public static java.util.Set<String> dataVolumeNames(VirtualMachine.Spec spec) {
    java.util.Set<String> names = new java.util.HashSet<>();
    if (spec == null) {
      return names;
    }
    if (spec.dataVolumeTemplates != null) {
      spec.dataVolumeTemplates.stream()
          .filter(t -> t.metadata != null && t.metadata.name != null)
          .forEach(t -> names.add(t.metadata.name));
    }
    if (spec.template != null && spec.template.spec != null && spec.template.spec.volumes != null) {
      spec.template.spec.volumes.stream()
          .filter(v -> v.dataVolume != null && v.dataVolume.name != null)
          .forEach(v -> names.add(v.dataVolume.name));
    }
    return names;
  }

  /** The image (namespace/name) a VirtualMachine's root disk clones, from its annotation. */
  public static String imageRef(VirtualMachine vm) {
    var a = vm.getMetadata().getAnnotations();
    return a == null ? null : a.get(Annotations.IMAGE_REF);
  }

  private static String shortDigest(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
