package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CostModelTest {

  private final Problem problem =
      new Instances()
          .weights(new Weights(1.0, 2.0, 3.0, 0.5, 7.0))
          .file("a", 100, 5, 1)
          .file("b", 40, 1, 2)
          .file("c", 10, 0, 4)
          .image("base", "os")
          .image("ab", "os", "a", "b")
          .image("bc", "os", "b", "c")
          .problem();

  private double cost(int from, int to) {
    return problem
        .model()
        .cost(problem.images().get(from).files(), problem.images().get(to).files());
  }

  @Test
  void aSharedLaunchAddsTheDiskAndItsShareOfTheLaunchToTheFixedCost() {
    Weights shared = new Weights(1.0, 2.0, 3.0, 0.5, 7.0).withLaunches(16, 1, 4);
    assertThat(shared.fixedCost()).isEqualTo(7 + 1 + 16 / 4.0);
    Problem p =
        new Instances()
            .weights(shared)
            .file("a", 100, 5, 1)
            .file("b", 40, 1, 2)
            .image("base", "os")
            .image("ab", "os", "a", "b")
            .problem();
    // base -> ab: 12 + 1*(100+40) + 2*(5+1) = 164 (159 with perBuild alone)
    assertThat(p.model().cost(p.images().get(0).files(), p.images().get(1).files()))
        .isEqualTo(164.0);
    // 10 builds, 4 per launch: 3 launches and 10 disks.
    assertThat(shared.launchCost(10)).isEqualTo(3 * 16 + 10 * 1.0);
    assertThat(Weights.DEFAULT.fixedCost()).isEqualTo(Weights.DEFAULT.perBuild());
  }

  @Test
  void thePlanFormatReadsTheLaunchTermsAndOldInputsPlanAsBefore() {
    String json =
        """
        {"weights": {"perBuild": 2, WEIGHTS},
         "files": [{"id": "f", "path": "/f", "size": 10}],
         "images": [{"name": "base", "os": "os", "files": []}],
         "requests": [{"name": "r", "os": "os", "files": ["f"]}]}
        """;
    Problem withLaunches =
        PlanInputReader.read(
            json.replace("WEIGHTS", "\"perLaunch\": 16, \"perDisk\": 1, \"disksPerLaunch\": 4"));
    assertThat(withLaunches.model().weights()).isEqualTo(new Weights(1, 1, 1, 0, 2, 16, 1, 4));
    Problem old = PlanInputReader.read(json.replace(", WEIGHTS", ""));
    assertThat(old.model().weights()).isEqualTo(new Weights(1, 1, 1, 0, 2));
    assertThat(Strategy.OPTIMAL.plan(withLaunches).totalCost())
        .isEqualTo(Strategy.OPTIMAL.plan(old).totalCost() + 1 + 4);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PlanInputReader.read(json.replace("WEIGHTS", "\"disksPerLaunch\": 0")))
        .isInstanceOf(PlanInputException.class)
        .hasMessageContaining("weights.disksPerLaunch: must be an integer >= 1, got 0");
  }

  @Test
  void equalSetsCostNothingNotEvenThePerBuildTerm() {
    assertThat(cost(1, 1)).isZero();
  }

  @Test
  void addingFilesCostsBytesAndInjectionPlusPerBuild() {
    // base -> ab: missing a, b: 7 + 1*(100+40) + 2*(5+1) = 159
    assertThat(cost(0, 1)).isEqualTo(159.0);
  }

  @Test
  void removingFilesCostsRemoveAndExcessBytes() {
    // ab -> base: excess a, b: 7 + 3*(1+2) + 0.5*(100+40) = 86
    assertThat(cost(1, 0)).isEqualTo(86.0);
  }

  @Test
  void mixedBuildCountsBothDifferences() {
    // ab -> bc: missing c (1*10 + 2*0), excess a (3*1 + 0.5*100): 7 + 10 + 53 = 70
    assertThat(cost(1, 2)).isEqualTo(70.0);
  }

  @Test
  void zeroWeightsReduceToPureMissingBytes() {
    Problem p =
        new Instances().file("a", 100, 5, 1).image("x", "os").image("y", "os", "a").problem();
    assertThat(p.model().cost(p.images().get(0).files(), p.images().get(1).files()))
        .isEqualTo(100.0);
  }

  @Test
  void negativeWeightIsRejectedWithItsName() {
    assertThatThrownBy(() -> new Weights(1, -1, 0, 0, 0))
        .hasMessage("weights.inject: must be a finite number >= 0, got -1.0");
  }
}
