package dev.graft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.planner.CostLearner;
import dev.graft.planner.Weights;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

/**
 * What {@code graft bench --suite learn} prints converges within 10% at 200 builds: simulated
 * builds with known timings and 3% noise, learned through the operator's own path (termination
 * message and DataVolume conditions → status.timings → CostLearning).
 */
class LearningConvergenceTest {

  @Test
  void twoHundredSimulatedBuildsLearnEveryFigureWithinTenPercent() {
    CostLearner l = LearningConvergence.simulate(42, 200);
    Weights w = l.weights(Weights.DEFAULT).weights();
    Percentage ten = Percentage.withPercentage(10);
    assertThat(w.perBuild()).isCloseTo(LearningConvergence.LAUNCH, ten);
    assertThat(w.missingBytes()).isCloseTo(LearningConvergence.PER_BYTE, ten);
    assertThat(w.inject()).isCloseTo(LearningConvergence.PER_FILE, ten);
    assertThat(w.remove()).isCloseTo(LearningConvergence.PER_REMOVAL, ten);
    assertThat(l.clone("local-path", "copy").secondsPerByte())
        .isCloseTo(LearningConvergence.COPY_PER_BYTE, ten);
    assertThat(l.clone("local-path", "copy").fixedSeconds())
        .isCloseTo(LearningConvergence.COPY_FIXED, ten);
    assertThat(l.clone("ceph-rbd", "csi-clone").seconds(5_000_000_000L))
        .isCloseTo(LearningConvergence.CSI_CLONE, ten);
    // The planner's clone term of a 5 GB disk on each class: the method measured there.
    var learning = LearningConvergence.learn(42, 200);
    assertThat(learning.cloneSeconds("ceph-rbd", 5_000_000_000L))
        .isCloseTo(LearningConvergence.CSI_CLONE, ten);
    assertThat(learning.cloneSeconds("local-path", 5_000_000_000L))
        .isCloseTo(LearningConvergence.COPY_FIXED + 5e9 * LearningConvergence.COPY_PER_BYTE, ten);
    StringWriter text = new StringWriter();
    LearningConvergence.print(new PrintWriter(text), 42);
    System.out.println(text);
    assertThat(text.toString()).contains("LAUNCH S", "200");
  }
}
