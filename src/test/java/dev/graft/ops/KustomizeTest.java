package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds config/default with {@code kubectl kustomize} and checks it installs the same operator as
 * the Helm chart with default values: same objects, RBAC rules, image, env, probes and security.
 */
class KustomizeTest {

  private static List<ObjectNode> kustomize;
  private static List<ObjectNode> chart;

  @BeforeAll
  static void build() throws Exception {
    Optional<Path> kubectl = findKubectl();
    if (kubectl.isEmpty()) {
      if (System.getenv("CI") != null) {
        throw new AssertionError("kubectl is required in CI (env CI is set) but is not on PATH");
      }
      Assumptions.abort("kubectl not found on PATH: skipping the kustomize build check");
    }
    kustomize = Repo.documents(run(kubectl.get().toString(), "kustomize", "config/default"));
    chart = Chart.renderWithCrds(Map.of());
  }

  @Test
  void sameObjectsAsTheChart() {
    assertThat(ids(kustomize)).isEqualTo(ids(chart));
    assertThat(Chart.names(kustomize)).contains("Namespace/graft-system");
    for (ObjectNode o : kustomize) {
      if (!o.path("kind").asText().equals("Namespace")) {
        HelmChartTest.assertValidObject(o);
      }
    }
  }

  @Test
  void sameRbac() {
    for (String[] id :
        List.of(
            new String[] {"ClusterRole", "graft"},
            new String[] {"ClusterRole", "graft-clusterbaseimage-viewer"},
            new String[] {"ClusterRole", "graft-clusterbaseimage-editor"},
            new String[] {"Role", "graft-leader-election"})) {
      assertThat(RbacConsistencyTest.grants(Chart.get(kustomize, id[0], id[1])))
          .as("%s/%s", id[0], id[1])
          .isEqualTo(RbacConsistencyTest.grants(Chart.get(chart, id[0], id[1])));
    }
    for (String[] id :
        List.of(
            new String[] {"ClusterRoleBinding", "graft"},
            new String[] {"ClusterRoleBinding", "graft-clusterbaseimage-viewer"},
            new String[] {"RoleBinding", "graft-leader-election"})) {
      JsonNode k = Chart.get(kustomize, id[0], id[1]);
      JsonNode h = Chart.get(chart, id[0], id[1]);
      assertThat(k.path("roleRef")).isEqualTo(h.path("roleRef"));
      assertThat(k.path("subjects")).isEqualTo(h.path("subjects"));
    }
    // The aggregation labels put the read role into view, edit and admin.
    JsonNode viewer = Chart.get(kustomize, "ClusterRole", "graft-clusterbaseimage-viewer");
    for (String role : List.of("view", "edit", "admin")) {
      assertThat(viewer.at("/metadata/labels/rbac.authorization.k8s.io~1aggregate-to-" + role))
          .isEqualTo(
              Chart.get(chart, "ClusterRole", "graft-clusterbaseimage-viewer")
                  .at("/metadata/labels/rbac.authorization.k8s.io~1aggregate-to-" + role));
    }
  }

  @Test
  void sameDeployment() {
    JsonNode k = Chart.get(kustomize, "Deployment", "graft");
    JsonNode h = Chart.get(chart, "Deployment", "graft");
    assertThat(Chart.container(k).path("image")).isEqualTo(Chart.container(h).path("image"));
    assertThat(Chart.env(k)).containsExactlyEntriesOf(Chart.env(h));
    for (String field :
        List.of(
            "args",
            "ports",
            "startupProbe",
            "livenessProbe",
            "readinessProbe",
            "resources",
            "securityContext",
            "volumeMounts")) {
      assertThat(Chart.container(k).path(field))
          .as(field)
          .isEqualTo(Chart.container(h).path(field));
    }
    for (String pointer :
        List.of(
            "/spec/replicas",
            "/spec/strategy",
            "/spec/selector",
            "/spec/template/spec/securityContext",
            "/spec/template/spec/serviceAccountName",
            "/spec/template/spec/volumes")) {
      assertThat(k.at(pointer)).as(pointer).isEqualTo(h.at(pointer));
    }
    HelmChartTest.assertRestricted(k);
  }

  @Test
  void sameMetricsService() {
    JsonNode k = Chart.get(kustomize, "Service", "graft-metrics");
    JsonNode h = Chart.get(chart, "Service", "graft-metrics");
    assertThat(k.at("/spec/ports")).isEqualTo(h.at("/spec/ports"));
    assertThat(k.at("/spec/selector")).isEqualTo(h.at("/spec/selector"));
  }

  /** kind/name of every object except the Namespace (Helm installs into an existing one). */
  private static Set<String> ids(List<ObjectNode> objects) {
    Set<String> ids = new TreeSet<>(Chart.names(objects));
    ids.remove("Namespace/graft-system");
    return ids;
  }

  static Optional<Path> findKubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(Repo.ROOT.toFile()).start();
    // kubectl kustomize prints little; reading stderr after stdout cannot dead-lock here
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s failed: %s", String.join(" ", command), err).isZero();
    return out;
  }
}
