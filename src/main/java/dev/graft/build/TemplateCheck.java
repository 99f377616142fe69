package dev.graft.build;

import dev.graft.api.GoldenImage;
import dev.graft.api.QuantityFormat;
import dev.graft.api.VmTemplate;
import dev.graft.inject.Quoted;
import dev.graft.kubevirt.DataVolumes;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Validates a GraftedVirtualMachine's VM template before anything is planned for it: its quantities
 * parse, and its root disk can hold the image it clones (CDI refuses a clone smaller than its
 * source, which would otherwise fail only after the image was built).
 */
public final class TemplateCheck {
  private static final Pattern QUANTITY = Pattern.compile(QuantityFormat.PATTERN);

  private TemplateCheck() {}

  /**
   * Throws naming the field and value; {@code source} is the image the VM would clone, or null when
   * none is known yet (the size check then waits for it).
   */
  public static void check(VmTemplate t, GoldenImage source) throws ResolutionException {
    if (t == null) {
      return;
    }
    if (t.cpuCores != null && t.cpuCores < 1) {
      throw new ResolutionException(
          "InvalidCpuCores", "spec.template.cpuCores: must be at least 1, got " + t.cpuCores);
    }
    if (t.memory != null) {
      BigDecimal memory = bytes(t.memory, "spec.template.memory", "InvalidMemory");
      if (memory.signum() == 0) {
        throw new ResolutionException(
            "InvalidMemory",
            "spec.template.memory: must be more than 0, got " + Quoted.of(t.memory));
      }
    }
    if (t.rootDiskSize != null) {
      BigDecimal disk = bytes(t.rootDiskSize, "spec.template.rootDiskSize", "InvalidRootDiskSize");
      String imageSize = source == null ? null : DataVolumes.size(source.getSpec().storage);
      BigDecimal image = imageSize == null ? null : bytesOrNull(imageSize);
      if (image != null && disk.compareTo(image) < 0) {
        throw new ResolutionException(
            "RootDiskTooSmall",
            "spec.template.rootDiskSize: "
                + Quoted.of(t.rootDiskSize)
                + " is smaller than the "
                + imageSize
                + " of image "
                + source.getMetadata().getName()
                + " that the root disk clones");
      }
    }
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
