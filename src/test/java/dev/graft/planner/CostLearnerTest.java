package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/**
 * Simulated builds with known timings: the learned weights and clone times converge to the true
 * ones within 10%, and survive a round trip through ConfigMap data (an operator restart).
 */
class CostLearnerTest {
  // The truth: 16.9 s launch, 50 MB/s writes, 2 ms per file written, 1 ms per file removed,
  // 0.4 s fixed write overhead; CSI clones 3 s flat, host-assisted copies 4 s + 120 MB/s.
  static final double LAUNCH = 16.9;
  static final double PER_BYTE = 1 / 50e6;
  static final double PER_FILE = 0.002;
  static final double PER_REMOVAL = 0.001;
  static final double WRITE_FIXED = 0.4;

  @Test
  void simulatedBuildsConvergeToTheTrueWeightsWithinTenPercent() {
    CostLearner learner = simulate(new Random(11), 120);
    Weights w = learner.weights(Weights.DEFAULT).weights();
    assertThat(w.perBuild()).isCloseTo(LAUNCH + WRITE_FIXED, Percentage.withPercentage(10));
    assertThat(w.missingBytes()).isCloseTo(PER_BYTE, Percentage.withPercentage(10));
    assertThat(w.inject()).isCloseTo(PER_FILE, Percentage.withPercentage(10));
    assertThat(w.remove()).isCloseTo(PER_REMOVAL, Percentage.withPercentage(10));
    CostLearner.CloneFit csi = learner.clone("ceph-rbd", "csi-clone");
    assertThat(csi.fixedSeconds()).isCloseTo(3.0, Percentage.withPercentage(10));
    assertThat(csi.seconds(10_000_000_000L)).isCloseTo(3.0, Percentage.withPercentage(10));
    CostLearner.CloneFit copy = learner.clone("local-path", "copy");
    assertThat(copy.fixedSeconds()).isCloseTo(4.0, Percentage.withPercentage(10));
    assertThat(copy.secondsPerByte()).isCloseTo(1 / 120e6, Percentage.withPercentage(10));
  }

  @Test
  void fewSamplesAreFurtherOffThanMany() {
    double few = error(simulate(new Random(5), 6));
    double many = error(simulate(new Random(5), 200));
    assertThat(many).isLessThan(few);
    assertThat(many).isLessThan(0.05);
  }

  @Test
  void samplesSurviveARestartThroughConfigMapData() {
    CostLearner learner = simulate(new Random(3), 50);
    Map<String, String> data = learner.toData();
    assertThat(data)
        .containsKeys("injections", "clone.ceph-rbd.csi-clone", "clone.local-path.copy");
    CostLearner restored = CostLearner.fromData(data);
    assertThat(restored.injectionSamples()).isEqualTo(50);
    assertThat(restored.weights(Weights.DEFAULT).weights().perBuild())
        .isCloseTo(
            learner.weights(Weights.DEFAULT).weights().perBuild(), Percentage.withPercentage(0.1));
    assertThat(restored.clone("local-path", "copy").secondsPerByte())
        .isCloseTo(
            learner.clone("local-path", "copy").secondsPerByte(), Percentage.withPercentage(0.1));
  }

  @Test
  void damagedDataIsSkippedNotFatal() {
    CostLearner restored =
        CostLearner.fromData(Map.of("injections", "1 2 3 4.0 1.0\nnot a sample\n", "clone.x", "1"));
    assertThat(restored.injectionSamples()).isEqualTo(1);
    assertThat(restored.cloneKeys()).isEmpty();
  }

  @Test
  void keepsOnlyTheLastWindowOfSamples() {
    CostLearner learner = simulate(new Random(1), CostLearner.WINDOW + 30);
    assertThat(learner.injectionSamples()).isEqualTo(CostLearner.WINDOW);
  }

  private static double error(CostLearner learner) {
    Weights w = learner.weights(Weights.DEFAULT).weights();
    return Math.max(Math.abs(w.inject() / PER_FILE - 1), Math.abs(w.missingBytes() / PER_BYTE - 1));
  }

  /** {@code builds} builds with 3% timing noise, clones alternating between two classes. */
  static CostLearner simulate(Random rnd, int builds) {
    CostLearner learner = new CostLearner();
    for (int i = 0; i < builds; i++) {
      long bytes = (long) (rnd.nextDouble() * 500e6);
      int files = rnd.nextInt(2000);
      int removed = rnd.nextInt(500);
      double launch = LAUNCH * (1 + 0.03 * rnd.nextGaussian());
      double write =
          (WRITE_FIXED + bytes * PER_BYTE + files * PER_FILE + removed * PER_REMOVAL)
              * (1 + 0.03 * rnd.nextGaussian());
      learner.injected(
          new CostLearner.InjectionSample(bytes, files, removed, launch + write, launch));
      long image = (long) (1e9 + rnd.nextDouble() * 9e9);
      if (i % 2 == 0) {
        learner.cloned(
            new CostLearner.CloneSample(
                "ceph-rbd", "csi-clone", image, 3.0 * (1 + 0.03 * rnd.nextGaussian())));
      } else {
        learner.cloned(
            new CostLearner.CloneSample(
                "local-path",
                "copy",
                image,
                (4.0 + image / 120e6) * (1 + 0.03 * rnd.nextGaussian())));
      }
    }
    return learner;
  }
}
