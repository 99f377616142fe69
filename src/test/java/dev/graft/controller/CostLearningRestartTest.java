package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import dev.graft.planner.Weights;
import dev.graft.sim.ClusterSimulator;
import dev.graft.sim.SimulatedCosts;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator learns its cost model from the builds it runs: the injector's report (the succeeded
 * Job pod's termination message) and the clone time (the DataVolume's Ready condition) land in each
 * GoldenImage's {@code status.timings}, the fitted weights come close to the simulator's known
 * timings, and a fresh operator process (a restart: new planner, empty caches) plans with the same
 * learned weights.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(LearningOperators.class)
class CostLearningRestartTest {
  // The simulated cluster: 12 s launch, 25 kB/s writes, 0.5 s per file, 3 s clones; 0.5% noise
  // (the order in which builds draw it varies with threads: with 2% the per-file fit of 16 builds
  // once missed 10% by a hair; how fits converge under noise is LearningConvergenceTest's job).
  static final double LAUNCH = 12.0;
  static final double PER_BYTE = 4e-5;
  static final double PER_FILE = 0.5;
  static final double CLONE = 3.0;

  @Inject KubernetesClient client;
  @Inject Operator applicationOperator;
  @Inject GraftConfig config;
  @Inject InjectionJobs jobs;
  @Inject GraftMetrics metrics;
  @Inject MeterRegistry registry;

  @BeforeEach
  void onlyTheTestsOperatorsRun() {
    StandaloneOperators.stop(applicationOperator);
  }

  @Test
  void learnedWeightsComeFromTheClusterAndSurviveARestart() {
    String ns = "learn";
    int vms = 16;
    Weights learned;
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      simulator.simulateCosts(
          new SimulatedCosts(LAUNCH, PER_BYTE, PER_FILE, 0.3, CLONE, 0, 0.005, 17));
      try (FreshOperator first = FreshOperator.start(client, config, jobs, metrics)) {
        createFleet(ns, vms);
        until(
            client,
            ns,
            () ->
                images(client, ns).stream()
                        .filter(gi -> gi.getStatus() != null && gi.getStatus().phase == Phase.Ready)
                        .count()
                    == vms + 1);
        for (GoldenImage gi : images(client, ns)) {
          if (gi.getSpec().parent != null) {
            var t = gi.getStatus().timings;
            assertThat(t).as(gi.getMetadata().getName()).isNotNull();
            assertThat(t.injectSeconds).isGreaterThan(t.launchSeconds).isGreaterThan(LAUNCH / 2);
            // Built from a base or from a sibling: something was written or removed.
            assertThat(t.filesAdded + t.filesRemoved).isPositive();
            assertThat(t.cloneSeconds).isCloseTo(CLONE, Percentage.withPercentage(10));
            assertThat(t.cloneBytes).isEqualTo(8L << 30);
          }
        }
        learned = first.planner.weights();
        Percentage ten = Percentage.withPercentage(10);
        assertThat(learned.perBuild()).isCloseTo(LAUNCH, ten);
        assertThat(learned.missingBytes()).isCloseTo(PER_BYTE, ten);
        assertThat(learned.inject()).isCloseTo(PER_FILE, ten);
        assertThat(first.planner.measurements().cloneSeconds("", 8L << 30)).isCloseTo(CLONE, ten);
      }
      try (FreshOperator second = FreshOperator.start(client, config, jobs, metrics)) {
        // The restarted operator reconciles the catalog and learns again from its statuses.
        until(client, ns, () -> second.planner.measurements().learner().injectionSamples() == vms);
        Weights again = second.planner.weights();
        assertThat(again).isEqualTo(learned);
        assertThat(registry.find("graft.planner.weight").tag("weight", "perBuild").gauge().value())
            .isEqualTo(learned.perBuild());
      }
    }
  }

  /** A base and {@code vms} requests of 1 to 6 files of up to 50 kB, from a pool of 24. */
  private void createFleet(String ns, int vms) {
    client.resource(baseImage(ns, "fedora", "fedora-40")).create();
    Random rnd = new Random(5);
    List<FileSpec> pool = new ArrayList<>();
    for (int f = 0; f < 24; f++) {
      pool.add(file("/etc/app/f" + f, "x".repeat(1000 + rnd.nextInt(50_000))));
    }
    for (int v = 0; v < vms; v++) {
      List<FileSpec> files = new ArrayList<>(pool);
      java.util.Collections.shuffle(files, rnd);
      client
          .resource(
              gvm(ns, "vm-" + v, "fedora-40", files.subList(0, 1 + v % 6).toArray(FileSpec[]::new)))
          .create();
    }
  }
}
