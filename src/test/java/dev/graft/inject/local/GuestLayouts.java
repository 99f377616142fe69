package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.script.GuestfishCommand;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test disks laid out as real cloud images are, built with libguestfs itself (no downloads), all in
 * ONE appliance launch and kept in {@code /var/tmp} across runs (keyed by the build script): each
 * test copies the layout it needs ({@link #copy}, sparse).
 *
 * <ul>
 *   <li>{@link #UBUNTU}: GPT, ESP (vfat, {@code /boot/efi}), {@code /boot} (ext4), root (ext4),
 *       mounted by {@code LABEL=} as Ubuntu's cloud images are
 *   <li>{@link #RHEL}: MBR, {@code /boot} (XFS), LVM volume group {@code rhel} with an XFS root;
 *       SELinux enforcing with a targeted policy's {@code file_contexts}
 *   <li>{@link #RHEL_NO_POLICY}: the same layout (volume group {@code cs}), SELinux enforcing but
 *       no policy files in the image
 *   <li>{@link #FEDORA}: GPT, {@code /boot} (ext4), one btrfs with {@code root} and {@code home}
 *       subvolumes mounted by {@code /etc/fstab}
 *   <li>{@link #PLAIN}: one unpartitioned ext4, as the older tests use
 * </ul>
 *
 * Every guest has {@code nginx} (uid 995, group 993) and {@code alice} (1000) in its {@code
 * /etc/passwd} and {@code /etc/group}.
 */
public final class GuestLayouts {

  public static final String UBUNTU = "ubuntu";
  public static final String RHEL = "rhel";
  public static final String RHEL_NO_POLICY = "rhel-nopolicy";
  public static final String FEDORA = "fedora";
  public static final String PLAIN = "plain";

  /** In the order the build adds them (sda, sdb, ...). */
  public static final List<String> ALL = List.of(UBUNTU, RHEL, RHEL_NO_POLICY, FEDORA, PLAIN);

  /** The labels the targeted policy below gives; what {@code selinux-relabel} must set. */
  public static final String FILE_CONTEXTS =
      """
      /.*\tsystem_u:object_r:default_t:s0
      /etc(/.*)?\tsystem_u:object_r:etc_t:s0
      /etc/nginx(/.*)?\tsystem_u:object_r:httpd_config_t:s0
      /root/\\.ssh(/.*)?\tsystem_u:object_r:ssh_home_t:s0
      /home/[^/]+/\\.ssh(/.*)?\tunconfined_u:object_r:ssh_home_t:s0
      /opt(/.*)?\tsystem_u:object_r:usr_t:s0
      """;

  static final String PASSWD =
      """
      root:x:0:0:root:/root:/bin/bash
      nginx:x:995:993:nginx user:/var/lib/nginx:/sbin/nologin
      alice:x:1000:1000:Alice:/home/alice:/bin/bash
      """;

  static final String GROUP =
      """
      root:x:0:
      wheel:x:10:alice
      nginx:x:993:
      alice:x:1000:
      """;

  private GuestLayouts() {}

  /** A fresh copy of {@code layout} at {@code target}. */
  public static Path copy(String layout, Path target) throws IOException, InterruptedException {
    Path template = templates().resolve(layout + ".img");
    run(List.of("cp", "--sparse=always", "--reflink=auto", template.toString(), target.toString()));
    return target;
  }

  /** The directory of the built templates, building them once (one launch, about a minute). */
  static synchronized Path templates() throws IOException, InterruptedException {
    String script = buildScript(Path.of("@DIR@"));
    Path cache = Path.of("/var/tmp/graft-test-layouts");
    Files.createDirectories(cache);
    Path dir = cache.resolve(hash(script));
    try (FileChannel channel =
            FileChannel.open(
                cache.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.isRegularFile(dir.resolve("done"))) {
        return dir;
      }
      Path building = cache.resolve(dir.getFileName() + ".building");
      run(List.of("rm", "-rf", building.toString()));
      Files.createDirectories(building);
      Files.writeString(building.resolve("file_contexts"), FILE_CONTEXTS);
      Files.writeString(building.resolve("passwd"), PASSWD);
      Files.writeString(building.resolve("group"), GROUP);
      Path gf = building.resolve("build.gf");
      Files.writeString(gf, buildScript(building));
      long started = System.nanoTime();
      List<String> out = new ArrayList<>();
      Guestfish.Result result =
          Guestfish.run(
              List.of("guestfish", "-f", gf.toString()),
              GuestfishCommand.environment(false),
              900,
              out::add);
      assertThat(result.exitCode())
          .as("building the layouts: %s %s", result.errors(), out)
          .isZero();
      System.out.printf(
          "built %d guest layouts in one launch: %.1f s%n",
          ALL.size(), (System.nanoTime() - started) / 1e9);
      Files.writeString(building.resolve("done"), "");
      Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
      return dir;
    }
  }

  /** The guestfish script that makes every layout in {@code dir}. */
  static String buildScript(Path dir) {
    StringBuilder s = new StringBuilder();
    String d = dir.toString();
    s.append("sparse ").append(d).append("/ubuntu.img 400M\n");
    s.append("sparse ").append(d).append("/rhel.img 1200M\n");
    s.append("sparse ").append(d).append("/rhel-nopolicy.img 1200M\n");
    s.append("sparse ").append(d).append("/fedora.img 600M\n");
    s.append("sparse ").append(d).append("/plain.img 200M\n");
    s.append("run\n");

    // Ubuntu-like: GPT with ESP, /boot, root; fstab by label.
    s.append(
        """
        part-init /dev/sda gpt
        part-add /dev/sda p 2048 206847
        part-add /dev/sda p 206848 411647
        part-add /dev/sda p 411648 -34
        part-set-gpt-type /dev/sda 1 C12A7328-F81F-11D2-BA4B-00A0C93EC93B
        mkfs vfat /dev/sda1 label:UEFI
        mkfs ext4 /dev/sda2 label:BOOT
        mkfs ext4 /dev/sda3 label:cloudimg-rootfs
        mount /dev/sda3 /
        mkdir-p /etc
        mkdir /boot
        mount /dev/sda2 /boot
        mkdir /boot/efi
        mount /dev/sda1 /boot/efi
        write /etc/fstab "LABEL=cloudimg-rootfs / ext4 discard,errors=remount-ro 0 1\\nLABEL=BOOT /boot ext4 defaults 0 2\\nLABEL=UEFI /boot/efi vfat umask=0077 0 1\\n"
        write /etc/os-release "NAME=\\"Ubuntu\\"\\nID=ubuntu\\nID_LIKE=debian\\nVERSION_ID=\\"24.04\\"\\nPRETTY_NAME=\\"Ubuntu 24.04 LTS\\"\\n"
        """);
    common(s, d);
    s.append("write /boot/grub.cfg \"# boot\\n\"\n");
    s.append("mkdir-p /boot/efi/EFI/ubuntu\n");
    s.append("umount-all\n");

    // RHEL-like: MBR, /boot XFS, LVM with an XFS root, SELinux enforcing with a policy.
    rhel(s, d, "/dev/sdb", "rhel", true);
    rhel(s, d, "/dev/sdc", "cs", false);

    // Fedora-like: GPT, /boot ext4, btrfs with root and home subvolumes.
    s.append(
        """
        part-init /dev/sdd gpt
        part-add /dev/sdd p 2048 206847
        part-add /dev/sdd p 206848 -34
        mkfs ext4 /dev/sdd1 label:boot
        mkfs-btrfs /dev/sdd2 label:fedora
        mount /dev/sdd2 /
        btrfs-subvolume-create /root
        btrfs-subvolume-create /home
        umount /
        mount-options subvol=root /dev/sdd2 /
        mkdir /home
        mount-options subvol=home /dev/sdd2 /home
        mkdir /boot
        mount /dev/sdd1 /boot
        mkdir-p /etc
        write /etc/fstab "LABEL=fedora / btrfs subvol=root,compress=zstd:1 0 0\\nLABEL=boot /boot ext4 defaults 1 2\\nLABEL=fedora /home btrfs subvol=home,compress=zstd:1 0 0\\n"
        write /etc/os-release "NAME=\\"Fedora Linux\\"\\nID=fedora\\nVERSION_ID=40\\nPRETTY_NAME=\\"Fedora Linux 40 (Cloud Edition)\\"\\n"
        mkdir-p /home/alice
        """);
    common(s, d);
    s.append("umount-all\n");

    // Plain: one unpartitioned ext4.
    s.append(
        """
        mkfs ext4 /dev/sde
        mount /dev/sde /
        mkdir-p /etc
        write /etc/fstab "/dev/sda / ext4 defaults 0 1\\n"
        write /etc/os-release "NAME=\\"Graft Test Linux\\"\\nID=graft\\nVERSION_ID=1\\n"
        """);
    common(s, d);
    s.append("umount-all\n");
    return s.toString();
  }

  private static void rhel(StringBuilder s, String d, String dev, String vg, boolean policy) {
    s.append("part-init ").append(dev).append(" mbr\n");
    s.append("part-add ").append(dev).append(" p 2048 821247\n");
    s.append("part-add ").append(dev).append(" p 821248 -1\n");
    s.append("part-set-mbr-id ").append(dev).append(" 2 0x8e\n");
    s.append("mkfs xfs ").append(dev).append("1 label:boot\n");
    s.append("pvcreate ").append(dev).append("2\n");
    s.append("vgcreate ").append(vg).append(' ').append(dev).append("2\n");
    s.append("lvcreate root ").append(vg).append(" 400\n");
    s.append("mkfs xfs /dev/").append(vg).append("/root\n");
    s.append("mount /dev/").append(vg).append("/root /\n");
    s.append("mkdir /boot\nmount ").append(dev).append("1 /boot\n");
    s.append("mkdir-p /etc/selinux\n");
    s.append("write /etc/fstab \"/dev/mapper/")
        .append(vg)
        .append("-root / xfs defaults 0 0\\nLABEL=boot /boot xfs defaults 0 0\\n\"\n");
    s.append(
        "write /etc/os-release \"NAME=\\\"Red Hat Enterprise Linux\\\"\\nID=\\\"rhel\\\"\\n"
            + "ID_LIKE=\\\"fedora\\\"\\nVERSION_ID=\\\"9.4\\\"\\n\"\n");
    s.append("write /etc/redhat-release \"Red Hat Enterprise Linux release 9.4 (Plow)\\n\"\n");
    s.append("write /etc/selinux/config \"SELINUX=enforcing\\nSELINUXTYPE=targeted\\n\"\n");
    if (policy) {
      s.append("mkdir-p /etc/selinux/targeted/contexts/files\n");
      s.append("upload ")
          .append(d)
          .append("/file_contexts")
          .append(" /etc/selinux/targeted/contexts/files/file_contexts\n");
    }
    common(s, d);
    s.append("mkdir-p /root/.ssh\n");
    s.append("umount-all\n");
  }

  /** What every guest has: passwd, group, /bin, /usr/bin, /home. */
  private static void common(StringBuilder s, String d) {
    s.append("mkdir-p /etc\nmkdir-p /usr/bin\nmkdir-p /bin\nmkdir-p /home\nmkdir-p /opt\n");
    s.append("write /etc/remove-me.conf \"bye\\n\"\n");
    s.append("upload ").append(d).append("/passwd /etc/passwd\n");
    s.append("upload ").append(d).append("/group /etc/group\n");
  }

  private static String hash(String script) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(script.getBytes(StandardCharsets.UTF_8));
      sha.update(FILE_CONTEXTS.getBytes(StandardCharsets.UTF_8));
      sha.update(PASSWD.getBytes(StandardCharsets.UTF_8));
      sha.update(GROUP.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void run(List<String> argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", argv) + ": " + out);
    }
  }
}
