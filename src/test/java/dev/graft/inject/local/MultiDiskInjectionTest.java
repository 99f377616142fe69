package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.DiskBuild;
import dev.graft.inject.DiskResult;
import dev.graft.inject.FileToInject;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four disks in ONE appliance launch, with real libguestfs: copies of one image (the same
 * filesystem UUID and an {@code /etc/fstab} naming {@code /dev/sda}, as clones of one parent are),
 * so inspection alone would mount the first disk for every one. Two succeed, each with its own
 * files only; one fails on an unknown owner and one on a full filesystem, and neither stops the
 * disks after it.
 */
class MultiDiskInjectionTest {

  @Test
  void buildsEachDiskInOneLaunchAndFailsOnlyTheBadOnes(@TempDir Path dir) throws IOException {
    TestGuestfs.requireLibguestfs();
    Path base =
        TestGuestfs.linuxLikeDisk(
            dir,
            Map.of(
                "etc/passwd", "root:x:0:0::/root:/bin/sh\nnginx:x:101:101::/var/www:/bin/false\n",
                "etc/group", "root:x:0:\nnginx:x:101:\n",
                "etc/remove-me.conf", "old\n"),
            Map.of(),
            1 << 20);
    List<Path> disks = new ArrayList<>();
    for (String name : List.of("a", "ghost", "b", "full")) {
      disks.add(Files.copy(base, dir.resolve(name + ".img")));
    }
    byte[] big = new byte[24 << 20];
    new java.util.Random(7).nextBytes(big);
    List<DiskBuild> builds =
        List.of(
            build(
                disks.get(0),
                List.of(file("/etc/a.conf", "0640", "nginx:nginx", "a\n".getBytes())),
                List.of("/etc/remove-me.conf")),
            build(
                disks.get(1),
                List.of(file("/etc/ghost.conf", null, "ghost:root", new byte[1])),
                List.of()),
            build(
                disks.get(2),
                List.of(
                    file("/etc/b.conf", null, null, "b\n".getBytes()),
                    file("/opt/new/dir/tool", "0755", "0:0", "#!/bin/sh\n".getBytes())),
                List.of()),
            build(disks.get(3), List.of(file("/opt/big", null, null, big)), List.of()));

    List<String> progress = new ArrayList<>();
    List<DiskResult> results = new LocalInjector(KvmMode.NEVER, progress::add).injectAll(builds);

    assertThat(progress)
        .as("one launch for all four")
        .filteredOn(l -> l.contains("launched"))
        .hasSize(1);
    assertThat(progress).noneMatch(l -> l.contains("built alone"));
    assertThat(results).hasSize(4);
    assertThat(results.get(0).succeeded()).as("%s", results.get(0)).isTrue();
    assertThat(results.get(0).report().filesAdded()).isEqualTo(1);
    assertThat(results.get(0).report().filesRemoved()).isEqualTo(1);
    assertThat(results.get(1).failure())
        .isEqualTo("files[0].owner: no user \"ghost\" in /etc/passwd of the image " + disks.get(1));
    assertThat(results.get(2).succeeded()).as("%s", results.get(2)).isTrue();
    assertThat(results.get(2).report().filesAdded()).isEqualTo(2);
    assertThat(results.get(2).report().bytesAdded()).isEqualTo(12);
    assertThat(results.get(3).failure())
        .contains("a filesystem of the image " + disks.get(3) + " is full: the files for /");
    double launch = results.get(0).report().launchSeconds();
    assertThat(results.get(2).report().launchSeconds()).as("one shared launch").isEqualTo(launch);
    assertThat(results.get(2).report().seconds()).isGreaterThan(launch);

    var image =
        TestGuestfs.readMounted(
            List.of(disks.get(0), disks.get(1), disks.get(2)),
            "mkmountpoint /a\nmkmountpoint /g\nmkmountpoint /b\n"
                + "mount-ro /dev/sda /a\nmount-ro /dev/sdb /g\nmount-ro /dev/sdc /b\n",
            List.of(
                "/a/etc/a.conf", "/b/etc/b.conf", "/b/opt/new/dir/tool", "/b/etc/remove-me.conf"),
            List.of(
                "/a/etc/remove-me.conf",
                "/a/etc/b.conf",
                "/a/opt/new",
                "/b/etc/a.conf",
                "/g/etc/ghost.conf",
                "/g/etc/a.conf",
                "/g/etc/b.conf"));
    assertThat(image.get("/a/etc/a.conf").text()).isEqualTo("a\n");
    assertThat(image.get("/a/etc/a.conf").uid()).isEqualTo(101);
    assertThat(image.get("/a/etc/a.conf").gid()).isEqualTo(101);
    assertThat(image.get("/a/etc/a.conf").permissions()).isEqualTo(0640);
    assertThat(image.get("/b/etc/b.conf").text()).isEqualTo("b\n");
    assertThat(image.get("/b/opt/new/dir/tool").permissions()).isEqualTo(0755);
    assertThat(image.get("/b/etc/remove-me.conf").text()).isEqualTo("old\n");
  }

  static DiskBuild build(Path disk, List<FileToInject> files, List<String> removes) {
    return new DiskBuild(disk, "raw", files, removes, 1_700_000_000L, disk.toString());
  }

  static FileToInject file(String path, String mode, String owner, byte[] bytes) {
    return new FileToInject(path, mode, owner, new Payload.Inline(bytes));
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
