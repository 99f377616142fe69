package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each strategy on hand-made cases whose answers are worked out by hand in the comments. */
class StrategyTest {

  /** Removal is cheap (weight 1 per file), bytes cost 1 each. */
  private Instances fleet() {
    return new Instances()
        .weights(new Weights(1, 0, 1, 0, 0))
        .file("f1", 100, 0, 1)
        .file("f2", 100, 0, 1)
        .file("f3", 100, 0, 1)
        .image("base", "fedora");
  }

  @Test
  void optimalChainsRequestsThroughEachOther() {
    Problem p =
        fleet()
            .request("r2", "fedora", "f1", "f2")
            .request("r1", "fedora", "f1", "f2", "f3")
            .request("r3", "fedora", "f1", "f3")
            .problem();
    // Superset first (r1 from base 300, r2 and r3 by one removal each) totals 302, but growing
    // r2 into r1 is cheaper still: r2 from base 200, r1 from r2 adds f3 = 100, r3 from r1
    // removes f2 = 1. Total 301. Nearest would pay 200 + 300 + 200 = 700.
    Plan plan = Strategy.OPTIMAL.plan(p);
    assertThat(plan.totalCost()).isEqualTo(301.0);
    assertThat(plan.builds())
        .containsExactly(
            new Plan.Build(
                "r2", "base", Plan.SourceKind.image, List.of("f1", "f2"), List.of(), 200, 1),
            new Plan.Build("r1", "r2", Plan.SourceKind.request, List.of("f3"), List.of(), 100, 2),
            new Plan.Build("r3", "r1", Plan.SourceKind.request, List.of(), List.of("f2"), 1, 3));
    assertThat(Strategy.NEAREST.plan(p).totalCost()).isEqualTo(700.0);
    assertThat(PlanValidator.violations(p, plan)).isEmpty();
  }

  @Test
  void nearestTakesEachRequestAloneFromCachedImagesOnly() {
    Problem p =
        fleet()
            .image("web", "fedora", "f1", "f2", "f3")
            .request("r1", "fedora", "f1", "f2")
            .request("r2", "fedora", "f3")
            .problem();
    // r1: web minus f3 = 1 (base would be 200). r2: web minus f1, f2 = 2 (base would be 100).
    Plan plan = Strategy.NEAREST.plan(p);
    assertThat(plan.builds()).extracting(Plan.Build::from).containsExactly("web", "web");
    assertThat(plan.totalCost()).isEqualTo(3.0);
  }

  @Test
  void exactOnlyReusesExactMatchesAndBuildsTheRestFromBase() {
    Problem p =
        fleet()
            .image("web", "fedora", "f1", "f2")
            .request("r1", "fedora", "f1", "f2")
            .request("r2", "fedora", "f1", "f2", "f3")
            .request("r3", "fedora", "f1", "f2", "f3")
            .problem();
    // r1 is a cache hit; r2 from base = 300 (web would be 100); r3 is the same as r2.
    Plan plan = Strategy.EXACT_ONLY.plan(p);
    assertThat(plan.reuses())
        .containsExactly(new Plan.Reuse("r1", "web", null, 0), new Plan.Reuse("r3", null, "r2", 1));
    assertThat(plan.builds()).singleElement().extracting(Plan.Build::from).isEqualTo("base");
    assertThat(plan.totalCost()).isEqualTo(300.0);
  }

  @Test
  void baseOnlyInjectsEveryRequestFromBaseWithoutReuse() {
    Problem p =
        fleet()
            .image("web", "fedora", "f1", "f2")
            .request("r1", "fedora", "f1", "f2")
            .request("r2", "fedora", "f1", "f2")
            .problem();
    // Per-VM injection: 200 + 200, the cache hit and the duplicate are ignored.
    Plan plan = Strategy.BASE_ONLY.plan(p);
    assertThat(plan.reuses()).isEmpty();
    assertThat(plan.totalCost()).isEqualTo(400.0);
  }

  @Test
  void exactHitAndDuplicatesCostNothingUnderOptimal() {
    Problem p =
        fleet()
            .image("web", "fedora", "f1", "f2")
            .request("a", "fedora", "f1", "f2")
            .request("b", "fedora", "f1", "f2")
            .problem();
    Plan plan = Strategy.OPTIMAL.plan(p);
    assertThat(plan.builds()).isEmpty();
    assertThat(plan.reuses())
        .containsExactly(new Plan.Reuse("a", "web", null, 0), new Plan.Reuse("b", null, "a", 0));
  }

  @Test
  void requestsOfAnotherOsNeverShareSources() {
    Problem p =
        fleet()
            .image("ubuntu-base", "ubuntu")
            .request("f", "fedora", "f1", "f2", "f3")
            .request("u", "ubuntu", "f1", "f2")
            .problem();
    // u cannot be derived from f (other OS): it is built from ubuntu-base for 200.
    Plan plan = Strategy.OPTIMAL.plan(p);
    assertThat(plan.builds())
        .extracting(Plan.Build::request, Plan.Build::from)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("f", "base"),
            org.assertj.core.groups.Tuple.tuple("u", "ubuntu-base"));
    assertThat(plan.totalCost()).isEqualTo(500.0);
  }

  @Test
  void perBuildCostMakesAnIntermediateImageWorthlessWhenItIsNotRequested() {
    // With a high per-build term a chain is still only worth it when each link is a request.
    Problem p =
        new Instances()
            .weights(new Weights(1, 0, 0, 0, 50))
            .file("big", 1000, 0, 0)
            .file("x", 1, 0, 0)
            .file("y", 1, 0, 0)
            .image("base", "os")
            .request("rx", "os", "big", "x")
            .request("ry", "os", "big", "y")
            .problem();
    // rx from base: 50 + 1001; ry from rx: 50 + 1 (remove x costs 0) = 51. Total 1102.
    Plan plan = Strategy.OPTIMAL.plan(p);
    assertThat(plan.totalCost()).isEqualTo(1102.0);
    assertThat(Strategy.NEAREST.plan(p).totalCost()).isEqualTo(2102.0);
  }
}
