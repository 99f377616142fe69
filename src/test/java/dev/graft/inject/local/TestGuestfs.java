package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.inject.script.GuestfishCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Real libguestfs for tests: a Linux-like disk image, and one-launch read-back of many paths. */
public final class TestGuestfs {

  /** What {@code lstatns} says about a path, plus its bytes for regular files. */
  public record Entry(
      int stMode, int uid, int gid, long size, long mtime, byte[] bytes, String label) {
    public int permissions() {
      return stMode & 07777;
    }

    public boolean isFile() {
      return (stMode & 0170000) == 0100000;
    }

    public boolean isDirectory() {
      return (stMode & 0170000) == 0040000;
    }

    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private TestGuestfs() {}

  /** Skips without libguestfs, except in CI ({@code CI} set), where its absence is a failure. */
  public static void requireLibguestfs() {
    if (DiskImages.libguestfsInstalled()) {
      return;
    }
    if (System.getenv("CI") != null) {
      fail("CI is set but guestfish is not installed: .ci/run must install libguestfs-tools");
    }
    Assumptions.abort("libguestfs-tools not installed (guestfish missing); real-disk test skipped");
  }

  /**
   * A raw ext4 image that libguestfs inspection takes for Linux: /etc/os-release, /etc/fstab, /bin,
   * plus the given extra files (path relative to the root, text content) and symlinks.
   */
  public static Path linuxLikeDisk(
      Path dir, Map<String, String> files, Map<String, String> symlinks, long freeBytes)
      throws IOException {
    Path root = dir.resolve("rootfs");
    DiskImages.linuxLikeRoot(root, "Graft Test Linux");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = root.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    for (Map.Entry<String, String> l : symlinks.entrySet()) {
      Files.createSymbolicLink(root.resolve(l.getKey()), Path.of(l.getValue()));
    }
    Path image = dir.resolve("disk.img");
    DiskImages.makeExt4(root, image, freeBytes);
    return image;
  }

  /**
   * Reads {@code present} paths (stat, and bytes of regular files) and checks that {@code absent}
   * ones do not exist, in ONE read-only appliance launch.
   */
  public static Map<String, Entry> readBack(Path disk, List<String> present, List<String> absent)
      throws IOException {
    return read(List.of("--format=raw", "-a", disk.toString(), "-i"), "", present, absent);
  }

  /**
   * As {@link #readBack}, on {@code disks} mounted read-only by {@code mounts} (guestfish lines run
   * after the launch, e.g. {@code mkmountpoint /boot-fs} and {@code mount-ro /dev/sda2 /boot-fs}):
   * what a path holds on one particular filesystem, not on the guest's merged tree.
   */
  public static Map<String, Entry> readMounted(
      List<Path> disks, String mounts, List<String> present, List<String> absent)
      throws IOException {
    List<String> args = new java.util.ArrayList<>();
    for (Path disk : disks) {
      args.addAll(List.of("--format=raw", "-a", disk.toString()));
    }
    return read(args, "run\n" + mounts, present, absent);
  }

  private static Map<String, Entry> read(
      List<String> disks, String prelude, List<String> present, List<String> absent)
      throws IOException {
    Path dir = Files.createTempDirectory("graft-readback-");
    StringBuilder script = new StringBuilder(prelude);
    for (int i = 0; i < present.size(); i++) {
      script.append("echo ==").append(i).append('\n');
      script.append("lstatns ").append(present.get(i)).append('\n');
      script.append("is-file ").append(present.get(i)).append('\n');
    }
    for (int i = 0; i < absent.size(); i++) {
      script.append("echo ==absent ").append(absent.get(i)).append('\n');
      script.append("exists ").append(absent.get(i)).append('\n');
    }
    for (int i = 0; i < present.size(); i++) {
      script.append("echo ==label ").append(i).append('\n');
      // lgetxattr prints the raw value, NUL included, without a newline.
      script.append("-lgetxattr ").append(present.get(i)).append(" security.selinux\necho\n");
    }
    script.append("echo ==end\n");
    // Downloads may fail for directories ("-" keeps going); is-file tells which ones count.
    for (int i = 0; i < present.size(); i++) {
      script
          .append("-download ")
          .append(present.get(i))
          .append(' ')
          .append(dir.resolve("f" + i))
          .append('\n');
    }
    Path gf = dir.resolve("readback.gf");
    Files.writeString(gf, script.toString());
    StringBuilder output = new StringBuilder();
    List<String> argv = new java.util.ArrayList<>(List.of("guestfish", "--ro"));
    argv.addAll(disks);
    argv.addAll(List.of("-f", gf.toString()));
    Guestfish.Result result =
        Guestfish.run(
            argv,
            GuestfishCommand.environment(false),
            600,
            line -> output.append(line).append('\n'));
    assertThat(result.exitCode()).as("read-back guestfish: %s", result.errors()).isZero();

    Map<String, Entry> entries = new HashMap<>();
    Map<String, Long> stat = new HashMap<>();
    Map<Integer, String> labels = new HashMap<>();
    Map<Integer, Boolean> isFile = new HashMap<>();
    Map<Integer, Map<String, Long>> stats = new HashMap<>();
    int current = -1;
    int label = -1;
    String absentPath = null;
    for (String line : output.toString().split("\n")) {
      boolean answer = line.equals("true") || line.equals("false");
      if (line.startsWith("==absent ")) {
        absentPath = line.substring("==absent ".length());
        current = -1;
      } else if (line.startsWith("==label ")) {
        label = Integer.parseInt(line.substring("==label ".length()));
        current = -1;
        absentPath = null;
      } else if (line.equals("==end")) {
        label = -1;
      } else if (line.startsWith("==")) {
        current = Integer.parseInt(line.substring(2));
        absentPath = null;
        stat = new HashMap<>();
        stats.put(current, stat);
      } else if (label >= 0) {
        String text = line.replace("\0", "").strip();
        if (!text.isEmpty()) {
          labels.put(label, text);
        }
      } else if (absentPath != null && answer) {
        assertThat(line).as("%s must not exist in the image", absentPath).isEqualTo("false");
      } else if (current >= 0 && line.startsWith("st_")) {
        String[] kv = line.split(": ");
        stat.put(kv[0], Long.parseLong(kv[1]));
      } else if (current >= 0 && answer) {
        isFile.put(current, line.equals("true"));
      }
    }
    for (Map.Entry<Integer, Boolean> f : isFile.entrySet()) {
      int i = f.getKey();
      Map<String, Long> st = stats.get(i);
      byte[] bytes = f.getValue() ? Files.readAllBytes(dir.resolve("f" + i)) : new byte[0];
      entries.put(
          present.get(i),
          new Entry(
              st.get("st_mode").intValue(),
              st.get("st_uid").intValue(),
              st.get("st_gid").intValue(),
              st.get("st_size"),
              st.get("st_mtime_sec"),
              bytes,
              labels.get(i)));
    }
    assertThat(entries.keySet()).containsExactlyInAnyOrderElementsOf(present);
    return entries;
  }
}
