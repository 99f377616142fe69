package dev.graft.inject.local;

import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.script.GuestfishCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes small raw ext4 disk images from a directory, for tests and benchmarks. {@code mkfs.ext4 -d}
 * needs no appliance launch; {@code virt-make-fs} (one launch) is the fallback.
 */
public final class DiskImages {

  private static final List<String> MKFS = List.of("/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4");

  private DiskImages() {}

  /** Whether guestfish (and so this package's executor) can run here. */
  public static boolean libguestfsInstalled() {
    return onPath("guestfish");
  }

  /**
   * Writes the least that libguestfs inspection takes for a Linux root ({@code /etc/os-release},
   * {@code /etc/fstab} naming the unpartitioned disk, {@code /bin}) into {@code root}.
   */
  public static void linuxLikeRoot(Path root, String name) throws IOException {
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(
        root.resolve("etc/os-release"), "NAME=\"" + name + "\"\nID=graft\nVERSION_ID=1\n");
    Files.writeString(root.resolve("etc/fstab"), "/dev/sda / ext4 defaults 0 1\n");
  }

  /**
   * Writes a raw, unpartitioned ext4 image of {@code root}'s tree with {@code freeBytes} to spare.
   */
  public static void makeExt4(Path root, Path image, long freeBytes) {
    long used = treeBytes(root);
    long size = (used + freeBytes) * 11 / 10 + (8L << 20);
    String mkfs =
        MKFS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    List<String> argv =
        mkfs != null
            ? List.of(mkfs, "-q", "-F", "-d", root.toString(), image.toString(), size / 1024 + "k")
            : List.of(
                "virt-make-fs",
                "--type=ext4",
                "--size=+" + (freeBytes / 1024 + 1024) + "K",
                root.toString(),
                image.toString());
    run(argv);
  }

  /** A qcow2 image whose writes stay out of {@code base}: a fresh disk for each benchmark run. */
  public static void qcow2Overlay(Path base, Path overlay) {
    run(
        List.of(
            "qemu-img",
            "create",
            "-q",
            "-f",
            "qcow2",
            "-F",
            "raw",
            "-b",
            base.toString(),
            overlay.toString()));
  }

  private static void run(List<String> argv) {
    try {
      ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
      builder.environment().putAll(GuestfishCommand.environment(false));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new InjectionFailedException(argv.get(0) + " failed: " + output.strip());
      }
    } catch (IOException e) {
      throw new InjectionFailedException("cannot run " + argv.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InjectionFailedException("interrupted while running " + argv.get(0));
    }
  }

  private static long treeBytes(Path root) {
    try (var paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length() + 4096).sum();
    } catch (IOException e) {
      throw new InjectionFailedException("cannot read " + root + ": " + e.getMessage());
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
