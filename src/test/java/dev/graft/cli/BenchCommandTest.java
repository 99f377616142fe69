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

  /**
   * The load suite needs the operator: its run is {@code LoadTest#benchCommandRunsTheLoadSuite...}
   * (quick, in the running test application). Here: bad sizes are refused before anything starts.
   */
  @Test
  void loadSuiteRefusesABadVmCountNamingTheOption() {
    for (String bad : new String[] {"0", "many", "100,-5", "9000"}) {
      StringWriter err = new StringWriter();
      int status =
          GraftCommand.execute(
              new PrintWriter(new StringWriter()),
              new PrintWriter(err),
              "bench",
              "--suite",
              "load",
              "--vms",
              bad);
      assertThat(status).as(bad).isEqualTo(GraftCommand.BAD_INPUT);
      assertThat(err.toString()).as(bad).contains("--vms").containsPattern("\"(0|many|-5|9000)\"");
    }
  }

  @Test
  void bootSuitePrintsTheFigureAndTakesTheLaunchAsAnInput() {
    StringWriter out = new StringWriter();
    int status =
        GraftCommand.execute(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "bench",
            "--suite",
            "boot",
            "--launch-seconds",
            "10",
            "--disks-per-job",
            "4",
            "--extra-disk-seconds",
            "1.5");
    assertThat(status).isZero();
    assertThat(out.toString())
        .contains("launch 10.0 s, each extra disk in a launch 1.5 s, 4 disk(s) per Job")
        .containsPattern("(?m)^Graft \\(optimal\\) +11 +\\d+ +\\d+ +[0-9.]+ +1\\.00x")
        .contains("A cache hit: 0 s of build");
    StringWriter err = new StringWriter();
    int bad =
        GraftCommand.execute(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "bench",
            "--suite",
            "boot",
            "--disks-per-job",
            "0");
    assertThat(bad).isEqualTo(GraftCommand.BAD_INPUT);
    assertThat(err.toString()).contains("disksPerJob must be 1 or more: 0");
  }

  @Test
  void requestSuiteTimesOneRequestAgainstACatalog() {
    StringWriter out = new StringWriter();
    int status =
        GraftCommand.execute(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "bench",
            "--suite",
            "request",
            "--quick");
    assertThat(status).isZero();
    // Rebuilt and incremental in the same run, and their plans cost the same.
    assertThat(out.toString())
        .contains("One new request against a catalog")
        .containsPattern("(?m)^1000 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+x .* yes *$")
        .containsPattern("(?m)^5000 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+x .* yes *$")
        .contains("One new request through the operator's planner");
    String operator = out.toString().substring(out.toString().indexOf("through the operator"));
    assertThat(operator).containsPattern("(?m)^5000 +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ .* yes *$");
  }
}
