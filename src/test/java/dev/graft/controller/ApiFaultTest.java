package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.build.InjectionJobs;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import dev.graft.sim.ClusterSimulator;
import dev.graft.testing.FaultProxy;
import dev.graft.testing.FaultProxy.Fault;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator talks to the API server through a proxy that fails requests: 409s, 500s, requests
 * that never arrive, answers that never come back, dropped watches, and an outage of every write
 * longer than the SDK's default retry budget. The client does not retry on its own, so every fault
 * reaches the reconcilers. Every request must still end Ready, with nothing built twice.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(StandaloneOperators.class)
class ApiFaultTest {
  private static final int TIMEOUT_MILLIS = 1_500;

  @Inject KubernetesClient client;
  @Inject Operator applicationOperator;
  @Inject GraftConfig config;
  @Inject InjectionJobs jobs;
  @Inject GraftMetrics metrics;

  @BeforeEach
  void onlyTheTestsOperatorsRun() {
    StandaloneOperators.stop(applicationOperator);
  }

  @Test
  void everyRequestEndsReadyUnderRandomFaults() throws Exception {
    String ns = "faults";
    ScheduledExecutorService dropper = Executors.newSingleThreadScheduledExecutor();
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        FaultProxy proxy = FaultProxy.start(client.getConfiguration().getMasterUrl(), 42);
        FreshOperator operator =
            FreshOperator.startVia(proxy.url(), TIMEOUT_MILLIS, client, config, jobs, metrics)) {
      // Faults start once the operator runs: a real one that cannot start exits and restarts.
      proxy
          // Conflicts where a real API server gives them: a write to an object that changed.
          .inject(r -> r.method().equals("PUT") || r.method().equals("PATCH"), Fault.CONFLICT, 0.10)
          .inject(r -> !r.isWatch() && r.isWrite(), Fault.SERVER_ERROR, 0.15)
          .injectEvery(r -> !r.isWatch() && r.isWrite(), Fault.LOST_ANSWER, 30)
          .injectEvery(r -> !r.isWatch(), Fault.TIMEOUT, 50)
          .inject(r -> !r.isWatch() && !r.isWrite(), Fault.SERVER_ERROR, 0.10);
      dropper.scheduleAtFixedRate(proxy::dropWatches, 1_000, 1_500, TimeUnit.MILLISECONDS);

      long start = System.nanoTime();
      List<String> names = createFleet(ns);
      awaitReady(ns, names, Duration.ofSeconds(120));
      double seconds = (System.nanoTime() - start) / 1e9;

      System.out.printf(
          "API faults: all Ready in %.1f s; %d requests, %d conflicts, %d server errors, %d lost, %d lost answers,"
              + " %d watches dropped%n",
          seconds,
          proxy.requests(),
          proxy.injected(Fault.CONFLICT),
          proxy.injected(Fault.SERVER_ERROR),
          proxy.injected(Fault.TIMEOUT),
          proxy.injected(Fault.LOST_ANSWER),
          proxy.watchesDropped());
      assertThat(operator.stoppedInformers).isEmpty();
      for (Fault fault : Fault.values()) {
        assertThat(proxy.injected(fault)).as("injected " + fault).isPositive();
      }
      assertThat(proxy.watchesDropped()).as("watches dropped").isGreaterThan(3);
    } finally {
      dropper.shutdownNow();
    }
    assertBuiltOnce(client, ns);
  }

  /**
   * Every write fails for 20 s, longer than the SDK's default retries (5 attempts, about 16 s):
   * requests must not be dropped by a spent retry budget, and finish once the API server answers.
   */
  @Test
  void writesResumeAfterAnOutageLongerThanTheDefaultRetries() {
    String ns = "outage";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        FaultProxy proxy = FaultProxy.start(client.getConfiguration().getMasterUrl(), 1);
        FreshOperator operator =
            FreshOperator.startVia(proxy.url(), TIMEOUT_MILLIS, client, config, jobs, metrics)) {
      proxy.inject(r -> r.isWrite() && !r.isFor("events"), Fault.SERVER_ERROR, 1.0);
      List<String> names = createFleet(ns);
      await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(20)).until(() -> true);
      assertThat(proxy.injected(Fault.SERVER_ERROR)).isPositive();
      proxy.heal();
      awaitReady(ns, names, Duration.ofSeconds(60));
      assertThat(operator.stoppedInformers).isEmpty();
    }
    assertBuiltOnce(client, ns);
  }

  /** The application's controllers as Quarkus built them: the retry policy of {@link Retries}. */
  @Test
  void everyControllerRetriesWithoutLimitAndResyncs() {
    var controllers = applicationOperator.getRegisteredControllers();
    // FileSet, BaseImage, ClusterBaseImage, GoldenImage and GraftedVirtualMachine.
    assertThat(controllers).hasSize(5);
    for (var controller : controllers) {
      ControllerConfiguration<?> configuration = controller.getConfiguration();
      String name = configuration.getName();
      assertThat(configuration.getRetry()).as(name).isInstanceOf(GenericRetry.class);
      GenericRetry retry = (GenericRetry) configuration.getRetry();
      assertThat(retry.getMaxAttempts()).as(name + " attempts").isEqualTo(Retries.UNLIMITED);
      assertThat(retry.getInitialInterval()).as(name).isEqualTo(Retries.INITIAL_MILLIS);
      assertThat(retry.getMaxInterval()).as(name).isEqualTo(Retries.MAX_MILLIS);
      assertThat(configuration.maxReconciliationInterval())
          .as(name + " resync")
          .contains(Duration.ofMinutes(Retries.RESYNC_MINUTES));
    }
  }

  /** Eight requests, two of them alike, whose images chain and branch. */
  private List<String> createFleet(String ns) {
    client.resource(baseImage(ns, "fedora", "fedora-40")).create();
    String[][] sets = {
      {"a"}, {"a", "b"}, {"a", "b", "c"}, {"a", "c"}, {"d"}, {"a", "b", "c", "d"}, {"a", "b"}, {"e"}
    };
    List<String> names = new ArrayList<>();
    for (int i = 0; i < sets.length; i++) {
      List<FileSpec> files = new ArrayList<>();
      for (String f : sets[i]) {
        files.add(file("/etc/graft/" + f, "content of " + f));
      }
      String name = "vm-" + i;
      client.resource(gvm(ns, name, "fedora-40", files.toArray(FileSpec[]::new))).create();
      names.add(name);
    }
    return names;
  }

  private void awaitReady(String ns, List<String> names, Duration atMost) {
    try {
      await()
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> names.stream().allMatch(n -> ready(gvm(client, ns, n))));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + dump(client, ns), e);
    }
  }
}
