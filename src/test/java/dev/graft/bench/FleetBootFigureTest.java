package dev.graft.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.graft.build.Manifest;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.config.DefaultWeights;
import dev.graft.planner.Strategy;
import dev.graft.planner.Weights;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's figure on the demo's fleet: each strategy's builds and times follow from its plan
 * and the settings, and the strategies keep their order when builds run one at a time.
 */
class FleetBootFigureTest {
  private static final Weights WEIGHTS = DefaultWeights.get();
  private static final BootTimes.Settings SETTINGS =
      new BootTimes.Settings(17.7, 0, 1, 20, 0); // a launch other than the per-build weight
  private static SampleFleet fleet;
  private static Map<Strategy, FleetBootFigure.Row> rows;

  @BeforeAll
  static void read() throws Exception {
    fleet = SampleFleet.read(SampleFleet.DEFAULT);
    rows = FleetBootFigure.rows(fleet, WEIGHTS, SETTINGS);
  }

  @Test
  void theFleetIsTheDemosSeventeenVmsOnThreeOses() {
    assertThat(fleet.vms()).hasSize(17);
    assertThat(fleet.bases()).hasSize(3);
    assertThat(fleet.distinctImages()).isEqualTo(11);
  }

  @Test
  void perVmInjectionBuildsEveryDiskTheOthersEachImageOnce() {
    assertThat(rows.get(Strategy.BASE_ONLY).serial().builds()).isEqualTo(17);
    for (Strategy s : new Strategy[] {Strategy.EXACT_ONLY, Strategy.NEAREST, Strategy.OPTIMAL}) {
      assertThat(rows.get(s).serial().builds()).as(s.id()).isEqualTo(11);
    }
  }

  @Test
  void oneJobAtATimeIsEveryBuildsLaunchPlusItsPlannedWork() {
    for (Strategy s : FleetBootFigure.STRATEGIES) {
      double expected = 0;
      for (CatalogPlanner.Order o : CatalogPlanner.plan(fleet.vms(), fleet.bases(), s, WEIGHTS)) {
        long times =
            s == Strategy.BASE_ONLY
                ? fleet.vms().stream().map(Manifest::imageName).filter(o.image()::equals).count()
                : 1;
        expected += times * (SETTINGS.launchSeconds() + o.cost() - WEIGHTS.perBuild());
      }
      assertThat(rows.get(s).serial().seconds()).as(s.id()).isCloseTo(expected, within(1e-6));
    }
  }

  @Test
  void builtOneAtATimeGraftIsFastestAndPerVmInjectionSlowest() {
    double graft = rows.get(Strategy.OPTIMAL).serial().seconds();
    double nearest = rows.get(Strategy.NEAREST).serial().seconds();
    double exact = rows.get(Strategy.EXACT_ONLY).serial().seconds();
    double perVm = rows.get(Strategy.BASE_ONLY).serial().seconds();
    assertThat(graft).isLessThan(nearest + 1e-9);
    assertThat(nearest).isLessThanOrEqualTo(exact + 1e-9);
    assertThat(exact).isLessThan(perVm);
    // Six launches fewer than per-VM injection: at least their seconds saved.
    assertThat(perVm - graft).isGreaterThan(6 * SETTINGS.launchSeconds());
  }

  @Test
  void inParallelTheOneWaveStrategiesTakeOneBuildAndGraftItsChain() {
    // Every build of exact-only starts from a base: all 11 at once, the longest decides.
    FleetBootFigure.Row exact = rows.get(Strategy.EXACT_ONLY);
    double longest =
        exact.builds().stream().mapToDouble(b -> 17.7 + b.workSeconds()).max().orElseThrow();
    assertThat(exact.parallel().waves()).isEqualTo(1);
    assertThat(exact.parallel().seconds()).isCloseTo(longest, within(1e-9));
    // Graft's plan builds images from images built in the same plan: its waves follow each other.
    FleetBootFigure.Row graft = rows.get(Strategy.OPTIMAL);
    assertThat(graft.parallel().waves()).isGreaterThan(1);
    assertThat(graft.parallel().seconds()).isGreaterThanOrEqualTo(graft.parallel().waves() * 17.7);
  }

  @Test
  void printsOneRowPerStrategyAndTheCacheHit() {
    StringWriter out = new StringWriter();
    FleetBootFigure.print(new PrintWriter(out), "fleet.yaml", fleet, WEIGHTS, SETTINGS);
    assertThat(out.toString())
        .contains("17 VMs, 11 distinct images, 3 OSes")
        .containsPattern("(?m)^per-VM injection \\(base-only\\) +17 +17 +1 ")
        .containsPattern("(?m)^Graft \\(optimal\\) +11 +11 +\\d+ +[0-9.]+ +1\\.00x ")
        .contains("A cache hit: 0 s of build");
  }
}
