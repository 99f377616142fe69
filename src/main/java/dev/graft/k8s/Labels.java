package dev.graft.k8s;

/** Label keys and values Graft puts on the objects it creates (selectable: informers use them). */
public final class Labels {
  /** The GoldenImage a build object belongs to. */
  public static final String GOLDEN_IMAGE = "graft.dev/golden-image";

  /** The GraftedVirtualMachine a VirtualMachine belongs to. */
  public static final String GVM = "graft.dev/grafted-vm";

  /**
   * On a VM's root disk DataVolume (set in its dataVolumeTemplate; KubeVirt copies it): the
   * VirtualMachine whose root disk it is. Graft's old root disks are found (and deleted) by it.
   */
  public static final String ROOT_DISK_OF = "graft.dev/root-disk-of";

  /** The os of a GoldenImage. */
  public static final String OS = "graft.dev/os";

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "graft";

  private Labels() {}
}
