package dev.graft.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions.State;
import org.junit.jupiter.api.Test;

/** Conditions are built in one place; unchanged state keeps transition times. */
class ConditionsTest {

  @Test
  void readyProgressingDegradedWithGeneration() {
    GoldenImage.Status s = new GoldenImage.Status();
    Conditions.apply(s, State.progressing(Phase.Cloning, "Cloning", "cloning x"), 3L);
    assertThat(s.phase).isEqualTo(Phase.Cloning);
    assertThat(s.observedGeneration).isEqualTo(3L);
    assertThat(s.conditions)
        .extracting(c -> c.getType())
        .containsExactly("Ready", "Progressing", "Degraded");
    assertThat(Conditions.isTrue(s, Conditions.PROGRESSING)).isTrue();
    assertThat(Conditions.isTrue(s, Conditions.READY)).isFalse();
    assertThat(Conditions.get(s, Conditions.READY).getObservedGeneration()).isEqualTo(3L);

    Conditions.apply(s, State.degraded(Phase.Failed, "InjectionFailed", "Job failed"), 3L);
    assertThat(Conditions.get(s, Conditions.READY).getReason()).isEqualTo("InjectionFailed");
    assertThat(Conditions.isTrue(s, Conditions.DEGRADED)).isTrue();
    assertThat(Conditions.isTrue(s, Conditions.PROGRESSING)).isFalse();
  }

  @Test
  void unchangedStateIsAnEqualStatus() throws Exception {
    GoldenImage.Status a = new GoldenImage.Status();
    Conditions.apply(a, State.ready(Phase.Ready, "Ready", "ok"), 1L);
    GoldenImage.Status b =
        new com.fasterxml.jackson.databind.ObjectMapper().convertValue(a, GoldenImage.Status.class);
    Thread.sleep(1100);
    Conditions.apply(b, State.ready(Phase.Ready, "Ready", "ok"), 1L);
    assertThat(StatusCopies.same(a, b)).isTrue();
  }
}
