package dev.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark runnable: a quick run prints every table with sane ratios. */
class BenchCommandTest {

  @Test
  void quickRunPrintsEveryTable() {
    StringWriter out = new StringWriter();
    int status =
        GraftCommand.execute(
            new PrintWriter(out), new PrintWriter(new StringWriter()), "bench", "--quick");
    assertThat(status).isZero();
    assertThat(out.toString())
        .contains("Planning 100 requests against 1000 cached images")
        .contains("Nearest lookup over 5000 cached images")
        .contains("Fleet: 30 VMs")
        .containsPattern("optimal +[0-9.]+ +[0-9.]+ +[0-9.]+ +\\d+ +\\d+ +1\\.00x")
        .doesNotContainPattern("(nearest|exact-only|base-only) .* 0\\.\\d\\dx");
  }
}
