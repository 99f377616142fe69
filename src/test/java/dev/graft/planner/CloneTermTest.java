package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The clone term: a build pays cloning its source ({@code cloneCost} of the image or request it is
 * built from), a reuse pays nothing, and an input without it plans exactly as before.
 */
class CloneTermTest {

  // Bytes cost 1 each. "near" holds f1 (it would cost 100 to reach r = {f1, f2}), but sits on a
  // class whose clones cost 500 (a host-assisted copy); "base" is a 3 s CSI clone.
  private static final String INPUT =
      """
      { "weights": {"missingBytes": 1, "inject": 0, "remove": 1, "perBuild": 0},
        "files": [ {"id": "f1", "size": 100}, {"id": "f2", "size": 100} ],
        "images": [ {"name": "base", "os": "x", "files": [], "cloneCost": 3},
                    {"name": "near", "os": "x", "files": ["f1"], "cloneCost": 500},
                    {"name": "same", "os": "x", "files": ["f2"], "cloneCost": 500} ],
        "requests": [ {"name": "r", "os": "x", "files": ["f1", "f2"], "cloneCost": 3},
                      {"name": "s", "os": "x", "files": ["f2"]},
                      {"name": "t", "os": "x", "files": ["f1", "f2"], "cloneCost": 3} ] }
      """;

  @Test
  void everyBuildPaysItsSourcesCloneAndReusesPayNothing() {
    Problem p = PlanInputReader.read(INPUT);
    for (Strategy s : List.of(Strategy.OPTIMAL, Strategy.NEAREST)) {
      Plan plan = s.plan(p);
      // r from base: 200 + 3 (from near it would be 100 + 500); s reuses "same"; t = r.
      assertThat(plan.builds())
          .as(s.id())
          .containsExactly(
              new Plan.Build(
                  "r", "base", Plan.SourceKind.image, List.of("f1", "f2"), List.of(), 203, 1));
      assertThat(plan.totalCost()).isEqualTo(203.0);
      assertThat(PlanValidator.violations(p, plan)).isEmpty();
    }
  }

  @Test
  void aRequestAsASourcePaysItsOwnClone() {
    Problem p =
        PlanInputReader.read(
            """
            { "weights": {"missingBytes": 1, "remove": 1},
              "files": [ {"id": "f1", "size": 100, "removeCost": 50},
                         {"id": "f2", "size": 100, "removeCost": 50} ],
              "images": [ {"name": "base", "os": "x", "files": [], "cloneCost": 3} ],
              "requests": [ {"name": "a", "os": "x", "files": ["f1"], "cloneCost": 7},
                            {"name": "b", "os": "x", "files": ["f1", "f2"], "cloneCost": 7} ] }
            """);
    Plan plan = Strategy.OPTIMAL.plan(p);
    // a from base 100 + 3; b from a 100 + 7 = 107 (from base it would be 203; b first, then a
    // from b by removing f2, would be 203 + 50 + 7).
    assertThat(plan.totalCost()).isEqualTo(210.0);
    assertThat(plan.builds()).extracting(Plan.Build::from).containsExactly("base", "a");
    assertThat(PlanValidator.violations(p, plan)).isEmpty();
  }

  @Test
  void withoutCloneCostsCostsAreAsBefore() {
    Problem p = PlanInputReader.read(INPUT.replaceAll(", \"cloneCost\": \\d+", ""));
    // Now "near" wins for r (100), as before clone costs existed.
    assertThat(Strategy.OPTIMAL.plan(p).totalCost()).isEqualTo(100.0);
  }

  @Test
  void aNegativeCloneCostIsRejectedByName() {
    assertThatThrownBy(
            () -> PlanInputReader.read(INPUT.replace("\"cloneCost\": 500", "\"cloneCost\": -1")))
        .hasMessageContaining("images[1].cloneCost")
        .hasMessageContaining("-1");
  }
}
