package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * The VM's root disk, a clone of its golden image. Unset fields take the operator's configuration
 * ({@code graft.vm.root-disk-name}, {@code graft.storage.class-name}, {@code
 * graft.storage.volume-mode}); the size defaults to the image's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RootDisk {
  /** Name of the disk and its volume in the VM (default {@code rootdisk}). */
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 40)
  public String name;

  /** Size of the clone, at least the image's; default: the image's size. */
  @Pattern(QuantityFormat.PATTERN)
  public String size;

  public String storageClassName;

  public StorageSpec.VolumeMode volumeMode;
}
