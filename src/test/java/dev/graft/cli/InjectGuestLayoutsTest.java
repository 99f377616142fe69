package dev.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.InjectionReport;
import dev.graft.inject.local.GuestLayouts;
import dev.graft.inject.local.TestGuestfs;
import dev.graft.inject.local.TestGuestfs.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft inject --disk D --spec S} on disks laid out as real images ({@link GuestLayouts}):
 * Ubuntu-like GPT with ESP and /boot, RHEL-like LVM + XFS with SELinux enforcing (with and without
 * policy files), Fedora-like btrfs subvolumes, plain ext4. Every file is read back from the
 * filesystem it must land on (each partition, logical volume and subvolume mounted on its own),
 * with bytes, mode, owner (given by name, resolved from the guest), mtime and SELinux label.
 * Launches: the templates once (cached), one inject per layout, one read-back for all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectGuestLayoutsTest {

  static final long MTIME = 1767225600L; // 2026-01-01T00:00:00Z, from the spec
  static final byte[] BIG = big();

  final Map<String, Cli> runs = new HashMap<>();
  Map<String, Entry> image;

  static byte[] big() {
    byte[] bytes = new byte[7 << 20]; // above the upload threshold: uploaded, not archived
    new Random(7).nextBytes(bytes);
    return bytes;
  }

  static final String SPEC =
      """
      mtime: "2026-01-01T00:00:00Z"
      files:
        - path: /etc/motd
          content: "hello from graft\\n"
        - path: /boot/graft-boot.cfg
          mode: "0600"
          content: "boot=graft\\n"
        - path: /home/alice/.ssh/authorized_keys
          mode: "0600"
          owner: "alice:alice"
          content: "ssh-ed25519 AAAA alice\\n"
        - path: /etc/nginx/nginx.conf
          mode: "0640"
          owner: "nginx:nginx"
          content: "worker_processes 1;\\n"
        - path: /usr/local/bin/suid
          mode: "04755"
          owner: "0:nginx"
          content: "#!/bin/sh\\n"
        - path: /srv/shared
          mode: "01777"
          content: "shared\\n"
        - path: /etc/plain-mode
          mode: "644"
          content: "plain\\n"
        - path: /opt/big/blob.bin
          mode: "0600"
          owner: "alice:1000"
          contentBase64: %s
      remove:
        - /etc/remove-me.conf
      """;

  /** Each filesystem mounted on its own: the layout's root, boot, home, as the guest has them. */
  static final String MOUNTS =
      """
      mkmountpoint /u-root
      mkmountpoint /u-boot
      mkmountpoint /r-root
      mkmountpoint /r-boot
      mkmountpoint /c-root
      mkmountpoint /f-root
      mkmountpoint /f-home
      mkmountpoint /f-boot
      mkmountpoint /p-root
      mount-ro /dev/sda3 /u-root
      mount-ro /dev/sda2 /u-boot
      mount-ro /dev/rhel/root /r-root
      mount-ro /dev/sdb1 /r-boot
      mount-ro /dev/cs/root /c-root
      mount-options ro,subvol=root /dev/sdd2 /f-root
      mount-options ro,subvol=home /dev/sdd2 /f-home
      mount-ro /dev/sdd1 /f-boot
      mount-ro /dev/sde /p-root
      """;

  /** Where each layout's root filesystem is mounted for the read-back. */
  static final Map<String, String> ROOT =
      Map.of(
          GuestLayouts.UBUNTU, "/u-root",
          GuestLayouts.RHEL, "/r-root",
          GuestLayouts.RHEL_NO_POLICY, "/c-root",
          GuestLayouts.FEDORA, "/f-root",
          GuestLayouts.PLAIN, "/p-root");

  static final List<String> ON_ROOT =
      List.of(
          "/etc/motd",
          "/etc/nginx/nginx.conf",
          "/etc/nginx",
          "/usr/local/bin/suid",
          "/srv/shared",
          "/etc/plain-mode",
          "/opt/big/blob.bin");

  @BeforeAll
  void injectIntoEveryLayout(@TempDir Path dir) throws Exception {
    TestGuestfs.requireLibguestfs();
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, SPEC.formatted(Base64.getEncoder().encodeToString(BIG)));
    List<Path> disks = new ArrayList<>();
    long started = System.nanoTime();
    for (String layout : GuestLayouts.ALL) {
      Path disk = GuestLayouts.copy(layout, dir.resolve(layout + ".img"));
      disks.add(disk);
      Cli run =
          Cli.run(
              "inject",
              "--disk",
              disk.toString(),
              "--format",
              "raw",
              "--spec",
              spec.toString(),
              "--kvm",
              "never");
      assertThat(run.status()).as("%s: %s%n%s", layout, run.err(), run.out()).isZero();
      runs.put(layout, run);
    }
    System.out.printf(
        "graft inject on %d layouts: %.1f s%n", disks.size(), (System.nanoTime() - started) / 1e9);

    List<String> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (String layout : GuestLayouts.ALL) {
      String root = ROOT.get(layout);
      ON_ROOT.forEach(p -> present.add(root + p));
      absent.add(root + "/etc/remove-me.conf");
    }
    // /boot on its own filesystem where the layout has one; the root's /boot stays empty.
    present.addAll(
        List.of(
            "/u-boot/graft-boot.cfg",
            "/r-boot/graft-boot.cfg",
            "/f-boot/graft-boot.cfg",
            "/p-root/boot/graft-boot.cfg"));
    absent.addAll(
        List.of(
            "/u-root/boot/graft-boot.cfg",
            "/r-root/boot/graft-boot.cfg",
            "/f-root/boot/graft-boot.cfg"));
    // /home in the btrfs home subvolume on Fedora, nowhere in its root subvolume.
    present.addAll(
        List.of(
            "/u-root/home/alice/.ssh/authorized_keys",
            "/r-root/home/alice/.ssh/authorized_keys",
            "/r-root/home/alice/.ssh",
            "/c-root/home/alice/.ssh/authorized_keys",
            "/f-home/alice/.ssh/authorized_keys",
            "/p-root/home/alice/.ssh/authorized_keys",
            "/c-root/.autorelabel"));
    absent.addAll(
        List.of(
            "/f-root/home/alice",
            "/r-root/.autorelabel",
            "/u-root/.autorelabel",
            "/f-root/.autorelabel",
            "/p-root/.autorelabel"));
    started = System.nanoTime();
    image = TestGuestfs.readMounted(disks, MOUNTS, present, absent);
    System.out.printf("read back 5 layouts: %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  @Test
  void writesEveryFileOnTheFilesystemItBelongsTo() {
    for (String layout : GuestLayouts.ALL) {
      String root = ROOT.get(layout);
      assertThat(image.get(root + "/etc/motd").text()).as(layout).isEqualTo("hello from graft\n");
      assertThat(image.get(root + "/opt/big/blob.bin").bytes()).as(layout).isEqualTo(BIG);
      assertThat(image.get(root + "/etc/plain-mode").text()).as(layout).isEqualTo("plain\n");
    }
    for (String boot :
        List.of(
            "/u-boot/graft-boot.cfg",
            "/r-boot/graft-boot.cfg",
            "/f-boot/graft-boot.cfg",
            "/p-root/boot/graft-boot.cfg")) {
      assertThat(image.get(boot).text()).as(boot).isEqualTo("boot=graft\n");
      assertThat(image.get(boot).permissions()).as(boot).isEqualTo(0600);
    }
    assertThat(image.get("/f-home/alice/.ssh/authorized_keys").text())
        .isEqualTo("ssh-ed25519 AAAA alice\n");
  }

  @Test
  void setsModesAsWrittenAndOwnersResolvedFromTheGuest() {
    for (String layout : GuestLayouts.ALL) {
      String root = ROOT.get(layout);
      Entry nginx = image.get(root + "/etc/nginx/nginx.conf");
      assertThat(nginx.permissions()).as(layout).isEqualTo(0640);
      assertThat(nginx.uid()).as(layout).isEqualTo(995);
      assertThat(nginx.gid()).as(layout).isEqualTo(993);
      Entry suid = image.get(root + "/usr/local/bin/suid");
      assertThat(suid.permissions()).as(layout).isEqualTo(04755);
      assertThat(suid.uid()).as(layout).isZero();
      assertThat(suid.gid()).as(layout).isEqualTo(993);
      assertThat(image.get(root + "/srv/shared").permissions()).as(layout).isEqualTo(01777);
      assertThat(image.get(root + "/etc/plain-mode").permissions()).as(layout).isEqualTo(0644);
      Entry blob = image.get(root + "/opt/big/blob.bin");
      assertThat(blob.permissions()).as(layout).isEqualTo(0600);
      assertThat(blob.uid()).as(layout).isEqualTo(1000);
      assertThat(blob.gid()).as(layout).isEqualTo(1000);
    }
    Entry keys = image.get("/f-home/alice/.ssh/authorized_keys");
    assertThat(keys.uid()).isEqualTo(1000);
    assertThat(keys.gid()).isEqualTo(1000);
  }

  @Test
  void stampsTheSpecsMtimeOnArchivedAndUploadedFiles() {
    for (String layout : GuestLayouts.ALL) {
      String root = ROOT.get(layout);
      for (String f : List.of("/etc/motd", "/opt/big/blob.bin", "/usr/local/bin/suid")) {
        assertThat(image.get(root + f).mtime()).as(layout + f).isEqualTo(MTIME);
      }
    }
  }

  @Test
  void labelsFilesFromTheGuestsPolicyOnTheSelinuxGuest() {
    assertThat(image.get("/r-root/etc/nginx/nginx.conf").label())
        .isEqualTo("system_u:object_r:httpd_config_t:s0");
    assertThat(image.get("/r-root/etc/nginx").label())
        .isEqualTo("system_u:object_r:httpd_config_t:s0");
    assertThat(image.get("/r-root/etc/motd").label()).isEqualTo("system_u:object_r:etc_t:s0");
    assertThat(image.get("/r-root/home/alice/.ssh/authorized_keys").label())
        .isEqualTo("unconfined_u:object_r:ssh_home_t:s0");
    assertThat(image.get("/r-root/home/alice/.ssh").label())
        .isEqualTo("unconfined_u:object_r:ssh_home_t:s0");
    assertThat(image.get("/r-root/opt/big/blob.bin").label())
        .isEqualTo("system_u:object_r:usr_t:s0");
    assertThat(image.get("/r-boot/graft-boot.cfg").label()).isNotNull();
    assertThat(report(GuestLayouts.RHEL).selinux()).isEqualTo("relabeled");
    assertThat(runs.get(GuestLayouts.RHEL).out()).contains("SELinux labels: relabeled");
  }

  @Test
  void schedulesARelabelWhenTheSelinuxGuestShipsNoPolicy() {
    assertThat(image.get("/c-root/.autorelabel").isFile()).isTrue();
    assertThat(image.get("/c-root/etc/motd").label()).isNull();
    assertThat(report(GuestLayouts.RHEL_NO_POLICY).selinux()).isEqualTo("autorelabel");
  }

  @Test
  void leavesGuestsWithoutSelinuxUnlabeled() {
    for (String layout : List.of(GuestLayouts.UBUNTU, GuestLayouts.FEDORA, GuestLayouts.PLAIN)) {
      assertThat(report(layout).selinux()).as(layout).isEqualTo("none");
      assertThat(image.get(ROOT.get(layout) + "/etc/motd").label()).as(layout).isNull();
    }
  }

  @Test
  void reportsWhatItDid() {
    for (String layout : GuestLayouts.ALL) {
      InjectionReport report = report(layout);
      assertThat(report.filesAdded()).as(layout).isEqualTo(8);
      assertThat(report.filesRemoved()).as(layout).isEqualTo(1);
    }
  }

  private InjectionReport report(String layout) {
    return InjectionReport.parse(runs.get(layout).out()).orElseThrow();
  }
}
