package dev.graft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** The chart's optional Grafana dashboard ConfigMap and PrometheusRule, rendered by real Helm. */
class AlertsAndDashboardInChartTest {

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    return dir;
  }

  static List<JsonNode> render(String... sets) throws Exception {
    var template =
        new Helm(root().resolve("helm/graft"))
            .template()
            .withName("graft")
            .withNamespace("graft-system")
            .withKubeVersion("1.30.0");
    for (String s : sets) {
      String[] kv = s.split("=", 2);
      template = template.set(kv[0], kv[1]);
    }
    List<JsonNode> docs = new ArrayList<>();
    var it = new YAMLMapper().readerFor(JsonNode.class).readValues(template.call());
    while (it.hasNext()) {
      JsonNode n = (JsonNode) it.next();
      if (n != null && n.isObject()) {
        docs.add(n);
      }
    }
    return docs;
  }

  static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind));
  }

  @Test
  void offByDefault() throws Exception {
    assertThat(render())
        .noneMatch(d -> d.path("kind").asText().equals("PrometheusRule"))
        .noneMatch(d -> d.at("/metadata/name").asText().equals("graft-dashboard"));
  }

  @Test
  void dashboardConfigMapCarriesTheDashboard() throws Exception {
    Path source = root().resolve("config/grafana/graft-dashboard.json");
    assertThat(Files.readString(root().resolve("helm/graft/dashboards/graft-dashboard.json")))
        .as("helm/graft/dashboards is a copy of config/grafana")
        .isEqualTo(Files.readString(source));
    List<JsonNode> docs =
        render(
            "metrics.grafanaDashboard.enabled=true",
            "metrics.grafanaDashboard.namespace=monitoring");
    JsonNode cm =
        docs.stream()
            .filter(d -> d.at("/metadata/name").asText().equals("graft-dashboard"))
            .findFirst()
            .orElseThrow();
    assertThat(cm.at("/metadata/namespace").asText()).isEqualTo("monitoring");
    assertThat(cm.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(cm.at("/data/graft-dashboard.json").asText()))
        .isEqualTo(json.readTree(source.toFile()));
  }

  @Test
  void theOutdatedImagesAlertFiresAfterAConfigurableTime() throws Exception {
    for (String[] c : new String[][] {{null, "604800"}, {"3600", "3600"}}) {
      List<String> sets = new ArrayList<>(List.of("metrics.prometheusRule.enabled=true"));
      if (c[0] != null) {
        sets.add("metrics.prometheusRule.outdatedAfterSeconds=" + c[0]);
      }
      JsonNode rule = kind(render(sets.toArray(String[]::new)), "PrometheusRule");
      JsonNode outdated = null;
      for (JsonNode r : rule.at("/spec/groups/0/rules")) {
        if (r.path("alert").asText().equals("GraftImagesOutdated")) {
          outdated = r;
        }
      }
      assertThat(outdated).as("GraftImagesOutdated").isNotNull();
      assertThat(outdated.path("expr").asText())
          .contains("graft_catalog_outdated_since_seconds")
          .contains("(time() - graft_catalog_outdated_since_seconds) > " + c[1]);
    }
  }

  @Test
  void alertsQueryOnlyExposedMetrics() throws Exception {
    JsonNode rule =
        kind(
            render(
                "metrics.prometheusRule.enabled=true",
                "metrics.prometheusRule.buildFailureRatio=0.5"),
            "PrometheusRule");
    Set<String> exposed = GraftMetricsTest.scrapedNames();
    List<String> alerts = new ArrayList<>();
    for (JsonNode r : rule.at("/spec/groups/0/rules")) {
      alerts.add(r.path("alert").asText());
      String expr = r.path("expr").asText();
      assertThat(r.at("/labels/severity").asText()).isIn("critical", "warning", "info");
      assertThat(r.at("/annotations/summary").asText()).isNotBlank();
      Matcher m = GrafanaDashboardTest.METRIC.matcher(expr);
      while (m.find()) {
        assertThat(exposed)
            .as("alert %s uses %s", r.path("alert"), m.group(1))
            .contains(m.group(1));
      }
    }
    assertThat(alerts)
        .containsExactly(
            "GraftOperatorDown",
            "GraftBuildsFailing",
            "GraftReconcileErrors",
            "GraftBuildsSlow",
            "GraftImagesOutdated");
    assertThat(rule.toString()).contains("> 0.5").contains("{{ $labels.os }}");
    assertThat(((ObjectNode) rule).at("/metadata/namespace").asText()).isEqualTo("graft-system");
  }
}
