package dev.graft.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule arithmetic of the README's boot-time figure, on cases worked out by hand. */
class BootTimesTest {
  private static final BootTimes.Settings ONE_AT_A_TIME = new BootTimes.Settings(20, 0, 1, 1, 0);

  /** a and b from the catalog, c from a, d from c: three waves. */
  private static final List<BootTimes.Build> CHAIN =
      List.of(
          new BootTimes.Build("a", null, 1),
          new BootTimes.Build("b", null, 2),
          new BootTimes.Build("c", "a", 3),
          new BootTimes.Build("d", "c", 4));

  @Test
  void oneJobAtATimeTakesTheSumOfAllJobs() {
    BootTimes.Result r = BootTimes.schedule(CHAIN, ONE_AT_A_TIME);
    // 4 launches of 20 s and 1 + 2 + 3 + 4 s of work.
    assertThat(r.seconds()).isCloseTo(90, within(1e-9));
    assertThat(r.jobSeconds()).isCloseTo(90, within(1e-9));
    assertThat(r.jobs()).isEqualTo(4);
    assertThat(r.waves()).isEqualTo(3);
  }

  @Test
  void withoutALimitTheLongestChainDecides() {
    BootTimes.Result r = BootTimes.schedule(CHAIN, ONE_AT_A_TIME.withSlots(0));
    // a (21), then c (23 more: 44), then d (24 more: 68); b ends at 22 meanwhile.
    assertThat(r.seconds()).isCloseTo(68, within(1e-9));
    assertThat(r.jobSeconds()).isCloseTo(90, within(1e-9));
  }

  @Test
  void twoSlotsRunTheFirstWaveTogether() {
    BootTimes.Result r = BootTimes.schedule(CHAIN, ONE_AT_A_TIME.withSlots(2));
    // a and b at 0 (end 21 and 22); c after a at 21 (end 44); d after c (end 68).
    assertThat(r.seconds()).isCloseTo(68, within(1e-9));
    List<BootTimes.Build> flat =
        List.of(
            new BootTimes.Build("a", null, 0),
            new BootTimes.Build("b", null, 0),
            new BootTimes.Build("c", null, 0));
    // Three 20 s Jobs on two slots: 40 s.
    assertThat(BootTimes.schedule(flat, ONE_AT_A_TIME.withSlots(2)).seconds())
        .isCloseTo(40, within(1e-9));
  }

  @Test
  void disksOfOneWaveShareALaunch() {
    BootTimes.Settings shared = new BootTimes.Settings(20, 2, 2, 1, 1);
    BootTimes.Result r = BootTimes.schedule(CHAIN, shared);
    // Wave 1: a+b in one Job: clone 1 + launch 20 + one extra disk 2 + work 3 = 26.
    // Wave 2: c alone: 1 + 20 + 3 = 24 (ends 50). Wave 3: d: 1 + 20 + 4 = 25 (ends 75).
    assertThat(r.jobs()).isEqualTo(3);
    assertThat(r.seconds()).isCloseTo(75, within(1e-9));
    assertThat(r.jobSeconds()).isCloseTo(75, within(1e-9));
  }

  @Test
  void aChildNeverStartsBeforeItsParentIsReady() {
    // Listed child first: the schedule still builds the parent first.
    List<BootTimes.Build> reversed =
        List.of(CHAIN.get(3), CHAIN.get(2), CHAIN.get(1), CHAIN.get(0));
    assertThat(BootTimes.schedule(reversed, ONE_AT_A_TIME.withSlots(0)).seconds())
        .isCloseTo(68, within(1e-9));
  }

  @Test
  void noBuildsNoWait() {
    assertThat(BootTimes.schedule(List.of(), ONE_AT_A_TIME).seconds()).isZero();
  }

  @Test
  void badSettingsAndCyclesAreRefusedByName() {
    assertThatThrownBy(() -> new BootTimes.Settings(-1, 0, 1, 1, 0))
        .hasMessageContaining("launch -1.0");
    assertThatThrownBy(() -> new BootTimes.Settings(20, 0, 0, 1, 0))
        .hasMessageContaining("disksPerJob must be 1 or more: 0");
    assertThatThrownBy(
            () ->
                BootTimes.schedule(
                    List.of(new BootTimes.Build("x", "y", 1), new BootTimes.Build("y", "x", 1)),
                    ONE_AT_A_TIME))
        .hasMessageContaining("cycle");
  }
}
