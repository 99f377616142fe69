package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.DiskBuild;
import dev.graft.inject.DiskResult;
import dev.graft.inject.FileToInject;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import dev.graft.inject.script.GuestfishCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One shared launch over disks laid out as real images ({@link GuestLayouts}), with real libguestfs
 * and no {@code inspect-os}: two clones of the Ubuntu-like layout (GPT, ESP, {@code /boot}, root,
 * mounted by label), the second with an {@code /etc/fstab} a build changed ({@code /boot}'s
 * filesystem moved to {@code /srv/boot}); the plain ext4 layout; and the RHEL-like (LVM) and
 * Fedora-like (btrfs subvolumes) ones, which a shared launch must hand to launches of their own.
 * Each file is read back from the filesystem of the disk it must land on.
 */
class SharedLaunchLayoutsTest {

  @Test
  void eachDiskMountsItsOwnFstabAndWhatItCannotFollowIsBuiltAlone(@TempDir Path dir)
      throws Exception {
    TestGuestfs.requireLibguestfs();
    Path a = GuestLayouts.copy(GuestLayouts.UBUNTU, dir.resolve("ubuntu-a.img"));
    Path rhel = GuestLayouts.copy(GuestLayouts.RHEL, dir.resolve("rhel.img"));
    Path b = GuestLayouts.copy(GuestLayouts.UBUNTU, dir.resolve("ubuntu-b.img"));
    Path fedora = GuestLayouts.copy(GuestLayouts.FEDORA, dir.resolve("fedora.img"));
    Path plain = GuestLayouts.copy(GuestLayouts.PLAIN, dir.resolve("plain.img"));
    // The clone's fstab as a build left it: same UUIDs and labels, BOOT now at /srv/boot.
    List<String> out = new ArrayList<>();
    Guestfish.Result changed =
        Guestfish.run(
            List.of(
                "guestfish",
                "--rw",
                "--format=raw",
                "-a",
                b.toString(),
                "-i",
                "write",
                "/etc/fstab",
                "LABEL=cloudimg-rootfs / ext4 defaults 0 1\nLABEL=BOOT /srv/boot ext4 defaults 0 2\n",
                ":",
                "mkdir-p",
                "/srv/boot"),
            GuestfishCommand.environment(false),
            600,
            out::add);
    assertThat(changed.exitCode()).as("%s %s", changed.errors(), out).isZero();

    List<DiskBuild> builds =
        List.of(
            build(a, file("/etc/motd", "a\n"), file("/boot/graft-boot.cfg", "a-boot\n")),
            build(rhel, file("/etc/motd", "r\n"), file("/boot/graft-boot.cfg", "r-boot\n")),
            build(
                b,
                file("/etc/motd", "b\n"),
                file("/boot/graft-boot.cfg", "b-boot\n"),
                file("/srv/boot/b.cfg", "b-srv\n")),
            build(fedora, file("/etc/motd", "f\n"), file("/home/alice/f.txt", "f-home\n")),
            build(plain, file("/etc/motd", "p\n"), file("/boot/graft-boot.cfg", "p-boot\n")));
    List<String> progress = new ArrayList<>();
    List<DiskResult> results = new LocalInjector(KvmMode.NEVER, progress::add).injectAll(builds);

    assertThat(results).allSatisfy(r -> assertThat(r.succeeded()).as("%s", r).isTrue());
    assertThat(progress).filteredOn(l -> l.startsWith("launched the appliance on 5")).hasSize(1);
    assertThat(progress)
        .filteredOn(l -> l.contains("built alone"))
        .satisfiesExactly(
            l -> assertThat(l).startsWith(rhel + ": built alone (/dev/sdb2 holds LVM2_member)"),
            l -> assertThat(l).startsWith(fedora + ": built alone (/dev/sdd2 holds btrfs)"));

    var image =
        TestGuestfs.readMounted(
            List.of(a, rhel, b, fedora, plain),
            """
            mkmountpoint /a-root
            mkmountpoint /a-boot
            mkmountpoint /b-root
            mkmountpoint /b-boot
            mkmountpoint /r-root
            mkmountpoint /r-boot
            mkmountpoint /f-root
            mkmountpoint /f-home
            mkmountpoint /p-root
            mount-ro /dev/sda3 /a-root
            mount-ro /dev/sda2 /a-boot
            mount-ro /dev/sdc3 /b-root
            mount-ro /dev/sdc2 /b-boot
            mount-ro /dev/rhel/root /r-root
            mount-ro /dev/sdb1 /r-boot
            mount-options ro,subvol=root /dev/sdd2 /f-root
            mount-options ro,subvol=home /dev/sdd2 /f-home
            mount-ro /dev/sde /p-root
            """,
            List.of(
                "/a-root/etc/motd",
                "/a-boot/graft-boot.cfg",
                "/b-root/etc/motd",
                "/b-root/boot/graft-boot.cfg",
                "/b-boot/b.cfg",
                "/r-root/etc/motd",
                "/r-boot/graft-boot.cfg",
                "/f-root/etc/motd",
                "/f-home/alice/f.txt",
                "/p-root/etc/motd",
                "/p-root/boot/graft-boot.cfg"),
            List.of(
                "/a-root/boot/graft-boot.cfg",
                "/a-boot/b.cfg",
                "/b-boot/graft-boot.cfg",
                "/b-root/srv/boot/b.cfg",
                "/r-root/boot/graft-boot.cfg",
                "/f-root/home/alice/f.txt"));
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("/a-root/etc/motd", "a\n"),
            Map.entry("/a-boot/graft-boot.cfg", "a-boot\n"),
            Map.entry("/b-root/etc/motd", "b\n"),
            // The clone's /boot is a plain directory of its root now: the file lands there.
            Map.entry("/b-root/boot/graft-boot.cfg", "b-boot\n"),
            Map.entry("/b-boot/b.cfg", "b-srv\n"),
            Map.entry("/r-root/etc/motd", "r\n"),
            Map.entry("/r-boot/graft-boot.cfg", "r-boot\n"),
            Map.entry("/f-root/etc/motd", "f\n"),
            Map.entry("/f-home/alice/f.txt", "f-home\n"),
            Map.entry("/p-root/etc/motd", "p\n"),
            Map.entry("/p-root/boot/graft-boot.cfg", "p-boot\n"));
    expected.forEach((path, text) -> assertThat(image.get(path).text()).as(path).isEqualTo(text));
  }

  static DiskBuild build(Path disk, FileToInject... files) {
    return new DiskBuild(disk, "raw", List.of(files), List.of(), 1_700_000_000L, disk.toString());
  }

  static FileToInject file(String path, String content) {
    return new FileToInject(
        path, "0644", "0:0", new Payload.Inline(content.getBytes(StandardCharsets.UTF_8)));
  }
}
