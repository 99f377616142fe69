package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void recoversExactWeightsFromNoiselessMeasurements() {
    List<Calibration.Measurement> data = new ArrayList<>();
    Random rnd = new Random(3);
    for (int i = 0; i < 20; i++) {
      long bytes = (long) (rnd.nextDouble() * 200e6);
      int added = rnd.nextInt(1000);
      int removed = rnd.nextInt(300);
      data.add(
          new Calibration.Measurement(
              bytes, added, removed, 16 + bytes / 50e6 + 0.05 * added + 0.02 * removed));
    }
    Calibration.Fit fit = Calibration.fit(data, Weights.DEFAULT);
    assertThat(fit.weights().perBuild()).isCloseTo(16, Percentage.withPercentage(1e-6));
    assertThat(fit.weights().missingBytes()).isCloseTo(2e-8, Percentage.withPercentage(1e-6));
    assertThat(fit.weights().inject()).isCloseTo(0.05, Percentage.withPercentage(1e-6));
    assertThat(fit.weights().remove()).isCloseTo(0.02, Percentage.withPercentage(1e-6));
    assertThat(fit.rmsErrorSeconds()).isLessThan(1e-6);
  }

  @Test
  void recoversTheWeightsThatGeneratedNoisyMeasurements() {
    // 16 s launch, 50 MB/s, 0.05 s per injected file, 0.02 s per removed file, 1% noise.
    Random rnd = new Random(7);
    List<Calibration.Measurement> data = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      long bytes = (long) (rnd.nextDouble() * 200e6);
      int added = rnd.nextInt(1000);
      int removed = rnd.nextInt(300);
      double seconds = 16 + bytes / 50e6 + 0.05 * added + 0.02 * removed;
      data.add(
          new Calibration.Measurement(
              bytes, added, removed, seconds * (1 + 0.01 * rnd.nextGaussian())));
    }
    Calibration.Fit fit = Calibration.fit(data, Weights.DEFAULT);
    assertThat(fit.weights().perBuild()).isCloseTo(16, Percentage.withPercentage(5));
    assertThat(fit.weights().missingBytes()).isCloseTo(2e-8, Percentage.withPercentage(15));
    assertThat(fit.weights().inject()).isCloseTo(0.05, Percentage.withPercentage(10));
    assertThat(fit.samples()).isEqualTo(60);
  }

  @Test
  void neverReturnsNegativeWeights() {
    // Removing files appears to speed builds up here; the fit clamps that weight to zero.
    List<Calibration.Measurement> data =
        List.of(
            new Calibration.Measurement(0, 0, 0, 10),
            new Calibration.Measurement(0, 0, 100, 5),
            new Calibration.Measurement(0, 100, 0, 20),
            new Calibration.Measurement(100_000_000, 0, 0, 12));
    Weights w = Calibration.fit(data, Weights.DEFAULT).weights();
    assertThat(w.remove()).isZero();
    assertThat(w.perBuild()).isPositive();
    assertThat(w.inject()).isPositive();
  }

  @Test
  void keepsTheExcessBytesWeightItCannotObserve() {
    Weights base = new Weights(1, 1, 1, 0.25, 0);
    List<Calibration.Measurement> data = List.of(new Calibration.Measurement(10, 1, 1, 3));
    assertThat(Calibration.fit(data, base).weights().excessBytes()).isEqualTo(0.25);
  }

  @Test
  void rejectsAnEmptySample() {
    assertThatThrownBy(() -> Calibration.fit(List.of(), Weights.DEFAULT))
        .hasMessageContaining("measurements");
  }
}
