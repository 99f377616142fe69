package dev.graft.kubevirt;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.VmTemplate;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.Labels;
import dev.graft.k8s.Owners;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KubeVirt VirtualMachine of a GraftedVirtualMachine: its template, plus a root disk that is a
 * CDI clone of the GoldenImage's PVC (a {@code dataVolumeTemplates} entry), owned by the GVM.
 */
public final class VirtualMachines {
  public static final String ROOT_DISK = "rootdisk";

  private VirtualMachines() {}

  /** The root disk DataVolume's name for a VM. */
  public static String rootDataVolume(String vmName) {
    return vmName + "-root";
  }

  /** Without operator storage settings (the StorageProfile fills what the image leaves unset). */
  public static VirtualMachine desired(GraftedVirtualMachine gvm, GoldenImage image) {
    return desired(gvm, image, StorageDefaults.NONE);
  }

  public static VirtualMachine desired(
      GraftedVirtualMachine gvm, GoldenImage image, StorageDefaults storageDefaults) {
    String name = gvm.getMetadata().getName();
    VmTemplate t = gvm.getSpec().template != null ? gvm.getSpec().template : new VmTemplate();
    String imageRef = image.getMetadata().getNamespace() + "/" + image.getMetadata().getName();

    VirtualMachine vm = new VirtualMachine();
    vm.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(gvm.getMetadata().getNamespace())
            .withLabels(Map.of(Labels.GVM, name, Labels.MANAGED_BY, Labels.MANAGER))
            .withAnnotations(
                Map.of(
                    Annotations.IMAGE_REF,
                    imageRef,
                    Annotations.MANIFEST_DIGEST,
                    image.getSpec().manifestDigest))
            .withOwnerReferences(Owners.blockingController(gvm))
            .build());

    VirtualMachine.Spec spec = new VirtualMachine.Spec();
    spec.runStrategy = t.runStrategy == null ? "Always" : t.runStrategy.name();
    spec.instancetype = matcher(t.instancetype);
    spec.preference = matcher(t.preference);

    VirtualMachine.DataVolumeTemplate root = new VirtualMachine.DataVolumeTemplate();
    root.metadata = new VirtualMachine.ObjectMeta();
    root.metadata.name = rootDataVolume(name);
    root.metadata.annotations = Map.of(Annotations.IMAGE_REF, imageRef);
    root.spec = new DataVolume.Spec();
    root.spec.source = new DataVolume.Source();
    root.spec.source.pvc =
        new DataVolume.Pvc(image.getMetadata().getNamespace(), image.getMetadata().getName());
    root.spec.storage = DataVolumes.storage(image.getSpec().storage, storageDefaults);
    if (t.rootDiskSize != null) {
      root.spec.storage.resources.requests = Map.of("storage", t.rootDiskSize);
    }
    spec.dataVolumeTemplates = List.of(root);

    VirtualMachine.Template template = new VirtualMachine.Template();
    template.metadata = new VirtualMachine.ObjectMeta();
    Map<String, String> podLabels = new LinkedHashMap<>();
    if (t.labels != null) {
      podLabels.putAll(t.labels);
    }
    podLabels.put("kubevirt.io/vm", name);
    podLabels.put(Labels.GVM, name);
    template.metadata.labels = podLabels;

    VirtualMachine.VmiSpec vmi = new VirtualMachine.VmiSpec();
    VirtualMachine.Domain domain = new VirtualMachine.Domain();
    if (t.instancetype == null) {
      domain.cpu = new VirtualMachine.Cpu();
      domain.cpu.cores = t.cpuCores == null ? 1 : t.cpuCores;
      domain.memory = new VirtualMachine.Memory();
      domain.memory.guest = t.memory == null ? "1Gi" : t.memory;
    }
    VirtualMachine.Disk disk = new VirtualMachine.Disk();
    disk.name = ROOT_DISK;
    disk.disk = new VirtualMachine.DiskTarget();
    disk.disk.bus = "virtio";
    disk.bootOrder = 1;
    VirtualMachine.Interface nic = new VirtualMachine.Interface();
    nic.name = "default";
    nic.masquerade = Map.of();
    domain.devices.disks = List.of(disk);
    domain.devices.interfaces = List.of(nic);
    vmi.domain = domain;
    VirtualMachine.Network net = new VirtualMachine.Network();
    net.name = "default";
    net.pod = Map.of();
    vmi.networks = List.of(net);
    VirtualMachine.Volume volume = new VirtualMachine.Volume();
    volume.name = ROOT_DISK;
    volume.dataVolume = new VirtualMachine.DataVolumeRef();
    volume.dataVolume.name = rootDataVolume(name);
    vmi.volumes = List.of(volume);
    template.spec = vmi;
    spec.template = template;
    vm.setSpec(spec);
    return vm;
  }

  private static VirtualMachine.Matcher matcher(VmTemplate.Matcher m) {
    if (m == null) {
      return null;
    }
    VirtualMachine.Matcher out = new VirtualMachine.Matcher();
    out.kind = m.kind;
    out.name = m.name;
    return out;
  }
}
