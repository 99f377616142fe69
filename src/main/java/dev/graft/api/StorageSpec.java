package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Size, class and volume mode of an image's PVC. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageSpec {
  @Default("10Gi")
  @Pattern(QuantityFormat.PATTERN)
  public String size;

  public String storageClassName;

  public VolumeMode volumeMode;

  /** Filesystem (a {@code disk.img} in the volume) or Block. */
  public enum VolumeMode {
    Filesystem,
    Block
  }
}
