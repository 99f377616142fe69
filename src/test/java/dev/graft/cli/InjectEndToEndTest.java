package dev.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.InjectionReport;
import dev.graft.inject.local.TestGuestfs;
import dev.graft.inject.local.TestGuestfs.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft inject} on a real disk image with real libguestfs (software emulation, so it passes
 * with or without usable KVM). Three appliance launches in all: inject, read back, bad image.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectEndToEndTest {

  static final String MOTD = "Welcome to Graft\n";
  static final String TOOL = "#!/bin/sh\necho 'hi'\n";
  static final byte[] BLOB = blob();

  Path dir;
  Cli run;
  Map<String, Entry> image;
  long startedAt;
  long finishedAt;

  static byte[] blob() {
    byte[] bytes = new byte[256 + 70_000];
    for (int i = 0; i < 256; i++) {
      bytes[i] = (byte) i;
    }
    byte[] noise = new byte[70_000];
    new Random(42).nextBytes(noise);
    System.arraycopy(noise, 0, bytes, 256, noise.length);
    return bytes;
  }

  @BeforeAll
  void injectAndReadBack(@TempDir Path tmp) throws IOException {
    TestGuestfs.requireLibguestfs();
    dir = tmp;
    Path disk =
        TestGuestfs.linuxLikeDisk(
            dir,
            Map.of(
                "etc/keep.conf", "keep\n",
                "etc/old.conf", "old\n",
                "etc/remove-me.conf", "bye\n"),
            Map.of("etc/link", "/etc/keep.conf"),
            20L << 20);
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(
        spec,
        """
        files:
          - path: /etc/motd
            content: "Welcome to Graft\\n"
          - path: /opt/graft/data/blob.bin
            mode: "0600"
            owner: "1000:1000"
            contentBase64: %s
          - path: /opt/graft/bin/tool
            mode: "0755"
            owner: "0:10"
            content: |
              #!/bin/sh
              echo 'hi'
          - path: /etc/link
            content: "replaced link\\n"
          - path: /etc/old.conf
            content: "new\\n"
          - path: /etc/empty
            content: ""
        remove:
          - /etc/remove-me.conf
          - /etc/never-existed
          - /etc/old.conf
        """
            .formatted(Base64.getEncoder().encodeToString(BLOB)));
    startedAt = System.currentTimeMillis() / 1000;
    run = Cli.run("inject", "--disk", disk.toString(), "--spec", spec.toString(), "--kvm", "never");
    finishedAt = System.currentTimeMillis() / 1000 + 1;
    assertThat(run.status()).as("stderr: %s\nstdout: %s", run.err(), run.out()).isZero();
    image =
        TestGuestfs.readBack(
            disk,
            List.of(
                "/etc/motd",
                "/opt/graft/data/blob.bin",
                "/opt/graft/bin/tool",
                "/etc/link",
                "/etc/keep.conf",
                "/etc/old.conf",
                "/etc/empty",
                "/etc/os-release",
                "/opt/graft",
                "/opt/graft/data",
                "/opt/graft/bin"),
            List.of("/etc/remove-me.conf", "/etc/never-existed"));
  }

  @Test
  void writesContentsByteForByte() {
    assertThat(image.get("/etc/motd").text()).isEqualTo(MOTD);
    assertThat(image.get("/opt/graft/data/blob.bin").bytes()).isEqualTo(BLOB);
    assertThat(image.get("/opt/graft/bin/tool").text()).isEqualTo(TOOL);
    assertThat(image.get("/etc/old.conf").text()).isEqualTo("new\n");
    assertThat(image.get("/etc/empty").isFile()).isTrue();
    assertThat(image.get("/etc/empty").size()).isZero();
    assertThat(image.get("/etc/os-release").text()).startsWith("NAME=\"Graft Test Linux\"");
  }

  @Test
  void setsModesAndOwners() {
    assertThat(image.get("/etc/motd").permissions()).isEqualTo(0644);
    assertThat(image.get("/etc/motd").uid()).isZero();
    assertThat(image.get("/etc/motd").gid()).isZero();
    Entry blob = image.get("/opt/graft/data/blob.bin");
    assertThat(blob.permissions()).isEqualTo(0600);
    assertThat(blob.uid()).isEqualTo(1000);
    assertThat(blob.gid()).isEqualTo(1000);
    Entry tool = image.get("/opt/graft/bin/tool");
    assertThat(tool.permissions()).isEqualTo(0755);
    assertThat(tool.uid()).isZero();
    assertThat(tool.gid()).isEqualTo(10);
  }

  @Test
  void createsParentDirectoriesOwnedByRoot() {
    for (String d : List.of("/opt/graft", "/opt/graft/data", "/opt/graft/bin")) {
      Entry entry = image.get(d);
      assertThat(entry.isDirectory()).as(d).isTrue();
      assertThat(entry.permissions()).as(d).isEqualTo(0755);
      assertThat(entry.uid()).as(d).isZero();
      assertThat(entry.gid()).as(d).isZero();
    }
  }

  @Test
  void stampsEveryFileWithTheBuildsTimeNot1970() {
    // Issue 13: a deliberate mtime (the build's time) instead of the archive's former 0.
    for (String f : List.of("/etc/motd", "/opt/graft/data/blob.bin", "/opt/graft/bin/tool")) {
      assertThat(image.get(f).mtime()).as(f).isBetween(startedAt, finishedAt);
    }
    assertThat(image.get("/etc/keep.conf").mtime()).isPositive();
  }

  @Test
  void replacesASymlinkInsteadOfWritingThroughIt() {
    assertThat(image.get("/etc/link").isFile()).isTrue();
    assertThat(image.get("/etc/link").text()).isEqualTo("replaced link\n");
    assertThat(image.get("/etc/keep.conf").text()).isEqualTo("keep\n");
  }

  @Test
  void printsProgressAndMeasurements() {
    assertThat(run.out())
        .contains("graft inject: checked 6 files and 3 removals (")
        .contains("graft inject: wrote 6 payloads, ")
        .contains("graft inject: appliance: software emulation, force_tcg (kvm never)")
        .contains("graft inject: launched the appliance and mounted ")
        .contains("graft inject: applied 6 files, 2 removals (")
        .contains("graft inject: done in ");
    InjectionReport report = InjectionReport.parse(run.out()).orElseThrow();
    long bytes =
        MOTD.length() + BLOB.length + TOOL.length() + "replaced link\n".length() + "new\n".length();
    assertThat(report.bytesAdded()).isEqualTo(bytes);
    assertThat(report.filesAdded()).isEqualTo(6);
    assertThat(report.filesRemoved()).isEqualTo(2);
    assertThat(report.seconds()).isGreaterThan(report.launchSeconds()).isGreaterThan(0);
  }

  @Test
  void badImageFailsWithLibguestfsError() throws IOException {
    Path junk = dir.resolve("junk.img");
    Files.write(junk, new byte[4 << 20]);
    Path spec = dir.resolve("small.yaml");
    Files.writeString(spec, "files: [{path: /a, content: x}]\n", StandardCharsets.UTF_8);
    Cli bad =
        Cli.run(
            "inject",
            "--disk",
            junk.toString(),
            "--format",
            "raw",
            "--spec",
            spec.toString(),
            "--kvm",
            "never");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err())
        .startsWith("graft inject: guestfish failed with exit status 1: ")
        .contains("no operating system was found");
  }
}
