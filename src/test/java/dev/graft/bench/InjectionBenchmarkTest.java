package dev.graft.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.bench.InjectionBenchmark.Result;
import dev.graft.bench.InjectionBenchmark.Scenario;
import dev.graft.inject.InjectionReport;
import dev.graft.planner.Calibration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's parsing and fitting; the timed runs themselves are `graft bench-inject`. */
class InjectionBenchmarkTest {

  @Test
  void parsesScenarios() {
    assertThat(Scenario.parse("100:10M:50")).isEqualTo(new Scenario(100, 10L << 20, 50));
    assertThat(Scenario.parse("1:3K:0")).isEqualTo(new Scenario(1, 3072, 0));
    assertThat(Scenario.parse("0:0:1000")).isEqualTo(new Scenario(0, 0, 1000));
    assertThatThrownBy(() -> Scenario.parse("10M"))
        .hasMessageStartingWith("--scenario: must be FILES:BYTES[K|M|G]:REMOVES");
    assertThatThrownBy(() -> Scenario.parse("0:1M:0"))
        .hasMessageStartingWith("--scenario: bytes need files");
  }

  @Test
  void fitsLaunchCostPerFileAndPerByte() {
    // seconds = 16 + 0.1/file + 0.03/removal + 2e-8/byte, exactly.
    List<Result> results =
        List.of(
            result(0, 0, 0),
            result(10, 1 << 20, 0),
            result(1000, 10 << 20, 0),
            result(10, 200 << 20, 0),
            result(0, 0, 1000),
            result(100, 50 << 20, 500));
    Calibration.Fit fit = InjectionBenchmark.fit(results);
    assertThat(fit.weights().perBuild()).isCloseTo(16, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(fit.weights().inject()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(fit.weights().remove()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(fit.weights().missingBytes())
        .isCloseTo(2e-8, org.assertj.core.data.Offset.offset(1e-12));
    String table = InjectionBenchmark.table(results, fit);
    assertThat(table)
        .startsWith(
            "| files added | bytes added | files removed | launch s | total s | predicted s |");
    assertThat(table.lines()).hasSize(2 + results.size());
    assertThat(InjectionBenchmark.weights(fit))
        .startsWith("perBuild 16.00 s, inject 0.1000 s/file");
  }

  @Test
  void launchTimeNoiseDoesNotLeakIntoPerFileWeights() {
    // After the launch: 0.5 s + 2 ms/file + 1 ms/removal + 5e-8 s/byte; launches of 17 to 27 s.
    double[] launches = {17, 27, 19, 25, 21, 23};
    int[][] cases = {
      {0, 0, 0},
      {1000, 10 << 20, 0},
      {10, 200 << 20, 0},
      {0, 0, 1000},
      {10, 1 << 20, 0},
      {100, 50 << 20, 500}
    };
    List<Result> results = new java.util.ArrayList<>();
    for (int i = 0; i < cases.length; i++) {
      int files = cases[i][0];
      long bytes = cases[i][1];
      int removes = cases[i][2];
      double after = 0.5 + 0.002 * files + 0.001 * removes + 5e-8 * bytes;
      results.add(
          new Result(
              new Scenario(files, bytes, removes),
              new InjectionReport(bytes, files, removes, launches[i] + after, launches[i])));
    }
    Calibration.Fit fit = InjectionBenchmark.fit(results);
    org.assertj.core.data.Offset<Double> tiny = org.assertj.core.data.Offset.offset(1e-9);
    assertThat(fit.weights().perBuild()).isCloseTo(22 + 0.5, tiny);
    assertThat(fit.weights().inject()).isCloseTo(0.002, tiny);
    assertThat(fit.weights().remove()).isCloseTo(0.001, tiny);
    assertThat(fit.weights().missingBytes())
        .isCloseTo(5e-8, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(fit.rmsErrorSeconds()).isCloseTo(0, tiny);
  }

  static Result result(int files, long bytes, int removes) {
    double seconds = 16 + 0.1 * files + 0.03 * removes + 2e-8 * bytes;
    return new Result(
        new Scenario(files, bytes, removes),
        new InjectionReport(bytes, files, removes, seconds, 16));
  }
}
