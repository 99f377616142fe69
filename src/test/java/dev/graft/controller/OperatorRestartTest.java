package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import dev.graft.sim.ClusterSimulator;
import dev.graft.testing.FaultProxy;
import dev.graft.testing.FaultProxy.Fault;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator is killed at each step of a build and a fresh one, with new reconcilers and empty
 * caches, takes over: every request finishes and nothing is created twice.
 *
 * <p>A kill is the fault proxy cutting the first operator off the API server: from that moment
 * nothing it sends arrives, as when its pod dies, whatever it was doing. The simulator holds the
 * build at the chosen step so that the kill lands there; what the cluster does while no operator
 * runs (a clone or a Job finishing) happens before the second one starts.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(StandaloneOperators.class)
class OperatorRestartTest {

  /** Where in a build the first operator dies. */
  enum KillPoint {
    /** The GoldenImages exist; their parent is still importing, so no clone has started. */
    AFTER_GOLDEN_IMAGE,
    /** The first clone DataVolume exists; it finishes while no operator runs. */
    AFTER_CLONE,
    /** The first injection Job exists and runs; it finishes under the new operator. */
    AFTER_JOB_CREATED,
    /** The Job finished, but writing the image's Ready status failed: the kill comes then. */
    AFTER_JOB_BEFORE_STATUS,
    /** The image is Ready, but creating the VirtualMachine failed: the kill comes then. */
    AFTER_IMAGE_BEFORE_VM
  }

  @Inject KubernetesClient client;
  @Inject Operator applicationOperator;
  @Inject GraftConfig config;
  @Inject InjectionJobs jobs;
  @Inject GraftMetrics metrics;

  @BeforeEach
  void onlyTheTestsOperatorsRun() {
    StandaloneOperators.stop(applicationOperator);
  }

  @ParameterizedTest
  @EnumSource(KillPoint.class)
  void killedOperatorIsReplacedWithoutDuplicates(KillPoint point) {
    String ns = "kill-" + point.name().toLowerCase(Locale.ROOT).replace('_', '-');
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        FaultProxy link = FaultProxy.start(client.getConfiguration().getMasterUrl(), 7)) {
      FreshOperator first =
          FreshOperator.startVia(link.url(), 5_000, client, config, jobs, metrics);
      try {
        holdAt(point, simulator);
        createFleet(ns);
        waitFor(point, ns, simulator, link);
        link.cut();
      } finally {
        first.close();
      }
      // While no operator runs, the cluster goes on: held clones and Jobs finish.
      if (point == KillPoint.AFTER_CLONE || point == KillPoint.AFTER_JOB_BEFORE_STATUS) {
        simulator.releaseDataVolumes();
        simulator.releaseJobs();
      }
      try (FreshOperator second = FreshOperator.start(client, config, jobs, metrics)) {
        simulator.releaseDataVolumes();
        simulator.releaseJobs();
        until(
            client,
            ns,
            () ->
                ready(gvm(client, ns, "web-1"))
                    && ready(gvm(client, ns, "web-2"))
                    && ready(gvm(client, ns, "web-3")));
        assertThat(second.stoppedInformers).isEmpty();
      }
      assertBuiltOnce(ns);
    }
  }

  private static void holdAt(KillPoint point, ClusterSimulator simulator) {
    switch (point) {
      case AFTER_GOLDEN_IMAGE -> simulator.holdDataVolumes(true);
      case AFTER_CLONE -> simulator.holdClones(true);
      case AFTER_JOB_CREATED, AFTER_JOB_BEFORE_STATUS -> simulator.holdJobs(true);
      case AFTER_IMAGE_BEFORE_VM -> {}
    }
  }

  /** A chain: base, {a}, {a,b}, {a,b,c}, each built from the one before. */
  private void createFleet(String ns) {
    client.resource(baseImage(ns, "fedora", "fedora-40")).create();
    client.resource(gvm(ns, "web-1", "fedora-40", file("/etc/a", "1"))).create();
    client
        .resource(gvm(ns, "web-2", "fedora-40", file("/etc/a", "1"), file("/etc/b", "2")))
        .create();
    client
        .resource(
            gvm(
                ns,
                "web-3",
                "fedora-40",
                file("/etc/a", "1"),
                file("/etc/b", "2"),
                file("/etc/c", "3")))
        .create();
  }

  private void waitFor(KillPoint point, String ns, ClusterSimulator simulator, FaultProxy link) {
    switch (point) {
      case AFTER_GOLDEN_IMAGE -> until(client, ns, () -> images(client, ns).size() == 4);
      case AFTER_CLONE -> until(client, ns, () -> !simulator.heldDataVolumes().isEmpty());
      case AFTER_JOB_CREATED -> until(client, ns, () -> !simulator.heldJobs().isEmpty());
      case AFTER_JOB_BEFORE_STATUS -> {
        until(client, ns, () -> !simulator.heldJobs().isEmpty() && injecting(ns) != null);
        String building = injecting(ns);
        link.inject(r -> r.isFor("goldenimages") && r.isStatus(), Fault.SERVER_ERROR, 1.0);
        simulator.releaseJobs();
        until(
            client,
            ns,
            () -> link.faulted().stream().anyMatch(r -> r.path().contains("/" + building + "/")));
      }
      case AFTER_IMAGE_BEFORE_VM -> {
        link.inject(
            r -> r.method().equals("POST") && r.isFor("virtualmachines"), Fault.SERVER_ERROR, 1.0);
        until(client, ns, () -> link.injected(Fault.SERVER_ERROR) > 0);
      }
    }
  }

  /** The image whose Injecting phase is recorded, or null. */
  private String injecting(String ns) {
    return images(client, ns).stream()
        .filter(gi -> gi.getStatus() != null && gi.getStatus().phase == Phase.Injecting)
        .map(gi -> gi.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  private void assertBuiltOnce(String ns) {
    assertThat(images(client, ns)).hasSize(4);
    Fixtures.assertBuiltOnce(client, ns);
  }
}
