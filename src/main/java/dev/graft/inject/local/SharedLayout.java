package dev.graft.inject.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which filesystems to mount for each disk of a shared appliance launch. Inspection cannot be
 * trusted across disks: the disks are often clones of one image, so their filesystem UUIDs and
 * {@code /etc/fstab} are the same, and libguestfs resolves {@code UUID=...} or {@code /dev/sda1} of
 * every guest to the first disk that matches. So each disk takes the one root found on its own
 * device, and every mountpoint of that root is moved to the same partition of that device. A disk
 * whose root or mountpoints live elsewhere (LVM, md, btrfs subvolumes), or that has no root or
 * several, gets no mounts here: it is built alone, in a launch of its own.
 */
final class SharedLayout {

  /** One filesystem to mount: at {@code mountpoint}, the device {@code device}. */
  record Mount(String mountpoint, String device) {}

  private final List<String> devices;
  private final List<String> partitions;

  /**
   * @param devices the appliance's disks in the order they were added ({@code list-devices})
   * @param partitions every partition ({@code list-partitions})
   */
  SharedLayout(List<String> devices, List<String> partitions) {
    this.devices = List.copyOf(devices);
    this.partitions = List.copyOf(partitions);
  }

  /**
   * The mounts of the {@code disk}-th disk, shortest mountpoint first; empty when the disk must be
   * built alone.
   *
   * @param roots each root filesystem inspection found, with its mountpoints ({@code
   *     inspect-get-mountpoints}: mountpoint to device)
   */
  Optional<List<Mount>> mounts(int disk, Map<String, Map<String, String>> roots) {
    if (disk >= devices.size()) {
      return Optional.empty();
    }
    List<String> own = new ArrayList<>();
    for (String root : roots.keySet()) {
      Optional<Place> place = place(root);
      if (place.isPresent() && place.get().disk() == disk) {
        own.add(root);
      }
    }
    if (own.size() != 1) {
      return Optional.empty(); // no operating system, or several: the single launch says why
    }
    List<Mount> mounts = new ArrayList<>();
    for (Map.Entry<String, String> m : roots.get(own.get(0)).entrySet()) {
      Optional<Place> place = place(m.getValue());
      if (place.isEmpty()) {
        return Optional.empty();
      }
      Optional<String> moved = device(disk, place.get().partition());
      if (moved.isEmpty()) {
        return Optional.empty();
      }
      mounts.add(new Mount(m.getKey(), moved.get()));
    }
    if (mounts.stream().noneMatch(m -> m.mountpoint().equals("/"))) {
      return Optional.empty();
    }
    mounts.sort(
        Comparator.comparingInt((Mount m) -> m.mountpoint().length())
            .thenComparing(Mount::mountpoint));
    return Optional.of(mounts);
  }

  /** A filesystem's disk and partition number (0: the whole disk). */
  private record Place(int disk, int partition) {}

  /** Where a device name lies, if it is a disk or a partition of one. */
  private Optional<Place> place(String name) {
    int whole = devices.indexOf(name);
    if (whole >= 0) {
      return Optional.of(new Place(whole, 0));
    }
    if (!partitions.contains(name)) {
      return Optional.empty();
    }
    for (int i = 0; i < devices.size(); i++) {
      String d = devices.get(i);
      if (name.startsWith(d) && name.substring(d.length()).matches("[1-9][0-9]*")) {
        return Optional.of(new Place(i, Integer.parseInt(name.substring(d.length()))));
      }
    }
    return Optional.empty();
  }

  /** The {@code partition}-th partition of the {@code disk}-th disk (0: the disk), if it exists. */
  private Optional<String> device(int disk, int partition) {
    String d = devices.get(disk);
    if (partition == 0) {
      return Optional.of(d);
    }
    String name = d + partition;
    return partitions.contains(name) ? Optional.of(name) : Optional.empty();
  }
}
