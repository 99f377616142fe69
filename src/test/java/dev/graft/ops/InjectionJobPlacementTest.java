package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.build.ClusterNodes;
import dev.graft.build.InjectionJobs;
import dev.graft.build.LibguestfsInjectionJobs;
import dev.graft.config.GraftConfig;
import dev.graft.inject.job.JobPlacement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Injection Jobs can be placed: the chart's injector values travel as the Deployment's environment
 * into the operator's configuration (read here by SmallRye Config, as the operator reads it) and
 * end up in the pod spec of the Job the operator generates.
 */
class InjectionJobPlacementTest {

  static final Map<String, Object> PLACED =
      Map.of(
          "injector",
          Map.of(
              "image", "registry.example.com/graft/injector:0.1.0",
              "kvm", "never",
              "imagePullSecrets", List.of(Map.of("name", "regcred"), Map.of("name", "mirror")),
              "nodeSelector", Map.of("graft.dev/kvm", "true"),
              "tolerations",
                  List.of(Map.of("key", "kvm", "operator", "Exists", "effect", "NoSchedule")),
              "affinity",
                  Map.of(
                      "nodeAffinity",
                      Map.of(
                          "requiredDuringSchedulingIgnoredDuringExecution",
                          Map.of(
                              "nodeSelectorTerms",
                              List.of(
                                  Map.of(
                                      "matchExpressions",
                                      List.of(
                                          Map.of(
                                              "key", "kubernetes.io/arch",
                                              "operator", "In",
                                              "values", List.of("amd64")))))))),
              "priorityClassName", "graft-builds",
              "cpuRequest", "250m",
              "memoryLimit", "3Gi"));

  /** The operator's configuration as it reads it from the chart's environment variables. */
  static GraftConfig configFromChart(Map<String, Object> values) {
    Map<String, String> env = Chart.env(Chart.get(Chart.render(values), "Deployment", "graft"));
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GraftConfig.class)
            // durations as Quarkus reads them ("30s")
            .withConverter(
                java.time.Duration.class,
                200,
                new io.quarkus.runtime.configuration.DurationConverter())
            .withSources(new EnvConfigSource(env, 300))
            .build();
    return config.getConfigMapping(GraftConfig.class);
  }

  static dev.graft.kubevirt.StorageDefaults storageDefaults(GraftConfig config) {
    var s = config.storage();
    return dev.graft.kubevirt.StorageDefaults.of(s.className(), s.volumeMode(), s.accessModes());
  }

  static Job job(GraftConfig config) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName("fedora-40-0123456789");
    gi.getMetadata().setNamespace("catalog");
    gi.getMetadata().setUid("uid-1");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().manifestDigest = "f".repeat(64);
    ManifestEntry e = new ManifestEntry();
    e.path = "/etc/a.conf";
    e.mode = "0644";
    e.owner = "0:0";
    e.sha256 = "a".repeat(64);
    e.size = 1L;
    e.digest = "b".repeat(64);
    e.payload = ManifestEntry.Payload.ConfigMap;
    return new LibguestfsInjectionJobs(config, new ClusterNodes(null, config))
        .job(gi, new InjectionJobs.Diff(List.of(e), List.of()), 1);
  }

  @Test
  void chartValuesPlaceTheGeneratedJob() {
    Job job = job(configFromChart(PLACED));
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getImagePullSecrets())
        .extracting(s -> s.getName())
        .containsExactly("regcred", "mirror");
    assertThat(pod.getNodeSelector()).containsExactly(Map.entry("graft.dev/kvm", "true"));
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getKey()).isEqualTo("kvm");
              assertThat(t.getOperator()).isEqualTo("Exists");
              assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
    var term =
        pod.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms()
            .get(0)
            .getMatchExpressions()
            .get(0);
    assertThat(term.getKey()).isEqualTo("kubernetes.io/arch");
    assertThat(term.getValues()).containsExactly("amd64");
    assertThat(pod.getPriorityClassName()).isEqualTo("graft-builds");
    var container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example.com/graft/injector:0.1.0");
    assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("250m");
    assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("3Gi");
    // what the API server receives: the fields in their places, nothing left over
    String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(job);
    assertThat(json)
        .contains("\"imagePullSecrets\":[{\"name\":\"regcred\"},{\"name\":\"mirror\"}]")
        .contains("\"priorityClassName\":\"graft-builds\"");
    assertThat(
            io.fabric8.kubernetes.client.utils.Serialization.unmarshal(json, Job.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAdditionalProperties())
        .isEmpty();
  }

  @Test
  void chartStorageValuesReachTheOperatorsDataVolumesAndJob() {
    GraftConfig config =
        configFromChart(
            Map.of(
                "storage",
                Map.of(
                    "className", "local-path",
                    "volumeMode", "Block",
                    "accessModes", List.of("ReadWriteOnce"))));
    var storage = storageDefaults(config);
    assertThat(storage.className()).contains("local-path");
    assertThat(storage.accessModes()).containsExactly("ReadWriteOnce");
    // the image's PVC is a Block volume, so the Job takes it as a device
    var container = job(config).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getVolumeDevices()).hasSize(1);
    var defaults = storageDefaults(configFromChart(Map.of()));
    assertThat(defaults).isEqualTo(dev.graft.kubevirt.StorageDefaults.NONE);
  }

  @Test
  void withoutValuesTheJobIsNotPlaced() {
    PodSpec pod = job(configFromChart(Map.of())).getSpec().getTemplate().getSpec();
    assertThat(pod.getImagePullSecrets()).isEmpty();
    assertThat(pod.getNodeSelector()).isEmpty();
    assertThat(pod.getTolerations()).isEmpty();
    assertThat(pod.getAffinity()).isNull();
    assertThat(pod.getPriorityClassName()).isNull();
  }

  @Test
  void badJsonNamesTheProperty() {
    assertThatThrownBy(
            () ->
                JobPlacement.parse(
                    List.of(),
                    Optional.empty(),
                    Optional.of("{\"key\": \"kvm\"}"),
                    Optional.empty(),
                    Optional.empty()))
        .hasMessageContaining("graft.injector.tolerations")
        .hasMessageContaining("{\"key\": \"kvm\"}");
    assertThatThrownBy(
            () ->
                JobPlacement.parse(
                    List.of(),
                    Optional.of("[\"a\"]"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty()))
        .hasMessageContaining("graft.injector.node-selector");
    JobPlacement ok =
        JobPlacement.parse(
            List.of(" regcred "),
            Optional.of("{}"),
            Optional.of("[{\"key\":\"kvm\",\"operator\":\"Exists\"}]"),
            Optional.of("{}"),
            Optional.of(""));
    assertThat(ok.imagePullSecrets()).containsExactly("regcred");
    assertThat(ok.tolerations()).extracting(Toleration::getKey).containsExactly("kvm");
    assertThat(ok.affinity()).isEmpty();
    assertThat(ok.priorityClassName()).isEmpty();
  }
}
