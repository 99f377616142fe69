package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.metrics.GraftMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the README tells users to type is right: its Graft objects pass the installed CRD schemas
 * (unknown fields included, which the API server would silently drop), its {@code --set} keys exist
 * in values.yaml, and its metric names are the ones exposed.
 */
class ReadmeExamplesTest {

  static final String README = Repo.read(Repo.ROOT.resolve("README.md"));

  @Test
  void graftObjectsInTheReadmeMatchTheCrdSchemas() throws IOException {
    Map<String, JsonNode> schemas = crdSchemas();
    Assumptions.assumeFalse(schemas.isEmpty(), "no CRDs in crds/ yet");
    int checked = 0;
    Matcher block = Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(README);
    while (block.find()) {
      for (ObjectNode doc : Repo.documents(block.group(1))) {
        if (!doc.path("apiVersion").asText().startsWith("graft.dev/")) {
          continue;
        }
        String kind = doc.path("kind").asText();
        assertThat(schemas).as("a CRD for kind %s", kind).containsKey(kind);
        List<String> errors = new ArrayList<>();
        validate(
            schemas.get(kind).path("properties").path("spec"),
            doc.path("spec"),
            kind + ".spec",
            errors);
        assertThat(errors).as("README %s %s", kind, doc.at("/metadata/name").asText()).isEmpty();
        checked++;
      }
    }
    assertThat(checked).as("Graft objects in README examples").isGreaterThanOrEqualTo(2);
  }

  @Test
  void setFlagsNameRealValues() {
    JsonNode values = Repo.readYaml(Repo.CHART.resolve("values.yaml"));
    Matcher set = Pattern.compile("--set '?([A-Za-z.]+)=").matcher(README);
    int count = 0;
    while (set.find()) {
      count++;
      assertThat(values.at("/" + set.group(1).replace('.', '/')).isMissingNode())
          .as("README --set %s is a key of values.yaml", set.group(1))
          .isFalse();
    }
    assertThat(count).isPositive();
  }

  @Test
  void metricNamesInTheReadmeAreExposed() {
    Matcher m = Pattern.compile("`(graft_[a-z_]+)`").matcher(README);
    int count = 0;
    while (m.find()) {
      count++;
      String name = m.group(1);
      assertThat(GraftMetrics.PROMETHEUS_NAMES)
          .as("README metric %s", name)
          .anyMatch(exposed -> exposed.equals(name) || exposed.startsWith(name + "_"));
    }
    assertThat(count).isGreaterThan(10);
  }

  static Map<String, JsonNode> crdSchemas() throws IOException {
    Map<String, JsonNode> schemas = new HashMap<>();
    var dir = Repo.ROOT.resolve("crds");
    if (!Files.isDirectory(dir)) {
      return schemas;
    }
    try (var files = Files.list(dir)) {
      for (var f : files.toList()) {
        for (ObjectNode crd : Repo.documents(Repo.read(f))) {
          schemas.put(
              crd.at("/spec/names/kind").asText(),
              crd.at("/spec/versions/0/schema/openAPIV3Schema"));
        }
      }
    }
    return schemas;
  }

  /** A structural-schema check: types, required, patterns, enums, bounds and unknown fields. */
  static void validate(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    String type = schema.path("type").asText();
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          errors.add(path + ": not an object");
          return;
        }
        JsonNode props = schema.path("properties");
        schema
            .path("required")
            .forEach(
                r -> {
                  if (!value.has(r.asText())) {
                    errors.add(path + "." + r.asText() + ": required");
                  }
                });
        value
            .fields()
            .forEachRemaining(
                e -> {
                  if (props.has(e.getKey())) {
                    validate(props.get(e.getKey()), e.getValue(), path + "." + e.getKey(), errors);
                  } else if (schema.has("additionalProperties")) {
                    validate(
                        schema.get("additionalProperties"),
                        e.getValue(),
                        path + "." + e.getKey(),
                        errors);
                  } else {
                    errors.add(path + "." + e.getKey() + ": unknown field");
                  }
                });
      }
      case "array" -> {
        if (!value.isArray()) {
          errors.add(path + ": not an array");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          validate(schema.path("items"), value.get(i), path + "[" + i + "]", errors);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          errors.add(path + ": not a string: " + value);
          return;
        }
        if (schema.has("pattern")
            && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
          errors.add(path + ": " + value + " does not match " + schema.get("pattern").asText());
        }
        if (schema.has("maxLength") && value.asText().length() > schema.get("maxLength").asInt()) {
          errors.add(path + ": longer than " + schema.get("maxLength"));
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          errors.add(path + ": not an integer: " + value);
        } else if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
          errors.add(path + ": below " + schema.get("minimum"));
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          errors.add(path + ": not a boolean: " + value);
        }
      }
      default -> {}
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(value);
      }
      if (!found) {
        errors.add(path + ": " + value + " not one of " + schema.get("enum"));
      }
    }
  }
}
