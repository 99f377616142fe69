package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.local.SharedLayout.Mount;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which filesystems each disk of a shared launch mounts, from blkid, the root probes and each
 * disk's own /etc/fstab. Clones of one image share UUIDs, labels and fstab: each disk must get its
 * own devices, and what the shared launch cannot follow exactly is built alone.
 */
class SharedLayoutTest {

  static final List<String> DEVICES = List.of("/dev/sda", "/dev/sdb", "/dev/sdc");

  static Map<String, String> fs(String type, String uuid, String label) {
    Map<String, String> m = new HashMap<>();
    m.put("TYPE", type);
    m.put("UUID", uuid);
    if (label != null) {
      m.put("LABEL", label);
    }
    return m;
  }

  static RootProbe root(String fstab) {
    return new RootProbe(true, false, fstab);
  }

  static final RootProbe NOT_ROOT = new RootProbe(false, false, null);

  @Test
  void unpartitionedClonesEachMountTheirOwnDisk() {
    Map<String, Map<String, String>> blkid = new HashMap<>();
    Map<String, RootProbe> probes = new HashMap<>();
    for (String d : DEVICES) {
      blkid.put(d, fs("ext4", "u-1", null)); // clones: one UUID
    }
    // What clones say: /dev/sda (as DiskImages writes it), by UUID, as /dev/vda.
    probes.put("/dev/sda", root("/dev/sda / ext4 defaults 0 1\n"));
    probes.put("/dev/sdb", root("UUID=u-1 / ext4 defaults 0 1\n"));
    probes.put("/dev/sdc", root("# by virtio name\n/dev/vda / ext4 defaults 0 1\nproc /proc proc"));
    SharedLayout layout = new SharedLayout(DEVICES, List.of(), blkid);
    for (int disk = 0; disk < 3; disk++) {
      assertThat(layout.plan(disk, probes).mounts())
          .containsExactly(new Mount("/", DEVICES.get(disk)));
    }
  }

  @Test
  void partitionsResolveOnTheirOwnDiskShortestMountpointFirst() {
    List<String> partitions = List.of("/dev/sda1", "/dev/sda2", "/dev/sdb1", "/dev/sdb2");
    Map<String, Map<String, String>> blkid = new HashMap<>();
    for (String d : List.of("/dev/sda", "/dev/sdb")) {
      blkid.put(d + "1", fs("vfat", "AB-12", "BOOT"));
      blkid.put(d + "2", fs("ext4", "u-root", "root"));
    }
    Map<String, RootProbe> probes = new HashMap<>();
    probes.put("/dev/sda1", NOT_ROOT);
    probes.put("/dev/sda2", root("LABEL=BOOT /boot vfat\nUUID=u-root / ext4\n"));
    probes.put("/dev/sdb1", NOT_ROOT);
    // A clone whose fstab a build changed: the same UUIDs, another mountpoint.
    probes.put("/dev/sdb2", root("UUID=u-root / ext4\nUUID=AB-12 /boot/efi vfat umask=0077\n"));
    SharedLayout layout = new SharedLayout(DEVICES.subList(0, 2), partitions, blkid);
    assertThat(layout.plan(0, probes).mounts())
        .containsExactly(new Mount("/", "/dev/sda2"), new Mount("/boot", "/dev/sda1"));
    assertThat(layout.plan(1, probes).mounts())
        .containsExactly(new Mount("/", "/dev/sdb2"), new Mount("/boot/efi", "/dev/sdb1"));
  }

  @Test
  void whatCannotBeToldApartIsBuiltAlone() {
    List<String> partitions = List.of("/dev/sda1", "/dev/sda2", "/dev/sdb1", "/dev/sdb2");
    Map<String, Map<String, String>> blkid = new LinkedHashMap<>();
    // An LVM root: whose disk is it? (clones share VG names too)
    blkid.put("/dev/sda1", fs("xfs", "u-boot", "boot"));
    blkid.put("/dev/sda2", fs("LVM2_member", "pv", null));
    // Two operating systems on one disk.
    blkid.put("/dev/sdb1", fs("ext4", "u-1", null));
    blkid.put("/dev/sdb2", fs("ext4", "u-2", null));
    // A mountpoint on LVM.
    blkid.put("/dev/sdc", fs("ext4", "u-3", null));
    Map<String, RootProbe> probes = new HashMap<>();
    probes.put("/dev/sda1", NOT_ROOT);
    probes.put("/dev/sdb1", root("/dev/sda1 / ext4\n"));
    probes.put("/dev/sdb2", root("/dev/sda2 / ext4\n"));
    probes.put("/dev/sdc", root("/dev/sda / ext4\n/dev/mapper/vg-home /home ext4\n"));
    SharedLayout layout = new SharedLayout(DEVICES, partitions, blkid);
    assertThat(layout.plan(0, probes).alone()).isEqualTo("/dev/sda2 holds LVM2_member");
    assertThat(layout.plan(1, probes).alone()).isEqualTo("several roots: /dev/sdb1, /dev/sdb2");
    assertThat(layout.plan(2, probes).alone()).contains("/dev/mapper/vg-home");
    assertThat(layout.plan(3, probes).shared()).as("no such disk").isFalse();

    Map<String, RootProbe> missing =
        Map.of("/dev/sdc", root("/dev/sda / ext4\n/dev/sda2 /boot ext4"));
    assertThat(layout.plan(2, missing).alone()).as("no /dev/sdc2").contains("no partition 2");
    Map<String, RootProbe> other = Map.of("/dev/sdc", root("/dev/sda / ext4\n/dev/sdb /data xfs"));
    assertThat(layout.plan(2, other).alone()).contains("another disk of the guest");
    Map<String, RootProbe> noRootMount = Map.of("/dev/sdc", root("/dev/sda /boot ext4\n"));
    assertThat(layout.plan(2, noRootMount).alone()).contains("mounts nothing at /");
    Map<String, RootProbe> none = Map.of("/dev/sdc", NOT_ROOT);
    assertThat(layout.plan(2, none).alone()).isEqualTo("no Linux root found");
    Map<String, RootProbe> bsd = Map.of("/dev/sdc", new RootProbe(false, true, "/dev/sda / ufs"));
    assertThat(layout.plan(2, bsd).shared()).isFalse();
  }

  @Test
  void btrfsAndEscapedFstabsAreBuiltAlone() {
    Map<String, Map<String, String>> blkid = new HashMap<>();
    blkid.put("/dev/sda", fs("btrfs", "u-b", "fedora"));
    blkid.put("/dev/sdb", fs("ext4", "u-e", null));
    Map<String, RootProbe> probes = Map.of("/dev/sdb", root("LABEL=my\\040disk / ext4\n"));
    SharedLayout layout = new SharedLayout(DEVICES.subList(0, 2), List.of(), blkid);
    assertThat(layout.plan(0, Map.of()).alone()).isEqualTo("/dev/sda holds btrfs");
    assertThat(layout.plan(1, probes).alone()).contains("quoting or escapes");
  }

  @Test
  void entriesOnNoDiskOfTheLaunchAreSkippedAsInspectionSkipsThem() {
    List<String> partitions = List.of("/dev/sda1", "/dev/sda2", "/dev/sdb1", "/dev/sdb2");
    Map<String, Map<String, String>> blkid = new HashMap<>();
    blkid.put("/dev/sda1", fs("ext4", "u-a1", null));
    blkid.put("/dev/sda2", fs("ext4", "u-a2", null));
    blkid.put("/dev/sdb1", fs("ext4", "u-b1", null));
    blkid.put("/dev/sdb2", fs("swap", "u-swap", null));
    blkid.get("/dev/sda1").put("PART_ENTRY_UUID", "p-a1");
    blkid.get("/dev/sda2").put("PART_ENTRY_UUID", "p-a2");
    blkid.get("/dev/sdb1").put("PART_ENTRY_UUID", "p-b1");
    Map<String, RootProbe> probes = new HashMap<>();
    probes.put("/dev/sda1", NOT_ROOT);
    // u-b1 lives on the other disk: a launch of this disk alone would not find it either.
    probes.put(
        "/dev/sda2",
        root(
            "PARTUUID=p-a2 / ext4\nPARTUUID=p-a1 /boot ext4\nUUID=u-b1 /data ext4\n"
                + "UUID=u-swap none swap sw\ntmpfs /tmp tmpfs\n"));
    probes.put("/dev/sdb1", root("/dev/root / ext4\n"));
    SharedLayout layout = new SharedLayout(DEVICES.subList(0, 2), partitions, blkid);
    assertThat(layout.plan(0, probes).mounts())
        .containsExactly(new Mount("/", "/dev/sda2"), new Mount("/boot", "/dev/sda1"));
    assertThat(layout.plan(1, probes).mounts()).containsExactly(new Mount("/", "/dev/sdb1"));
    assertThat(layout.candidates(1)).as("swap is not probed").containsExactly("/dev/sdb1");
  }

  @Test
  void aDiskNameIsNotAPrefixMatch() {
    // /dev/sda10 is partition 10 of /dev/sda, not of a /dev/sda1 disk.
    Map<String, Map<String, String>> blkid = new HashMap<>();
    blkid.put("/dev/sda10", fs("ext4", "u", null));
    blkid.put("/dev/sdb10", fs("ext4", "u", null));
    SharedLayout layout =
        new SharedLayout(
            List.of("/dev/sda", "/dev/sdb"), List.of("/dev/sda10", "/dev/sdb10"), blkid);
    Map<String, RootProbe> probes = Map.of("/dev/sdb10", root("/dev/sda10 / ext4\n"));
    assertThat(layout.plan(1, probes).mounts()).containsExactly(new Mount("/", "/dev/sdb10"));
    // What blkid is asked about: partitions, or the disk itself when it has none.
    List<String> parts = List.of("/dev/sda1", "/dev/sda10", "/dev/sdb1");
    assertThat(SharedLayout.own("/dev/sda", parts)).containsExactly("/dev/sda1", "/dev/sda10");
    assertThat(SharedLayout.own("/dev/sdc", parts)).containsExactly("/dev/sdc");
  }

  @Test
  void fstabKeepsWhatInspectionMounts() {
    List<Fstab.Entry> entries =
        Fstab.parse(
                """
                # comment
                UUID=r  /   ext4 defaults 0 1
                LABEL=r2 / ext4 defaults
                /dev/sda2 //boot// ext4
                /dev/cdrom /mnt/cd iso9660
                proc /proc proc defaults
                /dev/sda3 /proc/x ext4
                /dev/sda4 /media/usb vfat
                /dev/sda5 /media ext4
                UUID=s none swap sw
                /dev/sda6 /novfstype
                """)
            .orElseThrow();
    assertThat(entries)
        .extracting(Fstab.Entry::spec, Fstab.Entry::mountpoint)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("UUID=r", "/"),
            org.assertj.core.groups.Tuple.tuple("/dev/sda2", "/boot"),
            org.assertj.core.groups.Tuple.tuple("/dev/sda5", "/media"));
    assertThat(Fstab.parse("UUID=\"r\" / ext4")).isEmpty();
  }

  @Test
  void aRootIsWhatInspectionTakesForALinuxRoot() {
    Map<String, String> a = new HashMap<>();
    a.put("p.etc", "true");
    a.put("p.bin", "false");
    a.put("p.binlink", "usr/bin");
    a.put("p.fstab", "true");
    a.put("p.fstabtext", "/dev/sda / ext4");
    assertThat(RootProbe.read(a, "p")).isEqualTo(new RootProbe(true, false, "/dev/sda / ext4"));
    a.put("p.grub2", "true"); // a grub /boot is never a root
    assertThat(RootProbe.read(a, "p").linuxRoot()).isFalse();
    a.remove("p.grub2");
    a.put("p.binlink", "/somewhere");
    assertThat(RootProbe.read(a, "p").linuxRoot()).isFalse();
    a.put("p.bin", "true");
    a.put("p.fstab", "false");
    assertThat(RootProbe.read(a, "p").linuxRoot()).as("neither fstab nor hosts").isFalse();
    a.put("p.hosts", "true");
    assertThat(RootProbe.read(a, "p")).isEqualTo(new RootProbe(true, false, null));
    assertThat(RootProbe.read(Map.of(), "p")).isEqualTo(new RootProbe(false, false, null));
  }
}
