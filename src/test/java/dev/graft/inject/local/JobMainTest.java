package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.KvmMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Job's entry point without an appliance: how it fails and what it tells the operator. */
class JobMainTest {

  @Test
  void aBadSpecFailsWithItsReasonAsTheTerminationMessage(@TempDir Path dir) throws Exception {
    Path spec =
        Files.writeString(
            dir.resolve("spec.json"),
            "{\"files\":[{\"path\":\"/etc/x\",\"owner\":\"a b:c\",\"content\":\"x\"}]}");
    Files.writeString(dir.resolve("disk.img"), "");
    Path result = dir.resolve("termination-log");
    int status =
        JobMain.run(
            new String[] {
              "--disk", dir.resolve("disk.img").toString(),
              "--spec", spec.toString(),
              "--image", "images/gi-1",
              "--result", result.toString()
            });
    assertThat(status).isEqualTo(1);
    assertThat(Files.readString(result))
        .startsWith("graft: files[0].owner: ")
        .contains("\"a b:c\"")
        .endsWith("\n");
  }

  @Test
  void missingArgumentsAreNamed(@TempDir Path dir) throws Exception {
    Path result = dir.resolve("termination-log");
    assertThat(JobMain.run(new String[] {"--result", result.toString()})).isEqualTo(1);
    assertThat(Files.readString(result)).isEqualTo("graft: --disk: is required\n");
  }

  @Test
  void severalDisksFailOneByOneWithALinePerDisk(@TempDir Path dir) throws Exception {
    // Neither disk reaches an appliance: a bad spec and a missing disk each fail their own disk.
    Path bad =
        Files.writeString(
            dir.resolve("bad.json"), "{\"files\":[{\"path\":\"rel\",\"content\":\"x\"}]}");
    Path good = Files.writeString(dir.resolve("good.json"), "{\"files\":[]}");
    Files.writeString(dir.resolve("disk0.img"), "");
    Path result = dir.resolve("termination-log");
    int status =
        JobMain.run(
            new String[] {
              "--disk", dir.resolve("disk0.img").toString(),
              "--spec", bad.toString(),
              "--image", "images/a",
              "--disk", dir.resolve("missing.img").toString(),
              "--spec", good.toString(),
              "--image", "images/b",
              "--result", result.toString()
            });
    assertThat(status).as("each disk's fate is in the message").isZero();
    assertThat(Files.readString(result).lines().toList())
        .containsExactly(
            "GRAFT-RESULTS 2",
            "0 graft: files[0].path: must be an absolute path, got \"rel\"",
            "1 graft: --disk: no such image file: \"" + dir.resolve("missing.img") + "\"");
  }

  @Test
  void disksSpecsAndImagesComeInTriples(@TempDir Path dir) throws Exception {
    Path result = dir.resolve("termination-log");
    int status =
        JobMain.run(
            new String[] {
              "--disk",
              "a",
              "--spec",
              "a.json",
              "--image",
              "ns/a",
              "--disk",
              "b",
              "--spec",
              "b.json",
              "--result",
              result.toString()
            });
    assertThat(status).isEqualTo(1);
    assertThat(Files.readString(result))
        .isEqualTo(
            "graft: --disk: given 2 times, but --spec 2 and --image 1 times (one of each per"
                + " disk)\n");
  }

  @Test
  void kvmFollowsWhatTheJobAskedFor() {
    assertThat(JobMain.kvm(Map.of("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg")))
        .isEqualTo(KvmMode.NEVER);
    assertThat(JobMain.kvm(Map.of())).isEqualTo(KvmMode.ALWAYS);
  }

  @Test
  void longMessagesAreCutToWhatKubeletKeeps() {
    String line = "graft: " + "é".repeat(5000);
    String cut = JobMain.truncate(line);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(JobMain.MAX_MESSAGE_BYTES);
    assertThat(cut).startsWith("graft: é").endsWith(" ...");
    assertThat(JobMain.truncate("graft: short")).isEqualTo("graft: short");
  }
}
