package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The injector image (deploy/injector/Dockerfile, which cannot be built here: no Docker engine): a
 * base pinned by digest, XFS support and the btrfs, LVM and XFS tools, and only the fixed appliance
 * of the kernel: the kernel package is purged in the layer that built the appliance.
 * InjectorApplianceTest runs the appliance recipe itself.
 */
class InjectorDockerfileTest {

  static final String DOCKERFILE = Repo.read(Repo.ROOT.resolve("deploy/injector/Dockerfile"));

  /** The Dockerfile's instructions, continuation lines joined and comments dropped. */
  static List<String> instructions() {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : DOCKERFILE.split("\n")) {
      if (line.strip().startsWith("#") || line.isBlank()) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        current.append(line);
        out.add(current.toString().replaceAll("\\s+", " ").strip());
        current.setLength(0);
      }
    }
    return out;
  }

  /** The packages the image installs with apt-get install. */
  static List<String> packages() {
    List<String> packages = new ArrayList<>();
    for (String run : instructions()) {
      Matcher m = Pattern.compile("apt-get install ([^&]*)").matcher(run);
      while (m.find()) {
        for (String word : m.group(1).split(" ")) {
          if (!word.isEmpty() && !word.startsWith("-")) {
            packages.add(word);
          }
        }
      }
    }
    return packages;
  }

  @Test
  void baseImageIsPinnedByDigest() {
    List<String> from = instructions().stream().filter(i -> i.startsWith("FROM ")).toList();
    assertThat(from).hasSize(1);
    assertThat(from.get(0)).matches("FROM debian:bookworm-slim@sha256:[0-9a-f]{64}");
  }

  @Test
  void dependabotProposesNewDigestsOfTheBase() {
    var updates = Repo.readYaml(Repo.ROOT.resolve(".github/dependabot.yml")).path("updates");
    boolean docker = false;
    for (var u : updates) {
      docker |=
          u.path("package-ecosystem").asText().equals("docker")
              && u.path("directory").asText().equals("/deploy/injector");
    }
    assertThat(docker).isTrue();
  }

  @Test
  void shipsXfsSupportAndTheBtrfsLvmAndXfsTools() {
    assertThat(packages())
        .contains("libguestfs-tools", "qemu-utils", "curl")
        .contains("libguestfs-xfs", "xfsprogs", "btrfs-progs", "lvm2");
  }

  @Test
  void theKernelPackageIsPurgedInTheLayerThatBuiltTheAppliance() {
    List<String> runs = instructions().stream().filter(i -> i.startsWith("RUN ")).toList();
    List<String> building =
        runs.stream().filter(r -> r.contains("make-appliance.sh /usr/lib/guestfs/fixed")).toList();
    assertThat(building).hasSize(1);
    String layer = building.get(0);
    int made = layer.indexOf("make-appliance.sh /usr/lib/guestfs/fixed");
    assertThat(layer.indexOf("linux-image-amd64")).as("installed first").isLessThan(made);
    assertThat(layer.indexOf("apt-get purge -y linux-image-amd64"))
        .as("purged after the appliance is built")
        .isGreaterThan(made);
    assertThat(layer.substring(made)).contains("/lib/modules/*", "/boot/*", "/var/lib/apt/lists/*");
    // only this layer ever holds the kernel
    for (String run : runs) {
      if (run != layer) {
        assertThat(run).doesNotContain("linux-image");
      }
    }
    // the Job uses the fixed appliance only
    assertThat(DOCKERFILE).contains("LIBGUESTFS_PATH=/usr/lib/guestfs/fixed");
  }

  @Test
  void everyPackageExistsInDebian() throws Exception {
    Assumptions.assumeTrue(
        InjectorApplianceTest.onPath("apt-cache"), "apt-cache not found: not a Debian host");
    Process probe =
        new ProcessBuilder("apt-cache", "show", "--no-all-versions", "bash")
            .redirectErrorStream(true)
            .start();
    probe.getInputStream().readAllBytes();
    Assumptions.assumeTrue(
        probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "apt has no package lists here (apt-get update)");
    List<String> command = new ArrayList<>(List.of("apt-cache", "show", "--no-all-versions"));
    command.addAll(packages());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    for (String pkg : packages()) {
      assertThat(out).as("apt-cache show %s", pkg).contains("Package: " + pkg + "\n");
    }
  }
}
