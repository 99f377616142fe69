package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The chart's CRDs are templates, so {@code helm upgrade} updates them: rendered behind {@code
 * crds.enabled}, kept on uninstall with {@code crds.keep}, and with exactly the generated content
 * of crds/ (the one source).
 */
class ChartCrdsTest {

  static List<ObjectNode> crds(Map<String, Object> values) {
    return Chart.render(values).stream()
        .filter(o -> "CustomResourceDefinition".equals(o.path("kind").asText()))
        .toList();
  }

  /** Name to parsed CRD of every file in crds/. */
  static Map<String, JsonNode> generated() throws IOException {
    Map<String, JsonNode> byName = new TreeMap<>();
    for (String text : CrdSyncTest.yamlFiles(CrdSyncTest.SOURCE).values()) {
      JsonNode crd = Repo.documents(text).get(0);
      byName.put(crd.at("/metadata/name").asText(), crd);
    }
    return byName;
  }

  @Test
  void defaultRenderHasEveryGeneratedCrdWithItsExactSpecKeptOnUninstall() throws IOException {
    Map<String, JsonNode> generated = generated();
    assertThat(generated).hasSize(5);
    List<ObjectNode> rendered = crds(Map.of());
    assertThat(rendered)
        .extracting(c -> c.at("/metadata/name").asText())
        .containsExactlyInAnyOrderElementsOf(generated.keySet());
    for (ObjectNode crd : rendered) {
      String name = crd.at("/metadata/name").asText();
      assertThat(crd.path("spec"))
          .as("spec of %s", name)
          .isEqualTo(generated.get(name).path("spec"));
      assertThat(crd.path("apiVersion")).isEqualTo(generated.get(name).path("apiVersion"));
      assertThat(crd.at("/metadata/annotations/helm.sh~1resource-policy").asText())
          .as("%s keep annotation", name)
          .isEqualTo("keep");
      assertThat(crd.at("/metadata/labels/app.kubernetes.io~1managed-by").asText())
          .isEqualTo("Helm");
      assertThat(crd.at("/metadata/namespace").isMissingNode()).isTrue();
    }
  }

  @Test
  void keepOffLeavesTheResourcePolicyOut() {
    List<ObjectNode> rendered = crds(Map.of("crds", Map.of("keep", false)));
    assertThat(rendered).hasSize(5);
    for (ObjectNode crd : rendered) {
      assertThat(crd.at("/metadata/annotations/helm.sh~1resource-policy").isMissingNode()).isTrue();
    }
  }

  @Test
  void disabledRendersNoCrdButEverythingElse() {
    List<ObjectNode> objects = Chart.render(Map.of("crds", Map.of("enabled", false)));
    assertThat(Chart.names(objects))
        .noneMatch(n -> n.startsWith("CustomResourceDefinition/"))
        .contains("Deployment/graft", "ClusterRole/graft");
  }

  @Test
  void installNotesSayWhatIsWatchedAndWhatHappensToTheCrds() {
    var release =
        new com.marcnuri.helm.Helm(Repo.CHART)
            .install()
            .withName(Chart.RELEASE)
            .withNamespace(Chart.NAMESPACE)
            .withKubeVersion(Chart.KUBE_VERSION)
            .withValuesFile(
                Chart.valuesFile(
                    Map.of("watchNamespaces", List.of("team-a"), "catalogNamespace", "images")))
            .clientOnly()
            .dryRun()
            .call();
    assertThat(release.getOutput())
        .contains("Watching: team-a, images (a Role in each)")
        .contains("installed and upgraded with the chart, kept on uninstall");
  }

  @Test
  void theChartHasNoCrdsFolderThatHelmWouldInstallOnlyOnce() {
    // Helm installs crds/ before the templates and never upgrades it; with the CRDs also in
    // templates/, an install would fail on objects Helm does not own.
    assertThat(Files.exists(Repo.CHART.resolve("crds"))).isFalse();
  }
}
