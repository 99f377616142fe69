package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BuildTimings;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import dev.graft.planner.Weights;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The planner gets the operator's launch terms: graft.planner.weights.per-launch and per-disk, the
 * launch shared by graft.build.max-disks-per-job builds; a learned perBuild (which holds each
 * build's share of its launch) takes no launch terms on top.
 */
class LaunchWeightsTest {

  @Test
  void theConfiguredLaunchIsSharedByTheDisksOfAJob() {
    CatalogPlanner planner =
        new CatalogPlanner(
            config(
                Map.of(
                    "graft.planner.weights.per-build", "1.0",
                    "graft.planner.weights.per-launch", "16.0",
                    "graft.planner.weights.per-disk", "0.5",
                    "graft.build.max-disks-per-job", "4")),
            new GraftMetrics(new SimpleMeterRegistry()));
    Weights w = planner.weights();
    assertThat(w.perLaunch()).isEqualTo(16.0);
    assertThat(w.perDisk()).isEqualTo(0.5);
    assertThat(w.disksPerLaunch()).isEqualTo(4);
    assertThat(w.fixedCost()).isEqualTo(1.0 + 0.5 + 16.0 / 4);
  }

  @Test
  void byDefaultEveryBuildPaysItsOwnLaunch() {
    Weights w =
        new CatalogPlanner(config(Map.of()), new GraftMetrics(new SimpleMeterRegistry())).weights();
    assertThat(w.disksPerLaunch()).isEqualTo(1);
    assertThat(w.fixedCost()).isEqualTo(21.9);
  }

  @Test
  void aLearnedPerBuildHoldsTheLaunchShareAndTakesNoLaunchTermsOnTop() {
    CostLearning learning = new CostLearning();
    CatalogPlanner planner =
        new CatalogPlanner(
            config(
                Map.of(
                    "graft.planner.calibrate", "true",
                    "graft.planner.weights.per-launch", "16.0",
                    "graft.build.max-disks-per-job", "4")),
            new GraftMetrics(new SimpleMeterRegistry()),
            learning,
            RuntimeWeights.none());
    // Builds that shared 16 s launches four at a time: each learned its 4 s share (Measure).
    for (int i = 0; i < 10; i++) {
      BuildTimings t = new BuildTimings();
      t.finishedAt = "2026-11-30T12:00:0" + i + "Z";
      t.bytesAdded = 0L;
      t.filesAdded = 1 + i % 3;
      t.filesRemoved = 0;
      t.launchSeconds = 4.0;
      t.injectSeconds = 4.0 + 0.5 * t.filesAdded;
      learning.remember("image-" + i, t, "csi-clone");
    }
    Weights w = planner.weights();
    assertThat(w.perLaunch()).isZero();
    assertThat(w.fixedCost()).isCloseTo(4.0, Offset.offset(1e-6));
  }

  private static GraftConfig config(Map<String, String> values) {
    SmallRyeConfigBuilder b =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .addDiscoveredConverters()
            .withMapping(GraftConfig.class)
            .withDefaultValue("graft.planner.calibrate", "false");
    values.forEach(b::withDefaultValue);
    return b.build().getConfigMapping(GraftConfig.class);
  }
}
