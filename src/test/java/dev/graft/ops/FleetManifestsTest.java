package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fleets (test/e2e, config/samples that ArgoCD syncs, the demo scenario config/demo) are valid
 * before they reach a cluster: every object is well-formed, Graft objects pass the CRD schemas with
 * unknown fields as errors, and every FileSet and ConfigMap they name is in the same file.
 */
class FleetManifestsTest {

  static Stream<Path> fleets() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("test/e2e", "test/e2e/wave-2", "config/samples", "config/demo")) {
      Path d = Repo.ROOT.resolve(dir);
      if (Files.isDirectory(d)) {
        try (var list = Files.list(d)) {
          list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .filter(p -> Repo.read(p).contains("apiVersion: graft.dev/"))
              .sorted()
              .forEach(files::add);
        }
      }
    }
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("fleets")
  void objectsAreValidAndReferencesResolve(Path file) throws Exception {
    Map<String, JsonNode> schemas = ReadmeExamplesTest.crdSchemas();
    Assumptions.assumeFalse(schemas.isEmpty(), "no CRDs in crds/ yet");
    List<ObjectNode> docs = Repo.documents(Repo.read(file));
    // `graft demo` scenarios mark waves with `kind: Wait` documents, which are not objects
    List<ObjectNode> objects =
        docs.stream()
            .filter(d -> d.has("apiVersion"))
            .collect(java.util.stream.Collectors.toList());
    assertThat(docs)
        .filteredOn(d -> !d.has("apiVersion"))
        .allSatisfy(d -> assertThat(d.path("kind").asText()).isEqualTo("Wait"));
    // hack/k8s-objects.sh (what the e2e workflow pipes to kubectl apply) keeps exactly the objects
    Process p =
        new ProcessBuilder(
                "bash", Repo.ROOT.resolve("hack/k8s-objects.sh").toString(), file.toString())
            .start();
    String filtered =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    assertThat(Repo.documents(filtered)).isEqualTo(objects);
    // a later wave (test/e2e/wave-2) may use what the earlier wave in the folder above defined
    List<ObjectNode> known = new ArrayList<>();
    if (file.getParent().getFileName().toString().startsWith("wave-")) {
      try (var earlier = Files.list(file.getParent().getParent())) {
        for (Path f : earlier.filter(x -> x.toString().endsWith(".yaml")).sorted().toList()) {
          known.addAll(Repo.documents(Repo.read(f)));
        }
      }
    }
    Set<String> defined = new HashSet<>();
    for (ObjectNode o : known) {
      defined.add(
          o.path("kind").asText()
              + "/"
              + o.at("/metadata/namespace").asText()
              + "/"
              + o.at("/metadata/name").asText());
    }
    known.addAll(objects);
    for (ObjectNode o : objects) {
      String id =
          file.getFileName()
              + " "
              + o.path("kind").asText()
              + "/"
              + o.at("/metadata/name").asText();
      assertThat(o.path("apiVersion").asText()).as("%s apiVersion", id).isNotBlank();
      assertThat(o.path("kind").asText()).as("%s kind", id).isNotBlank();
      assertThat(o.at("/metadata/name").asText()).as("%s name", id).isNotBlank();
      defined.add(
          o.path("kind").asText()
              + "/"
              + o.at("/metadata/namespace").asText()
              + "/"
              + o.at("/metadata/name").asText());
      if (o.path("apiVersion").asText().startsWith("graft.dev/")) {
        JsonNode schema = schemas.get(o.path("kind").asText());
        assertThat(schema).as("CRD for %s", id).isNotNull();
        List<String> errors = new ArrayList<>();
        ReadmeExamplesTest.validate(
            schema.path("properties").path("spec"), o.path("spec"), "spec", errors);
        assertThat(errors).as(id).isEmpty();
      }
    }
    for (ObjectNode o : objects) {
      String ns = o.at("/metadata/namespace").asText();
      for (JsonNode fs : o.at("/spec/fileSets")) {
        assertThat(defined)
            .as("FileSet %s used by %s", fs.asText(), o.at("/metadata/name").asText())
            .contains("FileSet/" + ns + "/" + fs.asText());
      }
      for (JsonNode ref : o.findValues("configMapKeyRef")) {
        String name = ref.path("name").asText();
        if (known.stream()
            .anyMatch(
                x ->
                    x.path("kind").asText().equals("ConfigMap")
                        && x.at("/metadata/name").asText().equals(name))) {
          JsonNode cm =
              known.stream()
                  .filter(
                      x ->
                          x.path("kind").asText().equals("ConfigMap")
                              && x.at("/metadata/name").asText().equals(name))
                  .findFirst()
                  .orElseThrow();
          assertThat(cm.path("data").has(ref.path("key").asText()))
              .as("ConfigMap %s has key %s", name, ref.path("key").asText())
              .isTrue();
        } else {
          assertThat(defined).as("ConfigMap %s", name).contains("ConfigMap/" + ns + "/" + name);
        }
      }
    }
  }
}
