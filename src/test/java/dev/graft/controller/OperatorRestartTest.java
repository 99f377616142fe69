package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.config.GraftConfig;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.metrics.GraftMetrics;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator stops in the middle of a build (Jobs running) and a fresh operator, with fresh
 * reconcilers and empty caches, takes over: everything finishes and nothing is created twice.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(OperatorRestartTest.Profile.class)
class OperatorRestartTest {

  /** Its own application instance, since this test stops the operator. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("graft.build.max-attempts", "3");
    }
  }

  @Inject KubernetesClient client;
  @Inject Operator operator;
  @Inject GraftConfig config;
  @Inject InjectionJobs jobs;
  @Inject EventRecorder events;
  @Inject CatalogEviction eviction;
  @Inject GraftMetrics metrics;

  @Test
  void restartMidBuildCreatesNoDuplicates() {
    String ns = "restart";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      simulator.holdJobs(true);
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      client
          .resource(gvm(ns, "web-1", "fedora-40", file("/etc/a", "1"), file("/etc/b", "2")))
          .create();
      client.resource(gvm(ns, "web-2", "fedora-40", file("/etc/a", "1"))).create();
      until(client, ns, () -> !simulator.heldJobs().isEmpty());

      operator.stop();
      // Objects change while nobody watches: the held Job finishes.
      simulator.releaseJobs();

      KubernetesClient fresh =
          new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
      Operator second =
          new Operator(
              o ->
                  o.withKubernetesClient(fresh)
                      .withUseSSAToPatchPrimaryResource(false)
                      .withSSABasedCreateUpdateMatchForDependentResources(false));
      CatalogPlanner planner = new CatalogPlanner(config, metrics);
      second.register(new BaseImageReconciler(config, events, metrics));
      second.register(new FileSetReconciler(config, events, metrics));
      second.register(new GoldenImageReconciler(config, jobs, events, planner, eviction, metrics));
      second.register(new GraftedVirtualMachineReconciler(config, planner, events, metrics));
      second.start();
      try {
        until(client, ns, () -> ready(gvm(client, ns, "web-1")) && ready(gvm(client, ns, "web-2")));
      } finally {
        second.stop();
      }
      assertThat(images(client, ns)).hasSize(3);
      for (GoldenImage gi : images(client, ns)) {
        String name = gi.getMetadata().getName();
        assertThat(gi.getStatus().attempts).as(name).isEqualTo(1);
        if (gi.getSpec().parent != null) {
          assertThat(
                  client
                      .batch()
                      .v1()
                      .jobs()
                      .inNamespace(ns)
                      .withLabel(Labels.GOLDEN_IMAGE, name)
                      .list()
                      .getItems())
              .as("Jobs of " + name)
              .hasSize(1);
        }
      }
      assertThat(client.resources(DataVolume.class).inNamespace(ns).list().getItems()).hasSize(3);
      assertThat(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems())
          .hasSize(2);
      assertSchemasValid(client, ns);
    }
  }
}
