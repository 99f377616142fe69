package dev.graft.kubevirt;

import dev.graft.api.StorageSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's storage settings ({@code graft.storage.*}) for every DataVolume it creates: a
 * field an image's own {@code spec.storage} leaves unset takes the operator's value; with neither,
 * it is left out and CDI fills it from the StorageClass's StorageProfile. Provisioners CDI knows
 * nothing about (kind's and k3s' {@code rancher.io/local-path}, many CSI drivers) have an empty
 * StorageProfile, and a DataVolume without access modes then fails with {@code ErrClaimNotValid}.
 */
public record StorageDefaults(
    Optional<String> className, Optional<String> volumeMode, List<String> accessModes) {

  /** Nothing set: the image's own storage, CDI's StorageProfile for the rest. */
  public static final StorageDefaults NONE =
      new StorageDefaults(Optional.empty(), Optional.empty(), List.of());

  static final Set<String> VOLUME_MODES = Set.of("Filesystem", "Block");
  static final Set<String> ACCESS_MODES =
      Set.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");

  public StorageDefaults {
    className = className.map(String::strip).filter(s -> !s.isEmpty());
    volumeMode = volumeMode.map(String::strip).filter(s -> !s.isEmpty());
    accessModes = accessModes.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    volumeMode.ifPresent(
        m -> {
          if (!VOLUME_MODES.contains(m)) {
            throw new IllegalArgumentException(
                "graft.storage.volume-mode: '" + m + "' is not Filesystem or Block");
          }
        });
    for (String m : accessModes) {
      if (!ACCESS_MODES.contains(m)) {
        throw new IllegalArgumentException(
            "graft.storage.access-modes: '"
                + m
                + "' is not one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod");
      }
    }
  }

  /**
   * The operator configuration's storage settings ({@code graft.storage.class-name}, {@code
   * volume-mode}, {@code access-modes}); a bad value fails with the property's name.
   */
  public static StorageDefaults of(
      Optional<String> className, Optional<String> volumeMode, Optional<List<String>> accessModes) {
    return new StorageDefaults(className, volumeMode, accessModes.orElse(List.of()));
  }

  /**
   * The volume mode a DataVolume for {@code spec} gets, if Graft sets one. Empty: the
   * StorageProfile decides, and the injection Job assumes Filesystem (a {@code disk.img} in the
   * volume).
   */
  public Optional<String> volumeModeOf(StorageSpec spec) {
    if (spec != null && spec.volumeMode != null) {
      return Optional.of(spec.volumeMode.name());
    }
    return volumeMode;
  }

  /** Whether the image's PVC is a raw block device. */
  public boolean block(StorageSpec spec) {
    return volumeModeOf(spec).filter("Block"::equals).isPresent();
  }

  /** The DataVolume {@code spec.storage} of an image. */
  DataVolume.Storage storageFor(StorageSpec s) {
    DataVolume.Storage storage = new DataVolume.Storage();
    storage.resources = new DataVolume.Resources();
    storage.resources.requests = java.util.Map.of("storage", DataVolumes.size(s));
    storage.storageClassName =
        s != null && s.storageClassName != null ? s.storageClassName : className.orElse(null);
    storage.volumeMode = volumeModeOf(s).orElse(null);
    storage.accessModes = accessModes.isEmpty() ? null : accessModes;
    return storage;
  }
}
