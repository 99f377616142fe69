package dev.graft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** config/grafana/graft-dashboard.json only queries series that GraftMetrics really exposes. */
class GrafanaDashboardTest {

  static final Pattern METRIC = Pattern.compile("\\b(graft_[a-z_]+)\\b");

  static JsonNode dashboard() throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    File file = dir.resolve("config/grafana/graft-dashboard.json").toFile();
    return new ObjectMapper().readTree(file);
  }

  /** Every PromQL expression in the dashboard: panel targets and variable queries. */
  static List<String> expressions(JsonNode dashboard) {
    List<String> exprs = new ArrayList<>();
    dashboard.findValues("expr").forEach(e -> exprs.add(e.asText()));
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if (variable.path("type").asText().equals("query")) {
        exprs.add(variable.at("/query/query").asText());
      }
    }
    return exprs;
  }

  @Test
  void everyExpressionQueriesOnlyMetricsGraftMetricsDefines() throws Exception {
    Set<String> exposed = GraftMetricsTest.scrapedNames();
    List<String> exprs = expressions(dashboard());
    assertThat(exprs).hasSizeGreaterThan(10);
    Set<String> used = new HashSet<>();
    for (String expr : exprs) {
      Matcher m = METRIC.matcher(expr);
      boolean any = false;
      while (m.find()) {
        any = true;
        used.add(m.group(1));
        assertThat(exposed).as("metric %s in expr %s", m.group(1), expr).contains(m.group(1));
      }
      assertThat(any).as("expr %s queries no graft_ metric", expr).isTrue();
    }
    // and the dashboard shows every family at least once
    for (String family :
        List.of(
            "graft_cache_hits_total",
            "graft_cache_misses_total",
            "graft_builds_started_total",
            "graft_builds_succeeded_total",
            "graft_builds_failed_total",
            "graft_build_duration_seconds_bucket",
            "graft_injected_bytes_total",
            "graft_injected_files_total",
            "graft_plan_cost_last",
            "graft_catalog_images",
            "graft_catalog_bytes",
            "graft_reconcile_errors_total",
            "graft_evictions_total")) {
      assertThat(used).as("dashboard panels").contains(family);
    }
  }

  @Test
  void panelsAreWellFormed() throws Exception {
    JsonNode dashboard = dashboard();
    assertThat(dashboard.path("uid").asText()).isEqualTo("graft-operator");
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique id %s", panel.path("id")).isTrue();
      assertThat(panel.path("title").asText()).isNotBlank();
      JsonNode grid = panel.path("gridPos");
      assertThat(grid.path("w").asInt()).isBetween(1, 24);
      assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(24);
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
        assertThat(panel.path("targets")).isNotEmpty();
      }
    }
  }
}
