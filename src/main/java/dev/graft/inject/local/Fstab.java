package dev.graft.inject.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The entries of a guest's {@code /etc/fstab} that libguestfs inspection would mount, read as its
 * {@code check_fstab} reads them: no floppies or CD-ROMs, no mountpoints under {@code /dev}, {@code
 * /proc}, {@code /sys}, {@code /media} or {@code /selinux}, no pseudo filesystems (a spec that is
 * neither {@code UUID=}, {@code LABEL=}, {@code PARTUUID=}, {@code PARTLABEL=} nor a {@code /dev/}
 * path), and only the first of several root entries.
 */
final class Fstab {

  /** One line: what to mount ({@code spec}), where, its type and its options. */
  record Entry(String spec, String mountpoint, String type, List<String> options) {

    /** The value of option {@code name} ({@code subvol=root}), if given. */
    Optional<String> option(String name) {
      for (String o : options) {
        if (o.equals(name) || o.startsWith(name + "=")) {
          return Optional.of(o.length() > name.length() ? o.substring(name.length() + 1) : "");
        }
      }
      return Optional.empty();
    }
  }

  private Fstab() {}

  /**
   * The entries to mount, in the file's order; empty when a line cannot be read the way augeas
   * would read it (escapes, quotes): the caller then lets libguestfs inspect the guest itself.
   */
  static Optional<List<Entry>> parse(String text) {
    List<Entry> entries = new ArrayList<>();
    boolean root = false;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.contains("\\") || line.contains("\"") || line.contains("'")) {
        return Optional.empty();
      }
      String[] f = line.split("\\s+");
      if (f.length < 3) {
        continue; // no vfstype: inspection skips it
      }
      String spec = f[0];
      String mountpoint = canonical(f[1]);
      if (!mountpoint.startsWith("/")) {
        continue; // swap's "none": inspect-get-mountpoints leaves it out
      }
      if (ignoredSpec(spec) || ignoredMountpoint(mountpoint) || !mountable(spec)) {
        continue;
      }
      if (mountpoint.equals("/")) {
        if (root) {
          continue;
        }
        root = true;
      }
      List<String> options = f.length > 3 ? List.of(f[3].split(",")) : List.of();
      entries.add(new Entry(spec, mountpoint, f[2], options));
    }
    return Optional.of(entries);
  }

  /** {@code ///usr//local//} is {@code /usr/local}. */
  static String canonical(String path) {
    String p = path.replaceAll("/+", "/");
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static boolean ignoredSpec(String spec) {
    return (spec.startsWith("/dev/fd") && spec.length() >= 8 && Character.isDigit(spec.charAt(7)))
        || (spec.startsWith("/dev/cd") && spec.length() >= 8 && Character.isDigit(spec.charAt(7)))
        || spec.equals("/dev/floppy")
        || spec.equals("/dev/cdrom")
        || spec.startsWith("/dev/iso9660/");
  }

  private static boolean ignoredMountpoint(String mp) {
    if (mp.startsWith("/media/")) {
      return true; // but /media itself is mounted
    }
    for (String dir : List.of("/dev", "/proc", "/selinux", "/sys")) {
      if (mp.equals(dir) || mp.startsWith(dir + "/")) {
        return true;
      }
    }
    return false;
  }

  private static boolean mountable(String spec) {
    return spec.startsWith("UUID=")
        || spec.startsWith("LABEL=")
        || spec.startsWith("PARTUUID=")
        || spec.startsWith("PARTLABEL=")
        || spec.startsWith("/dev/");
  }
}
