package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injector image cannot be built here (no Docker engine), so this runs its recipe on the host:
 * deploy/injector/make-appliance.sh builds and shrinks the fixed libguestfs appliance, and
 * guestfish, as a non-root user with a read-only appliance as in the Job, injects a file with mode
 * and owner into a fresh disk.
 */
class InjectorApplianceTest {

  @Test
  void fixedApplianceIsSmallAndWorksForANonRootUser(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(
        onPath("libguestfs-make-fixed-appliance") && onPath("guestfish"),
        "libguestfs-tools not installed (.ci/run installs it)");
    // the non-root user below must reach the appliance and its work directory
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path appliance = tmp.resolve("fixed");
    String made =
        run(
            List.of(
                "sh",
                Repo.ROOT.resolve("deploy/injector/make-appliance.sh").toString(),
                appliance.toString()),
            null);
    assertThat(made).contains("fixed appliance in");
    for (String f : List.of("kernel", "initrd", "root", "README.fixed")) {
      assertThat(appliance.resolve(f)).isRegularFile();
    }
    // shrunk from the 4 GiB sparse file, which image layers would store in full
    assertThat(Files.size(appliance.resolve("root"))).isLessThan(2L << 30);

    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path motd = work.resolve("motd");
    Files.writeString(motd, "Built by Graft\n");
    Files.setPosixFilePermissions(motd, PosixFilePermissions.fromString("rw-r--r--"));
    String script =
        """
        mkdir-p /etc/graft
        upload %s /etc/graft/motd
        chmod 0640 /etc/graft/motd
        chown 107 107 /etc/graft/motd
        cat /etc/graft/motd
        stat /etc/graft/motd
        """
            .formatted(motd);
    List<String> command = new ArrayList<>();
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      // as the Job: a non-root uid with nothing writable but its work directory
      command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    }
    command.addAll(
        List.of(
            "env",
            "HOME=" + work,
            "TMPDIR=" + work,
            "LIBGUESTFS_CACHEDIR=" + work,
            "LIBGUESTFS_BACKEND=direct",
            "LIBGUESTFS_BACKEND_SETTINGS=force_tcg",
            "LIBGUESTFS_PATH=" + appliance,
            "guestfish",
            "-N",
            work.resolve("disk.img") + "=fs:ext4:32M",
            "-m",
            "/dev/sda1"));
    String out = run(command, script);
    assertThat(out)
        .contains("Built by Graft")
        .containsPattern("uid: 107")
        .containsPattern("gid: 107");
    assertThat(out).containsPattern("mode: 33184"); // 0100640: a regular file, rw-r-----
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool));
  }

  static String run(List<String> command, String stdin) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("%s timed out", command).isTrue();
    assertThat(p.exitValue()).as("%s:%n%s", command, out).isZero();
    return out;
  }
}
