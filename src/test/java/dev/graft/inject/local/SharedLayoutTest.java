package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.local.SharedLayout.Mount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which filesystems each disk of a shared launch mounts, from what inspection said. Clones of one
 * image share UUIDs and fstab, so libguestfs resolves every guest's mountpoints to the first disk:
 * each disk must get its own devices back.
 */
class SharedLayoutTest {

  static final List<String> DEVICES = List.of("/dev/sda", "/dev/sdb", "/dev/sdc");

  @Test
  void unpartitionedClonesEachMountTheirOwnDisk() {
    SharedLayout layout = new SharedLayout(DEVICES, List.of());
    // What inspection says for clones whose fstab names /dev/sda (seen on libguestfs 1.48).
    Map<String, Map<String, String>> roots = new LinkedHashMap<>();
    roots.put("/dev/sda", Map.of("/", "/dev/sda"));
    roots.put("/dev/sdb", Map.of("/", "/dev/sda"));
    roots.put("/dev/sdc", Map.of("/", "/dev/sda"));
    for (int disk = 0; disk < 3; disk++) {
      assertThat(layout.mounts(disk, roots)).contains(List.of(new Mount("/", DEVICES.get(disk))));
    }
  }

  @Test
  void partitionsMoveToTheSamePartitionOfTheDiskShortestMountpointFirst() {
    SharedLayout layout =
        new SharedLayout(
            DEVICES.subList(0, 2), List.of("/dev/sda1", "/dev/sda2", "/dev/sdb1", "/dev/sdb2"));
    Map<String, Map<String, String>> roots = new LinkedHashMap<>();
    roots.put("/dev/sda2", Map.of("/boot", "/dev/sda1", "/", "/dev/sda2"));
    // UUID=... resolved to the first disk's partitions.
    roots.put("/dev/sdb2", Map.of("/boot/efi", "/dev/sda1", "/", "/dev/sda2"));
    assertThat(layout.mounts(0, roots))
        .contains(List.of(new Mount("/", "/dev/sda2"), new Mount("/boot", "/dev/sda1")));
    assertThat(layout.mounts(1, roots))
        .contains(List.of(new Mount("/", "/dev/sdb2"), new Mount("/boot/efi", "/dev/sdb1")));
  }

  @Test
  void whatCannotBeToldApartIsBuiltAlone() {
    SharedLayout layout =
        new SharedLayout(DEVICES, List.of("/dev/sda1", "/dev/sdb1", "/dev/sdb2", "/dev/sdc1"));
    Map<String, Map<String, String>> roots = new LinkedHashMap<>();
    // An LVM root: whose disk is it? (clones share VG names too)
    roots.put("/dev/mapper/vg-root", Map.of("/", "/dev/mapper/vg-root", "/boot", "/dev/sda1"));
    // Two operating systems on one disk.
    roots.put("/dev/sdb1", Map.of("/", "/dev/sdb1"));
    roots.put("/dev/sdb2", Map.of("/", "/dev/sdb2"));
    // A mountpoint on LVM, and one on a partition this disk does not have.
    roots.put("/dev/sdc1", Map.of("/", "/dev/sdc1", "/home", "/dev/mapper/vg-home"));
    assertThat(layout.mounts(0, roots)).isEmpty(); // no root of its own
    assertThat(layout.mounts(1, roots)).isEmpty();
    assertThat(layout.mounts(2, roots)).isEmpty();
    assertThat(layout.mounts(3, roots)).isEmpty(); // no such disk

    Map<String, Map<String, String>> missing = new LinkedHashMap<>();
    missing.put("/dev/sdc1", Map.of("/", "/dev/sdc1", "/boot", "/dev/sda2"));
    assertThat(layout.mounts(2, missing)).as("no /dev/sdc2").isEmpty();
    Map<String, Map<String, String>> noRootMount = new LinkedHashMap<>();
    noRootMount.put("/dev/sdc1", Map.of("/boot", "/dev/sdc1"));
    assertThat(layout.mounts(2, noRootMount)).isEmpty();
  }

  @Test
  void aDiskNameIsNotAPrefixMatch() {
    // /dev/sda10 is partition 10 of /dev/sda, not of a /dev/sda1 disk.
    SharedLayout layout =
        new SharedLayout(List.of("/dev/sda", "/dev/sdb"), List.of("/dev/sda10", "/dev/sdb10"));
    Map<String, Map<String, String>> roots = new LinkedHashMap<>();
    roots.put("/dev/sdb10", Map.of("/", "/dev/sda10"));
    assertThat(layout.mounts(1, roots)).contains(List.of(new Mount("/", "/dev/sdb10")));
  }
}
