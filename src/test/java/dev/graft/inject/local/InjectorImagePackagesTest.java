package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The injector image installs what every filesystem the tests build needs: the filesystems are read
 * from {@link GuestLayouts}' build script, each mapped to the Debian package that brings its tools
 * into the libguestfs appliance. A new filesystem in the tests fails here until it is mapped and
 * the Dockerfile installs it. ({@code .ci/run} installs the same for the tests themselves.)
 */
class InjectorImagePackagesTest {

  static final Path DOCKERFILE = Path.of("deploy/injector/Dockerfile");

  /**
   * Filesystem (or feature) to the package the image must list. ext4, vfat, btrfs, LVM, LUKS
   * detection and squashfs come with libguestfs-tools (libguestfs0 depends on e2fsprogs,
   * dosfstools, btrfs-progs, lvm2, cryptsetup-bin, squashfs-tools); XFS is only a Recommends, which
   * --no-install-recommends leaves out; setfiles (selinux-relabel) is not even that.
   */
  static final Map<String, String> PACKAGE =
      Map.of(
          "ext4", "libguestfs-tools",
          "vfat", "libguestfs-tools",
          "btrfs", "libguestfs-tools",
          "lvm", "libguestfs-tools",
          "xfs", "libguestfs-xfs",
          "selinux-relabel", "policycoreutils");

  static Set<String> filesystemsTheTestsBuild() {
    String script = GuestLayouts.buildScript(Path.of("/d"));
    Set<String> used = new LinkedHashSet<>();
    Matcher mkfs = Pattern.compile("(?m)^mkfs (\\w+) ").matcher(script);
    while (mkfs.find()) {
      used.add(mkfs.group(1));
    }
    if (script.contains("mkfs-btrfs ")) {
      used.add("btrfs");
    }
    if (script.contains("pvcreate ")) {
      used.add("lvm");
    }
    if (script.contains("/contexts/files/file_contexts")) {
      used.add("selinux-relabel");
    }
    return used;
  }

  static Set<String> installed() throws IOException {
    String text = Files.readString(DOCKERFILE).replace("\\\n", " ");
    Set<String> packages = new LinkedHashSet<>();
    Matcher install = Pattern.compile("apt-get install ([^&;]*)").matcher(text);
    while (install.find()) {
      for (String word : install.group(1).trim().split("\\s+")) {
        if (!word.startsWith("-")) {
          packages.add(word);
        }
      }
    }
    return packages;
  }

  @Test
  void dockerfileInstallsWhatEveryTestedFilesystemNeeds() throws IOException {
    Set<String> used = filesystemsTheTestsBuild();
    assertThat(used).contains("ext4", "vfat", "xfs", "btrfs", "lvm", "selinux-relabel");
    Set<String> packages = installed();
    for (String fs : used) {
      assertThat(PACKAGE)
          .as("no package mapped for %s: add it here and to the Dockerfile", fs)
          .containsKey(fs);
      assertThat(packages)
          .as("%s needs %s in %s's apt-get install", fs, PACKAGE.get(fs), DOCKERFILE)
          .contains(PACKAGE.get(fs));
    }
  }

  @Test
  void dockerfilePutsSetfilesIntoTheAppliance() throws IOException {
    // supermin builds the appliance from the packages libguestfs lists; setfiles is not one.
    assertThat(Files.readString(DOCKERFILE))
        .containsPattern(
            "echo policycoreutils > /usr/lib/x86_64-linux-gnu/guestfs/supermin.d/\\S+");
  }
}
