package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures real images bring, each on a real image with real libguestfs, each a clear message
 * naming the image (one launch each; two for the diagnoses that need a second look).
 */
class GuestFailuresTest {

  static final LocalInjector INJECTOR = new LocalInjector(KvmMode.NEVER, line -> {});

  static List<FileToInject> file(String path, String owner, byte[] bytes) {
    return List.of(new FileToInject(path, "0644", owner, new Payload.Inline(bytes)));
  }

  static List<FileToInject> small(String path) {
    return file(path, null, "x\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noOperatingSystem(@TempDir Path dir) throws IOException {
    TestGuestfs.requireLibguestfs();
    Path root = dir.resolve("data");
    Files.createDirectories(root);
    Files.writeString(root.resolve("notes.txt"), "just data\n");
    Path disk = dir.resolve("data.img");
    DiskImages.makeExt4(root, disk, 1 << 20);
    assertThatThrownBy(() -> INJECTOR.inject(disk, "raw", small("/etc/motd"), List.of()))
        .isInstanceOf(InjectionFailedException.class)
        .hasMessageContaining("no operating system found in the image " + disk)
        .hasMessageContaining("no operating system was found");
  }

  @Test
  void encryptedRoot(@TempDir Path dir) throws Exception {
    TestGuestfs.requireLibguestfs();
    requireTool("/usr/sbin/cryptsetup", "cryptsetup-bin");
    Path disk = dir.resolve("luks.img");
    Path key = dir.resolve("key");
    Files.writeString(key, "graft-test-key");
    try (var file = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
      file.setLength(32L << 20);
    }
    run(
        "/usr/sbin/cryptsetup",
        "luksFormat",
        "--batch-mode",
        "--type",
        "luks2",
        "--pbkdf",
        "pbkdf2",
        "--pbkdf-force-iterations",
        "1000",
        "--key-file",
        key.toString(),
        disk.toString());
    assertThatThrownBy(() -> INJECTOR.inject(disk, "raw", small("/etc/motd"), List.of()))
        .isInstanceOf(InjectionFailedException.class)
        .hasMessageContaining("the image " + disk + " has an encrypted (LUKS) filesystem on")
        .hasMessageContaining("cannot inspect or write an encrypted root");
  }

  @Test
  void fullFilesystem(@TempDir Path dir) throws IOException {
    TestGuestfs.requireLibguestfs();
    Path root = dir.resolve("rootfs");
    DiskImages.linuxLikeRoot(root, "Graft Full Linux");
    Path disk = dir.resolve("full.img");
    DiskImages.makeExt4(root, disk, 1 << 20);
    byte[] big = new byte[48 << 20];
    new java.util.Random(1).nextBytes(big);
    assertThatThrownBy(() -> INJECTOR.inject(disk, "raw", file("/opt/big", null, big), List.of()))
        .isInstanceOf(InjectionFailedException.class)
        .hasMessageContaining("a filesystem of the image " + disk + " is full: the files for /")
        .hasMessageContaining("need " + ((48 << 20) + 4096) + " bytes");
  }

  @Test
  void readOnlyFilesystem(@TempDir Path dir) throws Exception {
    TestGuestfs.requireLibguestfs();
    requireTool("/usr/bin/mksquashfs", "squashfs-tools");
    Path root = dir.resolve("rootfs");
    DiskImages.linuxLikeRoot(root, "Graft Squash Linux");
    Files.writeString(root.resolve("etc/fstab"), "/dev/sda / squashfs defaults 0 0\n");
    Path disk = dir.resolve("squash.img");
    run("/usr/bin/mksquashfs", root.toString(), disk.toString(), "-quiet", "-noappend");
    assertThatThrownBy(() -> INJECTOR.inject(disk, "raw", small("/etc/motd"), List.of()))
        .isInstanceOf(InjectionFailedException.class)
        .hasMessageContaining("a filesystem of the image " + disk + " is read-only: / is mounted");
  }

  @Test
  void parentIsAFile(@TempDir Path dir) throws IOException {
    TestGuestfs.requireLibguestfs();
    Path disk = TestGuestfs.linuxLikeDisk(dir, Map.of(), Map.of(), 1 << 20);
    assertThatThrownBy(
            () -> INJECTOR.inject(disk, "raw", small("/etc/os-release/extra.conf"), List.of()))
        .isInstanceOf(InjectionInputException.class)
        .hasMessage(
            "files[0].path: \"/etc/os-release/extra.conf\": its parent /etc/os-release is a file,"
                + " not a directory, in the image "
                + disk);
  }

  @Test
  void parentIsASymlinkOutOfTheGuestRoot(@TempDir Path dir) throws IOException {
    TestGuestfs.requireLibguestfs();
    Path disk =
        TestGuestfs.linuxLikeDisk(dir, Map.of(), Map.of("usr/escape", "../../../../tmp"), 1 << 20);
    assertThatThrownBy(() -> INJECTOR.inject(disk, "raw", small("/usr/escape/x.conf"), List.of()))
        .isInstanceOf(InjectionInputException.class)
        .hasMessage(
            "files[0].path: \"/usr/escape/x.conf\": its parent /usr/escape is a symlink to"
                + " \"../../../../tmp\", out of the guest's root, in the image "
                + disk);
  }

  @Test
  void unknownOwnerName(@TempDir Path dir) throws IOException {
    TestGuestfs.requireLibguestfs();
    Path disk =
        TestGuestfs.linuxLikeDisk(
            dir, Map.of("etc/passwd", "root:x:0:0::/root:/bin/sh\n"), Map.of(), 1 << 20);
    assertThatThrownBy(
            () ->
                INJECTOR.inject(
                    disk, "raw", file("/etc/app.conf", "ghost:root", new byte[1]), List.of()))
        .isInstanceOf(InjectionInputException.class)
        .hasMessage("files[0].owner: no user \"ghost\" in /etc/passwd of the image " + disk);
  }

  static void requireTool(String path, String pkg) {
    if (Files.isExecutable(Path.of(path))) {
      return;
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError("CI is set but " + path + " is missing: .ci/run installs " + pkg);
    }
    Assumptions.abort(path + " not installed (" + pkg + ")");
  }

  static void run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0)
        .as("%s: %s", String.join(" ", argv), out)
        .isTrue();
  }
}
