package dev.graft.inject;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The termination message of one disk and of several: written, cut to size, read back. */
class InjectionResultsTest {

  static final InjectionReport REPORT = new InjectionReport(120, 3, 1, 17.25, 16.5);

  @Test
  void oneDiskKeepsTheSingleDiskFormat() {
    assertThat(InjectionResults.format(List.of(DiskResult.done(REPORT))))
        .isEqualTo(REPORT.toResultLine())
        .startsWith("GRAFT-RESULT {\"bytesAdded\":120,");
    assertThat(InjectionResults.format(List.of(DiskResult.failed("files[0].owner: no user"))))
        .isEqualTo("graft: files[0].owner: no user");
    // What single-disk Jobs wrote before: read as before.
    assertThat(InjectionResults.read("graft: downloading\ngraft: files[1]: download failed", 0, 1))
        .contains(DiskResult.failed("files[1]: download failed"));
    assertThat(InjectionResults.read(REPORT.toResultLine() + "\n", 0, 1))
        .contains(DiskResult.done(REPORT));
    assertThat(InjectionResults.read("", 0, 1)).isEmpty();
  }

  @Test
  void severalDisksGetALineEachInOrder() {
    String message =
        InjectionResults.format(
            List.of(
                DiskResult.done(REPORT),
                DiskResult.failed("a filesystem of the image ns/b is full:\nNo space left"),
                DiskResult.done(new InjectionReport(5, 1, 0, 18, 16.5, "relabeled"))));
    assertThat(message.lines().toList())
        .containsExactly(
            "GRAFT-RESULTS 3",
            "0 " + REPORT.toResultLine(),
            "1 graft: a filesystem of the image ns/b is full: No space left",
            "2 "
                + "GRAFT-RESULT {\"bytesAdded\":5,\"filesAdded\":1,\"filesRemoved\":0,"
                + "\"seconds\":18.000,\"launchSeconds\":16.500,\"selinux\":\"relabeled\"}");
    assertThat(InjectionResults.read(message, 0, 3)).contains(DiskResult.done(REPORT));
    assertThat(InjectionResults.read(message, 1, 3))
        .contains(DiskResult.failed("a filesystem of the image ns/b is full: No space left"));
    assertThat(InjectionResults.read(message, 2, 3).get().report().selinux())
        .isEqualTo("relabeled");
    assertThat(InjectionResults.read(message, 3, 4)).as("no line for it").isEmpty();
  }

  @Test
  void longFailuresShareWhatKubeletKeepsAndResultsAreNeverCut() {
    List<DiskResult> results = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      results.add(
          i % 3 == 0
              ? DiskResult.done(REPORT)
              : DiskResult.failed("image " + i + " failed: " + "é".repeat(3000)));
    }
    String message = InjectionResults.format(results);
    assertThat(message.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(InjectionResults.MAX_BYTES);
    for (int i = 0; i < 10; i++) {
      DiskResult read = InjectionResults.read(message, i, 10).orElseThrow();
      if (i % 3 == 0) {
        assertThat(read).isEqualTo(DiskResult.done(REPORT));
      } else {
        assertThat(read.failure()).startsWith("image " + i + " failed: éé").endsWith(" ...");
      }
    }
  }
}
