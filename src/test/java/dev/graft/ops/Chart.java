package dev.graft.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Renders helm/graft with real Helm (helm-java runs Helm's own Go code in-process). */
final class Chart {

  static final String RELEASE = "graft";
  static final String NAMESPACE = "graft-system";

  /** A supported cluster version (Helm's default, 1.20, is below the chart's kubeVersion). */
  static final String KUBE_VERSION = "1.30.0";

  private Chart() {}

  /** {@code helm template graft helm/graft -n graft-system [-f values]}, as parsed objects. */
  static List<ObjectNode> render(Map<String, Object> values) {
    return Repo.documents(renderText(values));
  }

  /**
   * What {@code helm install} applies. The CRDs are templates (templates/crds.yaml), so this is the
   * plain render; the chart has no crds/ folder that Helm would install on its own.
   */
  static List<ObjectNode> renderWithCrds(Map<String, Object> values) {
    return render(values);
  }

  /** The CRDs the chart renders with default values. */
  static List<ObjectNode> crds() {
    return render(Map.of()).stream()
        .filter(o -> "CustomResourceDefinition".equals(o.path("kind").asText()))
        .toList();
  }

  static String renderText(Map<String, Object> values) {
    var template =
        new Helm(Repo.CHART)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (!values.isEmpty()) {
      template = template.withValuesFile(valuesFile(values));
    }
    return template.call();
  }

  static Path valuesFile(Map<String, Object> values) {
    try {
      Path file = Files.createTempFile("graft-values", ".yaml");
      file.toFile().deleteOnExit();
      Repo.YAML.writeValue(file.toFile(), values);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<ObjectNode> find(List<ObjectNode> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.path("kind").asText()))
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst();
  }

  static ObjectNode get(List<ObjectNode> objects, String kind, String name) {
    return find(objects, kind, name)
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names(objects)));
  }

  static List<String> names(List<ObjectNode> objects) {
    return objects.stream()
        .map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText())
        .toList();
  }

  /** The operator container's env as name to value (valueFrom entries map to their JSON). */
  static Map<String, String> env(JsonNode deployment) {
    var env = new java.util.LinkedHashMap<String, String>();
    for (JsonNode e : container(deployment).path("env")) {
      env.put(
          e.path("name").asText(),
          e.has("value") ? e.path("value").asText() : e.path("valueFrom").toString());
    }
    return env;
  }

  static JsonNode container(JsonNode deployment) {
    return deployment.path("spec").path("template").path("spec").path("containers").path(0);
  }
}
