package dev.graft.inject.local;

import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.script.GuestfishCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns libguestfs's errors for the failures real images bring into messages that say what is wrong
 * with the image: no operating system, an encrypted (LUKS) root, a filesystem the appliance cannot
 * mount, a full or read-only filesystem.
 */
final class GuestFailures {

  private GuestFailures() {}

  /**
   * Why inspection found nothing: an encrypted or unknown filesystem when a second, read-only
   * launch lists one; no operating system otherwise. Only on this failure path.
   */
  static String explainOpen(Path disk, String image, String format, InjectionFailedException e) {
    String error = e.getMessage();
    if (!error.contains("no operating system was found")) {
      return error;
    }
    // list-filesystems leaves out what it cannot open (LUKS); vfs-type of each device and
    // partition tells. Names that do not exist fail quietly ("-").
    List<String> argv = new ArrayList<>(List.of("guestfish", "--ro"));
    if (format != null) {
      argv.add("--format=" + format);
    }
    StringBuilder script = new StringBuilder("run\n");
    for (String dev : devices()) {
      script.append("echo ==").append(dev).append("\n-vfs-type ").append(dev).append('\n');
    }
    java.nio.file.Path file;
    try {
      file = java.nio.file.Files.createTempFile("graft-diagnose-", ".gf");
      java.nio.file.Files.writeString(file, script);
    } catch (java.io.IOException io) {
      return error;
    }
    argv.addAll(List.of("-a", disk.toString(), "-f", file.toString()));
    List<String> lines = new ArrayList<>();
    Guestfish.Result listed;
    try {
      listed = Guestfish.run(argv, GuestfishCommand.environment(false), 600, lines::add);
    } finally {
      Scratch.delete(file);
    }
    List<String> encrypted = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    String device = null;
    for (String line : lines) {
      if (line.startsWith("==")) {
        device = line.substring(2);
      } else if (device != null && line.equals("crypto_LUKS")) {
        encrypted.add(device);
      } else if (device != null && (line.equals("unknown") || line.equals("squashfs"))) {
        unknown.add(device);
      }
    }
    if (listed.exitCode() == 0 && !encrypted.isEmpty()) {
      return "the image "
          + image
          + " has an encrypted (LUKS) filesystem on "
          + String.join(", ", encrypted)
          + ": Graft cannot inspect or write an encrypted root (libguestfs: "
          + error
          + ")";
    }
    return "no operating system found in the image "
        + image
        + " (no filesystem holds a Linux root with /etc/fstab"
        + (unknown.isEmpty()
            ? ""
            : "; the appliance cannot read the filesystem on " + String.join(", ", unknown))
        + "): "
        + error;
  }

  /** The whole disk and its first partitions, as the appliance names them. */
  private static List<String> devices() {
    List<String> devices = new ArrayList<>(List.of("/dev/sda"));
    for (int i = 1; i <= 8; i++) {
      devices.add("/dev/sda" + i);
    }
    return devices;
  }

  /** Names the image and what is wrong with it for the write errors a real image can cause. */
  static String explainWrite(String image, InjectionFailedException e) {
    String error = e.getMessage();
    if (error.contains("No space left on device")) {
      return "a filesystem of the image " + image + " is full: " + error;
    }
    if (error.contains("write error")) {
      return "could not write into the image " + image + " (is a filesystem full?): " + error;
    }
    if (error.contains("Read-only file system")) {
      return "a filesystem of the image "
          + image
          + " is read-only (or not writable by libguestfs): "
          + error;
    }
    return error;
  }
}
