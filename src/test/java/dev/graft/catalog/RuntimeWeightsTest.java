package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.BuildTimings;
import dev.graft.config.GraftConfig;
import dev.graft.k8s.EventRecorder;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The planner's weights change at run time through the ConfigMap graft-planner-weights, without a
 * restart: a pinned weight wins over the startup configuration and over learning, {@code calibrate}
 * switches learning, a bad value keeps the previous weights and says which key and value in a
 * Warning event, and deleting the ConfigMap drops the pins.
 */
@EnableKubernetesMockClient(crud = true)
class RuntimeWeightsTest {
  static final String NS = "graft-system";
  KubernetesClient client;

  @Test
  void weightsFollowTheConfigMapAndBadValuesKeepThePreviousOnes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RuntimeWeights runtime = new RuntimeWeights(client, new EventRecorder(client), NS);
    CostLearning learning = new CostLearning();
    CatalogPlanner planner =
        new CatalogPlanner(config(), new GraftMetrics(registry), learning, runtime);
    double configured = planner.weights().perBuild();
    assertThat(configured).isEqualTo(21.9);
    assertThat(planner.learning()).isFalse();

    // Builds measured at a 12 s launch, 0.5 s per file: learned only once calibrate is on.
    for (int i = 0; i < 10; i++) {
      BuildTimings t = new BuildTimings();
      t.finishedAt = "2026-11-30T12:00:0" + i + "Z";
      t.bytesAdded = 1000L * i;
      t.filesAdded = 1 + i % 4;
      t.filesRemoved = 0;
      t.launchSeconds = 12.0;
      t.injectSeconds = 12.0 + 0.5 * t.filesAdded;
      learning.remember("image-" + i, t, "csi-clone");
    }
    assertThat(planner.weights().perBuild()).isEqualTo(configured);

    put(Map.of("calibrate", "true"));
    await(() -> planner.weights().perBuild() == 12.0);
    assertThat(planner.weights().inject())
        .isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));

    // A pinned weight wins over the learned one; the others stay learned.
    put(Map.of("calibrate", "true", "perBuild", "30"));
    await(() -> planner.weights().perBuild() == 30.0);
    assertThat(planner.weights().inject())
        .isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(registry.find("graft.planner.weight").tag("weight", "perBuild").gauge().value())
        .isEqualTo(30.0);

    // A bad value: the previous weights stay, and the event names the key and the value.
    put(Map.of("calibrate", "true", "perBuild", "fast"));
    await(
        () ->
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(
                    e ->
                        e.getReason().equals("InvalidPlannerWeights")
                            && e.getType().equals("Warning")
                            && e.getMessage().contains("perBuild")
                            && e.getMessage().contains("\"fast\"")
                            && e.getInvolvedObject().getName().equals(RuntimeWeights.NAME)));
    assertThat(planner.weights().perBuild()).isEqualTo(30.0);

    client.configMaps().inNamespace(NS).withName(RuntimeWeights.NAME).delete();
    await(() -> planner.weights().perBuild() == configured);
    assertThat(planner.learning()).isFalse();
  }

  @Test
  void everyBadKeyOrValueIsNamed() {
    assertThatThrownBy(() -> WeightOverrides.parse(Map.of("inject", "-1")))
        .hasMessage("inject: must be a finite number >= 0, got \"-1\"");
    assertThatThrownBy(() -> WeightOverrides.parse(Map.of("perbuild", "3")))
        .hasMessageStartingWith("perbuild: unknown key (value \"3\")");
    assertThatThrownBy(() -> WeightOverrides.parse(Map.of("calibrate", "yes")))
        .hasMessage("calibrate: must be true or false, got \"yes\"");
    assertThat(WeightOverrides.parse(Map.of("missingBytes", " 1e-8 ")).pinned())
        .containsEntry("missingBytes", 1e-8);
  }

  private void put(Map<String, String> data) {
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(RuntimeWeights.NAME)
                .withNamespace(NS)
                .endMetadata()
                .withData(data)
                .build())
        .createOr(c -> c.update());
  }

  private static void await(java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(condition);
  }

  private static GraftConfig config() {
    return new SmallRyeConfigBuilder()
        .addDefaultInterceptors()
        .addDiscoveredConverters()
        .withMapping(GraftConfig.class)
        .withDefaultValue("graft.planner.calibrate", "false")
        .build()
        .getConfigMapping(GraftConfig.class);
  }
}
