package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.config.GraftConfig;
import dev.graft.config.LeaderElectionConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every operator configuration property (read reflectively from the {@code @ConfigMapping}
 * interfaces) has a Helm value with the same default, reaches the container as its environment
 * variable, and has a row in the README's configuration table.
 */
class ConfigCoverageTest {

  /** One leaf property of a config mapping. */
  record Property(String name, String env, String valuesPath, Optional<String> defaultValue) {}

  static List<Property> properties() {
    List<Property> all = new ArrayList<>();
    collect(GraftConfig.class, prefix(GraftConfig.class), "", all);
    collect(LeaderElectionConfig.class, prefix(LeaderElectionConfig.class), "leaderElection", all);
    return all;
  }

  private static String prefix(Class<?> mapping) {
    return mapping.getAnnotation(ConfigMapping.class).prefix();
  }

  private static void collect(Class<?> type, String name, String valuesPath, List<Property> out) {
    Method[] methods = type.getDeclaredMethods();
    Arrays.sort(methods, Comparator.comparing(Method::getName));
    for (Method m : methods) {
      if (m.isDefault()
          || m.isSynthetic()
          || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      String kebab = m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
      String childName = name + "." + kebab;
      String childPath = valuesPath.isEmpty() ? m.getName() : valuesPath + "." + m.getName();
      Class<?> r = m.getReturnType();
      if (r.isInterface() && r.getEnclosingClass() != null && r != Optional.class) {
        collect(r, childName, childPath, out);
      } else {
        WithDefault d = m.getAnnotation(WithDefault.class);
        String env = childName.replaceAll("[.-]", "_").toUpperCase();
        out.add(
            new Property(
                childName, env, childPath, Optional.ofNullable(d).map(WithDefault::value)));
      }
    }
  }

  @Test
  void findsThePropertiesOfTheConfigInterfaces() {
    assertThat(properties())
        .extracting(Property::name)
        .contains(
            "graft.catalog-namespace",
            "graft.planner.strategy",
            "graft.planner.weights.per-build",
            "graft.cache.max-images-per-os",
            "graft.injector.kvm",
            "graft.storage.class-name",
            "graft.leader-election.enabled");
    assertThat(properties())
        .filteredOn(p -> p.name().equals("graft.planner.weights.per-build"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.env()).isEqualTo("GRAFT_PLANNER_WEIGHTS_PER_BUILD");
              assertThat(p.valuesPath()).isEqualTo("planner.weights.perBuild");
              assertThat(p.defaultValue()).isPresent();
            });
  }

  @Test
  void valuesYamlHasEveryPropertyWithTheSameDefault() {
    JsonNode values = Repo.readYaml(Repo.CHART.resolve("values.yaml"));
    for (Property p : properties()) {
      JsonNode v = values.at("/" + p.valuesPath().replace('.', '/'));
      assertThat(v.isMissingNode())
          .as("values.yaml has %s for %s", p.valuesPath(), p.name())
          .isFalse();
      assertThat(sameValue(v, p.defaultValue().orElse("")))
          .as(
              "values.yaml %s = %s, but %s defaults to %s: when a default changes, update"
                  + " helm/graft/values.yaml, config/manager/manager.yaml and the README table",
              p.valuesPath(), v, p.name(), p.defaultValue())
          .isTrue();
    }
  }

  @Test
  void theChartSetsEveryPropertyAsAnEnvironmentVariable() {
    // Optional properties are only set when given, so render with every value non-empty.
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("catalogNamespace", "graft-catalog");
    values.put(
        "storage",
        Map.of(
            "className",
            "fast",
            "volumeMode",
            "Block",
            "accessModes",
            List.of("ReadWriteOnce", "ReadWriteMany")));
    values.putAll(InjectionJobPlacementTest.PLACED);
    values.put("downloads", Map.of("allowedHosts", List.of("images.example.org")));
    Map<String, String> env = Chart.env(Chart.get(Chart.render(values), "Deployment", "graft"));
    assertThat(env).containsEntry("GRAFT_STORAGE_ACCESS_MODES", "ReadWriteOnce,ReadWriteMany");
    for (Property p : properties()) {
      assertThat(env).as("Deployment env for %s", p.name()).containsKey(p.env());
    }
    Map<String, String> defaults =
        Chart.env(Chart.get(Chart.render(Map.of()), "Deployment", "graft"));
    for (Property p : properties()) {
      if (defaults.containsKey(p.env()) && p.defaultValue().isPresent()) {
        assertThat(sameValue(defaults.get(p.env()), p.defaultValue().get()))
            .as("%s=%s, default %s", p.env(), defaults.get(p.env()), p.defaultValue().get())
            .isTrue();
      }
    }
  }

  @Test
  void readmeConfigurationTableHasARowForEveryProperty() {
    Map<String, List<String>> rows = readmeRows();
    for (Property p : properties()) {
      List<String> row = rows.get(p.name());
      assertThat(row).as("README configuration table row for %s", p.name()).isNotNull();
      assertThat(row.get(1)).as("env of %s", p.name()).isEqualTo(p.env());
      assertThat(row.get(2)).as("Helm value of %s", p.name()).isEqualTo(p.valuesPath());
      assertThat(sameValue(row.get(3), p.defaultValue().orElse("")))
          .as("README default of %s is %s, code says %s", p.name(), row.get(3), p.defaultValue())
          .isTrue();
      assertThat(row.get(4)).as("description of %s", p.name()).isNotBlank();
    }
    // A row ahead of its property (another branch adds it) must at least name a real Helm value.
    JsonNode values = Repo.readYaml(Repo.CHART.resolve("values.yaml"));
    for (List<String> row : rows.values()) {
      assertThat(values.at("/" + row.get(2).replace('.', '/')).isMissingNode())
          .as("README row %s names Helm value %s, not in values.yaml", row.get(0), row.get(2))
          .isFalse();
    }
  }

  /**
   * Rows of the README's configuration table (first cell a {@code graft.*} property, second an
   * environment variable), cells unquoted. Other tables may start with {@code graft.dev} too.
   */
  static Map<String, List<String>> readmeRows() {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : Repo.read(Repo.ROOT.resolve("README.md")).split("\n")) {
      if (line.startsWith("| `graft.")) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.substring(1, line.lastIndexOf('|')).split("\\|")) {
          cells.add(cell.strip().replaceAll("^`|`$", ""));
        }
        // only the configuration table: property | ENV_VAR | Helm value | default | what
        if (cells.size() == 5 && cells.get(1).matches("[A-Z][A-Z0-9_]*")) {
          rows.put(cells.get(0), cells);
        }
      }
    }
    return rows;
  }

  static boolean sameValue(JsonNode value, String expected) {
    return sameValue(value.isNull() ? "" : value.asText(), expected);
  }

  /** Equal as numbers when both are numbers (2.0e-8 = 2e-08), else as text. */
  static boolean sameValue(String actual, String expected) {
    String a = actual.replace("\"", "").strip();
    try {
      return new BigDecimal(a).compareTo(new BigDecimal(expected)) == 0;
    } catch (NumberFormatException e) {
      return a.equals(expected);
    }
  }

  /** Prints the table rows (a starting point when adding properties). */
  public static void main(String[] args) {
    for (Property p : properties()) {
      System.out.printf(
          "| `%s` | `%s` | `%s` | `%s` | |%n",
          p.name(), p.env(), p.valuesPath(), p.defaultValue().orElse(""));
    }
  }
}
