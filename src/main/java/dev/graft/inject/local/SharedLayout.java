package dev.graft.inject.local;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which filesystems to mount for each disk of a shared appliance launch, found without {@code
 * inspect-os}. Inspection cannot be trusted across disks anyway: the disks are often clones of one
 * image, so their filesystem UUIDs, labels and {@code /etc/fstab} are the same, and libguestfs
 * resolves {@code UUID=...} or {@code /dev/sda1} of every guest to the first disk that matches. So
 * each disk's root is looked for among its own filesystems ({@link RootProbe}), and each entry of
 * that root's own {@code /etc/fstab} is resolved, as inspection resolves it, among that disk's own
 * filesystems only: what a launch of the disk alone would mount. Every disk reads its own fstab, so
 * a clone whose fstab an earlier build changed is never mounted as its siblings are.
 *
 * <p>A disk whose layout this cannot follow exactly (LVM, md, LUKS, btrfs, no Linux root or
 * several, an fstab naming {@code /dev/mapper} or {@code by-id} devices) is built alone, in a
 * launch of its own, where {@code guestfish -i} inspects it.
 */
final class SharedLayout {

  /** One filesystem to mount: at {@code mountpoint}, the device {@code device}. */
  record Mount(String mountpoint, String device) {}

  /** A disk's mounts, shortest mountpoint first, or why it is built alone. */
  record Plan(List<Mount> mounts, String alone) {
    static Plan of(List<Mount> mounts) {
      return new Plan(List.copyOf(mounts), null);
    }

    static Plan alone(String why) {
      return new Plan(null, why);
    }

    boolean shared() {
      return mounts != null;
    }
  }

  /** Filesystems a shared launch probes and mounts. */
  static final Set<String> MOUNTABLE = Set.of("ext2", "ext3", "ext4", "xfs", "vfat");

  /** Partition contents that are no filesystem to look into. */
  static final Set<String> PASSIVE = Set.of("swap");

  /** {@code /dev/sda1}, {@code /dev/vdb}, {@code /dev/xvda2}: (type, disk letters, partition). */
  private static final Pattern XDEV = Pattern.compile("^/dev/(h|s|v|xv)d([a-z]+)(\\d*)$");

  private final List<String> devices;
  private final List<String> partitions;
  private final Map<String, Map<String, String>> blkid;

  /**
   * @param devices the appliance's disks in the order they were added ({@code list-devices})
   * @param partitions every partition ({@code list-partitions})
   * @param blkid what {@code blkid} says of each disk and partition ({@code TYPE}, {@code UUID},
   *     {@code LABEL}, {@code PART_ENTRY_UUID}, {@code PART_ENTRY_NAME}); a device it says nothing
   *     of holds no filesystem
   */
  SharedLayout(
      List<String> devices, List<String> partitions, Map<String, Map<String, String>> blkid) {
    this.devices = List.copyOf(devices);
    this.partitions = List.copyOf(partitions);
    this.blkid = Map.copyOf(blkid);
  }

  /** The disk itself when unpartitioned, else its partitions. */
  List<String> own(int disk) {
    return own(devices.get(disk), partitions);
  }

  /**
   * What of {@code disk} may hold a filesystem: the disk when unpartitioned, else its partitions.
   */
  static List<String> own(String disk, List<String> partitions) {
    List<String> parts = partitions.stream().filter(p -> partitionNumber(disk, p) > 0).toList();
    return parts.isEmpty() ? List.of(disk) : parts;
  }

  /** Why the disk cannot share a launch before anything is mounted, if it cannot. */
  Optional<String> whyAlone(int disk) {
    if (disk >= devices.size()) {
      return Optional.of("the appliance has no disk " + disk);
    }
    for (String dev : own(disk)) {
      String type = type(dev);
      if (!type.isEmpty() && !MOUNTABLE.contains(type) && !PASSIVE.contains(type)) {
        return Optional.of(dev + " holds " + type);
      }
    }
    return candidates(disk).isEmpty()
        ? Optional.of("no filesystem to look for an operating system in")
        : Optional.empty();
  }

  /** The disk's filesystems that may be its root: each is mounted read-only and probed. */
  List<String> candidates(int disk) {
    return own(disk).stream().filter(d -> MOUNTABLE.contains(type(d))).toList();
  }

  /**
   * The disk's mounts, from the probes of its {@link #candidates}: its one Linux root, mounted at
   * {@code /} and at whatever its own {@code /etc/fstab} says, each entry resolved on this disk.
   */
  Plan plan(int disk, Map<String, RootProbe> probes) {
    Optional<String> why = whyAlone(disk);
    if (why.isPresent()) {
      return Plan.alone(why.get());
    }
    List<String> roots = new ArrayList<>();
    for (String dev : candidates(disk)) {
      RootProbe probe = probes.get(dev);
      if (probe == null) {
        return Plan.alone(dev + " was not probed");
      }
      if (probe.otherOs()) {
        return Plan.alone(dev + " looks like the root of a system other than Linux");
      }
      if (probe.linuxRoot()) {
        roots.add(dev);
      }
    }
    if (roots.size() != 1) {
      return Plan.alone(
          roots.isEmpty() ? "no Linux root found" : "several roots: " + String.join(", ", roots));
    }
    String root = roots.get(0);
    String fstab = probes.get(root).fstab();
    Optional<List<Fstab.Entry>> entries = Fstab.parse(fstab == null ? "" : fstab);
    if (entries.isEmpty()) {
      return Plan.alone("its /etc/fstab has quoting or escapes");
    }
    List<Mount> mounts = new ArrayList<>();
    if (entries.get().isEmpty()) {
      mounts.add(new Mount("/", root)); // no fstab: inspection mounts the root alone
    }
    for (Fstab.Entry e : entries.get()) {
      if (e.type().equals("btrfs") && e.option("subvol").isPresent()) {
        return Plan.alone("its /etc/fstab mounts a btrfs subvolume");
      }
      Resolved r = resolve(disk, root, e.spec());
      if (r.alone() != null) {
        return Plan.alone("its /etc/fstab names " + e.spec() + ": " + r.alone());
      }
      if (r.device() != null) {
        mounts.add(new Mount(e.mountpoint(), r.device()));
      }
    }
    if (mounts.stream().noneMatch(m -> m.mountpoint().equals("/"))) {
      return Plan.alone("its /etc/fstab mounts nothing at /");
    }
    // guestfish -i mounts shortest first, so /boot lands on / and /boot/efi on /boot.
    mounts.sort(
        Comparator.comparingInt((Mount m) -> m.mountpoint().length())
            .thenComparing(Mount::mountpoint));
    return Plan.of(mounts);
  }

  /** An fstab spec on this disk: a device, nothing (inspection skips it), or why not followed. */
  private record Resolved(String device, String alone) {
    static final Resolved SKIP = new Resolved(null, null);
  }

  private Resolved resolve(int disk, String root, String spec) {
    if (spec.startsWith("UUID=")) {
      return byTag(disk, "UUID", spec.substring(5));
    }
    if (spec.startsWith("/dev/disk/by-uuid/")) {
      return byTag(disk, "UUID", spec.substring("/dev/disk/by-uuid/".length()));
    }
    if (spec.startsWith("LABEL=")) {
      return byTag(disk, "LABEL", spec.substring(6));
    }
    if (spec.startsWith("PARTUUID=")) {
      return byTag(disk, "PART_ENTRY_UUID", spec.substring(9));
    }
    if (spec.startsWith("PARTLABEL=")) {
      return byTag(disk, "PART_ENTRY_NAME", spec.substring(10));
    }
    if (spec.equals("/dev/root")) {
      return new Resolved(root, null);
    }
    Matcher m = XDEV.matcher(spec);
    if (m.matches()) {
      if (!m.group(2).equals("a")) {
        return new Resolved(null, "another disk of the guest");
      }
      if (m.group(3).isEmpty()) {
        return new Resolved(devices.get(disk), null);
      }
      String part = devices.get(disk) + m.group(3);
      return partitions.contains(part)
          ? new Resolved(part, null)
          : new Resolved(null, "the disk has no partition " + m.group(3));
    }
    return new Resolved(null, "a device a shared launch does not resolve");
  }

  /** The one filesystem of this disk whose blkid {@code tag} is {@code value}. */
  private Resolved byTag(int disk, String tag, String value) {
    List<String> found =
        own(disk).stream()
            .filter(d -> value.equals(blkid.getOrDefault(d, Map.of()).get(tag)))
            .toList();
    if (found.size() > 1) {
      return new Resolved(null, "several filesystems of the disk match");
    }
    if (found.isEmpty() && tag.startsWith("PART_ENTRY")) {
      boolean known =
          own(disk).stream().anyMatch(d -> blkid.getOrDefault(d, Map.of()).containsKey(tag));
      if (!known) {
        return new Resolved(null, "blkid did not report " + tag);
      }
    }
    // Not on this disk: a launch of it alone does not find it either, and skips the entry.
    return found.isEmpty() ? Resolved.SKIP : new Resolved(found.get(0), null);
  }

  private String type(String device) {
    return blkid.getOrDefault(device, Map.of()).getOrDefault("TYPE", "");
  }

  /** {@code /dev/sda10} is partition 10 of {@code /dev/sda}; 0 when not a partition of it. */
  private static int partitionNumber(String disk, String partition) {
    if (!partition.startsWith(disk)) {
      return 0;
    }
    String rest = partition.substring(disk.length());
    return rest.matches("[1-9][0-9]*") ? Integer.parseInt(rest) : 0;
  }
}
