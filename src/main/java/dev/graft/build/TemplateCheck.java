package dev.graft.build;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.QuantityFormat;
import dev.graft.inject.Quoted;
import dev.graft.kubevirt.DataVolumes;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.kubevirt.VirtualMachines;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a GraftedVirtualMachine's VirtualMachine template and root disk before anything is planned
 * for it: the template reads as a VirtualMachineSpec, the quantities Graft can judge parse, no
 * volume of the user's takes the root disk's name, and the root disk can hold the image it clones
 * (CDI refuses a clone smaller than its source, which would otherwise fail only after the image was
 * built). KubeVirt validates the rest of the VirtualMachine when Graft creates it.
 */
public final class TemplateCheck {
  private static final Pattern QUANTITY = Pattern.compile(QuantityFormat.PATTERN);
  static final String DOMAIN = "spec.virtualMachineTemplate.spec.template.spec.domain";

  private TemplateCheck() {}

  /**
   * Throws naming the field and value; {@code source} is the image the VM would clone, or null when
   * none is known yet (the size check then waits for it).
   */
  public static void check(GraftedVirtualMachine gvm, GoldenImage source)
      throws ResolutionException {
    VirtualMachine.Spec spec;
    try {
      spec = VirtualMachines.userSpec(gvm);
    } catch (IllegalArgumentException e) {
      throw new ResolutionException(
          "InvalidVirtualMachineTemplate",
          "spec.virtualMachineTemplate.spec: not a VirtualMachineSpec: " + firstLine(e));
    }
    if (spec.template != null && spec.template.spec != null) {
      VirtualMachine.VmiSpec vmi = spec.template.spec;
      if (vmi.domain != null) {
        domain(vmi.domain.unmodelled());
      }
      String root = VirtualMachines.rootDiskName(gvm);
      if (vmi.volumes != null
          && vmi.volumes.stream().anyMatch(v -> v != null && root.equals(v.name))) {
        throw new ResolutionException(
            "RootDiskNameTaken",
            "spec.virtualMachineTemplate.spec.template.spec.volumes: volume "
                + Quoted.of(root)
                + " is the root disk Graft adds (spec.rootDisk.name); give it another name");
      }
    }
    if (gvm.getSpec().rootDisk != null && gvm.getSpec().rootDisk.size != null) {
      rootDiskSize(gvm.getSpec().rootDisk.size, source);
    }
  }

  private static void domain(Map<String, Object> domain) throws ResolutionException {
    Object guest = at(domain, "memory", "guest");
    if (guest != null) {
      positive(guest.toString(), DOMAIN + ".memory.guest");
    }
    Object requested = at(domain, "resources", "requests", "memory");
    if (requested != null) {
      positive(requested.toString(), DOMAIN + ".resources.requests.memory");
    }
    Object cores = at(domain, "cpu", "cores");
    if (cores != null && !(cores instanceof Number n && n.longValue() >= 1)) {
      throw new ResolutionException(
          "InvalidCpuCores", DOMAIN + ".cpu.cores: must be at least 1, got " + cores);
    }
  }

  private static void positive(String value, String field) throws ResolutionException {
    BigDecimal memory = bytes(value, field, "InvalidMemory");
    if (memory.signum() == 0) {
      throw new ResolutionException(
          "InvalidMemory", field + ": must be more than 0, got " + Quoted.of(value));
    }
  }

  private static void rootDiskSize(String size, GoldenImage source) throws ResolutionException {
    BigDecimal disk = bytes(size, "spec.rootDisk.size", "InvalidRootDiskSize");
    String imageSize = source == null ? null : DataVolumes.size(source.getSpec().storage);
    BigDecimal image = imageSize == null ? null : bytesOrNull(imageSize);
    if (image != null && disk.compareTo(image) < 0) {
      throw new ResolutionException(
          "RootDiskTooSmall",
          "spec.rootDisk.size: "
              + Quoted.of(size)
              + " is smaller than the "
              + imageSize
              + " of image "
              + source.getMetadata().getName()
              + " that the root disk clones");
    }
  }

  /** The value at a path of nested maps, or null. */
  private static Object at(Map<String, Object> map, String... path) {
    Object node = map;
    for (String key : path) {
      if (!(node instanceof Map<?, ?> m)) {
        return null;
      }
      node = m.get(key);
    }
    return node instanceof List<?> ? null : node;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static BigDecimal bytes(String value, String field, String reason)
      throws ResolutionException {
    BigDecimal b = QUANTITY.matcher(value).matches() ? bytesOrNull(value) : null;
    if (b == null) {
      throw new ResolutionException(
          reason, field + ": must be a quantity like 2Gi or 512Mi, got " + Quoted.of(value));
    }
    return b;
  }

  /** Null when unparsable: a bad image size is its BaseImage's error, not this VM's. */
  private static BigDecimal bytesOrNull(String value) {
    try {
      return Quantity.getAmountInBytes(new Quantity(value));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
