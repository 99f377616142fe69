package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.graft.config.DefaultWeights;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Lints and renders helm/graft with real Helm, for default and non-default values. */
class HelmChartTest {

  private static final Set<String> CLUSTER_SCOPED =
      Set.of("ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Namespace");

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(Repo.CHART).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint: %s", result.getMessages()).isFalse();
  }

  @Test
  void defaultRenderHasTheOperatorObjects() {
    List<ObjectNode> objects = Chart.render(Map.of());
    assertThat(Chart.names(objects))
        .contains(
            "ServiceAccount/graft",
            "ClusterRole/graft",
            "ClusterRoleBinding/graft",
            "Role/graft-leader-election",
            "RoleBinding/graft-leader-election",
            "Deployment/graft",
            "Service/graft-metrics")
        .doesNotContain("ServiceMonitor/graft");
    objects.forEach(HelmChartTest::assertValidObject);

    JsonNode deployment = Chart.get(objects, "Deployment", "graft");
    assertThat(Chart.container(deployment).path("image").asText())
        .isEqualTo("ghcr.io/graft-dev/graft-operator:0.1.0");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    Map<String, String> env = Chart.env(deployment);
    assertThat(env)
        .containsEntry("GRAFT_PLANNER_STRATEGY", "optimal")
        .containsEntry("GRAFT_INJECTOR_KVM", "auto")
        .containsEntry("GRAFT_INJECTOR_IMAGE", "ghcr.io/graft-dev/graft-injector:0.1.0")
        .containsEntry("GRAFT_FILES_MAX_FILE_BYTES", "268435456")
        .containsEntry("GRAFT_LEADER_ELECTION_ENABLED", "false")
        .containsEntry("QUARKUS_LOG_LEVEL", "INFO")
        .doesNotContainKeys(
            "QUARKUS_OPERATOR_SDK_NAMESPACES",
            "GRAFT_CATALOG_NAMESPACE",
            "GRAFT_STORAGE_CLASS_NAME");
    assertThat(Double.parseDouble(env.get("GRAFT_PLANNER_WEIGHTS_MISSING_BYTES")))
        .isEqualTo(DefaultWeights.get().missingBytes());
    assertRestricted(deployment);
    assertProbes(deployment);

    JsonNode service = Chart.get(objects, "Service", "graft-metrics");
    assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(8080);
    assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(service.at("/spec/selector"))
        .isEqualTo(deployment.at("/spec/template/metadata/labels"));
  }

  @Test
  void nonDefaultValuesReachTheOperator() {
    Map<String, Object> values =
        Map.of(
            "replicaCount", 3,
            "catalogNamespace", "graft-catalog",
            "watchNamespaces", List.of("team-a", "team-b"),
            "planner",
                Map.of("strategy", "nearest", "weights", Map.of("perBuild", 30, "inject", 0.1)),
            "cache", Map.of("maxImagesPerOs", 20, "maxBytesPerOs", 536870912000L),
            "injector",
                Map.of(
                    "image", "registry.example/injector:dev",
                    "kvm", "never",
                    "memoryLimit", "4Gi"),
            "storage", Map.of("className", "fast-ssd", "volumeMode", "Block"),
            "logLevel", "DEBUG",
            "image", Map.of("repository", "registry.example/graft", "tag", "dev"),
            "metrics",
                Map.of("serviceMonitor", Map.of("enabled", true, "labels", Map.of("team", "ops"))));
    List<ObjectNode> objects = Chart.render(values);
    // the Roles of watched namespaces live there (RbacConsistencyTest checks them)
    objects.stream()
        .filter(o -> !RbacConsistencyTest.isWatchedNamespaceRbac(o))
        .forEach(HelmChartTest::assertValidObject);

    JsonNode deployment = Chart.get(objects, "Deployment", "graft");
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(Chart.container(deployment).path("image").asText())
        .isEqualTo("registry.example/graft:dev");
    assertThat(Chart.env(deployment))
        .containsEntry("GRAFT_LEADER_ELECTION_ENABLED", "true")
        // the catalog namespace is watched too: its GoldenImages are reconciled there
        .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b,graft-catalog")
        .containsEntry("GRAFT_CATALOG_NAMESPACE", "graft-catalog")
        .containsEntry("GRAFT_PLANNER_STRATEGY", "nearest")
        .containsEntry("GRAFT_PLANNER_WEIGHTS_PER_BUILD", "30")
        .containsEntry("GRAFT_PLANNER_WEIGHTS_INJECT", "0.1")
        // unchanged weights keep their defaults (Helm merges maps)
        .hasEntrySatisfying(
            "GRAFT_PLANNER_WEIGHTS_REMOVE",
            v -> assertThat(Double.parseDouble(v)).isEqualTo(DefaultWeights.get().remove()))
        .containsEntry("GRAFT_CACHE_MAX_IMAGES_PER_OS", "20")
        // large integers must not become 5.36870912e+11
        .containsEntry("GRAFT_CACHE_MAX_BYTES_PER_OS", "536870912000")
        .containsEntry("GRAFT_INJECTOR_IMAGE", "registry.example/injector:dev")
        .containsEntry("GRAFT_INJECTOR_KVM", "never")
        .containsEntry("GRAFT_INJECTOR_MEMORY_LIMIT", "4Gi")
        .containsEntry("GRAFT_STORAGE_CLASS_NAME", "fast-ssd")
        .containsEntry("GRAFT_STORAGE_VOLUME_MODE", "Block")
        .containsEntry("QUARKUS_LOG_LEVEL", "DEBUG");
    assertRestricted(deployment);

    JsonNode monitor = Chart.get(objects, "ServiceMonitor", "graft");
    assertThat(monitor.at("/metadata/labels/team").asText()).isEqualTo("ops");
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
  }

  @Test
  void otherReleaseNamesAndNamespacesAreUsedConsistently() {
    String text =
        new Helm(Repo.CHART)
            .template()
            .withName("ops")
            .withNamespace("platform")
            .withKubeVersion(Chart.KUBE_VERSION)
            .call();
    List<ObjectNode> objects = Repo.documents(text);
    JsonNode binding = Chart.get(objects, "ClusterRoleBinding", "ops-graft");
    assertThat(binding.at("/roleRef/name").asText()).isEqualTo("ops-graft");
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("ops-graft");
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo("platform");
    assertThat(
            Chart.get(objects, "Deployment", "ops-graft")
                .at("/spec/template/spec/serviceAccountName")
                .asText())
        .isEqualTo("ops-graft");
  }

  @Test
  void chartCrdsAreGraftsCrdsAllNamespacedButClusterBaseImage() {
    for (ObjectNode crd : Chart.crds()) {
      assertValidObject(crd);
      assertThat(crd.path("kind").asText()).isEqualTo("CustomResourceDefinition");
      assertThat(crd.at("/spec/group").asText()).isEqualTo("graft.dev");
      // ClusterBaseImage alone is cluster-scoped (admins create it, every namespace uses it).
      assertThat(crd.at("/spec/scope").asText())
          .isEqualTo(
              crd.at("/spec/names/kind").asText().equals("ClusterBaseImage")
                  ? "Cluster"
                  : "Namespaced");
      assertThat(crd.at("/metadata/name").asText())
          .isEqualTo(crd.at("/spec/names/plural").asText() + ".graft.dev");
    }
  }

  @Test
  void floatsGivenWithSetAreAccepted() {
    // helm --set passes 0.1 as a string; the schema must not reject what users naturally type
    String text =
        new Helm(Repo.CHART)
            .template()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .withKubeVersion(Chart.KUBE_VERSION)
            .set("planner.weights.inject", "0.1")
            .set("planner.weights.missingBytes", "3e-8")
            .call();
    Map<String, String> env = Chart.env(Chart.get(Repo.documents(text), "Deployment", "graft"));
    assertThat(env).containsEntry("GRAFT_PLANNER_WEIGHTS_INJECT", "0.1");
    assertThat(Double.parseDouble(env.get("GRAFT_PLANNER_WEIGHTS_MISSING_BYTES"))).isEqualTo(3e-8);
    assertThatThrownBy(
            () ->
                new Helm(Repo.CHART)
                    .template()
                    .withKubeVersion(Chart.KUBE_VERSION)
                    .set("planner.weights.inject", "lots")
                    .call())
        .hasMessageContaining("schema");
  }

  static List<Map<String, Object>> badValues() {
    return List.of(
        Map.of("planner", Map.of("strategy", "fastest")),
        Map.of("planner", Map.of("weights", Map.of("inject", -1))),
        Map.of("injector", Map.of("kvm", "maybe")),
        Map.of("injector", Map.of("memoryLimit", "lots")),
        Map.of("cache", Map.of("maxImagesPerOs", -1)),
        Map.of("cache", Map.of("maxBytesPerOs", "ten")),
        Map.of("storage", Map.of("volumeMode", "Raw")),
        Map.of("logLevel", "LOUD"),
        Map.of("replicaCount", -1),
        Map.of("watchNamespaces", List.of("Not_A_Namespace")),
        Map.of("catalogNamespace", "UPPER"),
        Map.of("plannerStrategy", "optimal"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void badValuesFailAtInstall(Map<String, Object> values) {
    assertThatThrownBy(() -> Chart.render(values))
        .hasMessageContaining("values don't meet the specifications of the schema");
  }

  /** Every rendered object is a well-formed Kubernetes object. */
  static void assertValidObject(ObjectNode o) {
    String id = o.path("kind").asText() + "/" + o.at("/metadata/name").asText();
    assertThat(o.path("apiVersion").asText()).as("%s apiVersion", id).isNotBlank();
    assertThat(o.path("kind").asText()).as("%s kind", id).isNotBlank();
    assertThat(o.at("/metadata/name").asText())
        .as("%s name", id)
        .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
      assertThat(o.at("/metadata/namespace").asText())
          .as("%s namespace", id)
          .isEqualTo(Chart.NAMESPACE);
    }
    if (!o.path("kind").asText().equals("CustomResourceDefinition")) {
      assertThat(o.at("/metadata/labels/app.kubernetes.io~1name").asText())
          .as("%s labels", id)
          .isEqualTo("graft");
    }
  }

  /** The Pod Security Standards "restricted" profile, as the API server would check it. */
  static void assertRestricted(JsonNode deployment) {
    JsonNode pod = deployment.at("/spec/template/spec");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(pod.path("hostNetwork").asBoolean(false)).isFalse();
    assertThat(pod.path("hostPID").asBoolean(false)).isFalse();
    for (JsonNode volume : pod.path("volumes")) {
      assertThat(volume.has("hostPath")).as("hostPath volume").isFalse();
    }
    for (JsonNode c : pod.path("containers")) {
      JsonNode sc = c.path("securityContext");
      assertThat(sc.path("allowPrivilegeEscalation").isBoolean()).isTrue();
      assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).isFalse();
      assertThat(sc.path("privileged").asBoolean(false)).isFalse();
      assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(sc.at("/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
      assertThat(sc.at("/capabilities/add").isMissingNode()).isTrue();
      assertThat(c.at("/resources/requests/cpu").asText()).isNotBlank();
      assertThat(c.at("/resources/requests/memory").asText()).isNotBlank();
      assertThat(c.at("/resources/limits/memory").asText()).isNotBlank();
    }
  }

  static void assertProbes(JsonNode deployment) {
    JsonNode c = Chart.container(deployment);
    assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    assertThat(c.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(c.at("/" + probe + "/httpGet/port").asText()).isEqualTo("http");
    }
    assertThat(c.at("/ports/0/name").asText()).isEqualTo("http");
    assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
  }
}
