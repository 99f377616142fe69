package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * config/argocd/application.yaml: the operator from the released OCI chart at a fixed version (the
 * one the release pushes and the README installs), and a fleet from a folder that holds only
 * Kubernetes objects, synced with SkipDryRunOnMissingResource after the operator.
 */
class ArgoApplicationsTest {

  static final List<ObjectNode> DOCS =
      Repo.documents(Repo.read(Repo.CONFIG.resolve("argocd/application.yaml")));

  static ObjectNode app(String name) {
    return Chart.get(DOCS, "Application", name);
  }

  @Test
  void everyDocumentIsAnArgoObjectInTheArgoNamespace() {
    assertThat(Chart.names(DOCS))
        .containsExactly("Secret/graft-charts", "Application/graft", "Application/graft-fleet");
    for (ObjectNode o : DOCS) {
      assertThat(o.at("/metadata/namespace").asText()).isEqualTo("argocd");
      if (o.path("kind").asText().equals("Application")) {
        assertThat(o.path("apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
        assertThat(o.at("/spec/project").asText()).isEqualTo("default");
        assertThat(o.at("/spec/destination/server").asText()).isNotBlank();
        assertThat(o.at("/spec/destination/namespace").asText()).isNotBlank();
      }
    }
  }

  @Test
  void theOperatorComesFromTheReleasedOciChartAtAFixedVersion() {
    JsonNode source = app("graft").at("/spec/source");
    assertThat(source.path("chart").asText()).isEqualTo("graft");
    assertThat(source.has("path")).as("a chart, not a Git folder").isFalse();
    // classic Helm-over-OCI form: no scheme in repoURL, the chart name apart
    assertThat(source.path("repoURL").asText()).isEqualTo("ghcr.io/graft-dev/charts");
    String version = Repo.read(Repo.ROOT.resolve("VERSION")).strip();
    assertThat(source.path("targetRevision").asText())
        .as("a released version, not a branch or a range")
        .isEqualTo(version)
        .matches("[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?");
    // the same chart the README installs and the release pushes (oci://ghcr.io/<owner>/charts)
    String oci = "oci://" + source.path("repoURL").asText() + "/" + source.path("chart").asText();
    assertThat(Repo.read(Repo.ROOT.resolve("README.md"))).contains(oci + " --version " + version);
    assertThat(Repo.read(Repo.ROOT.resolve(".github/workflows/release.yml")))
        .contains("oci://ghcr.io/${owner}/charts");
    // the registry is declared as an OCI Helm repository
    ObjectNode repo = Chart.get(DOCS, "Secret", "graft-charts");
    assertThat(repo.at("/metadata/labels/argocd.argoproj.io~1secret-type").asText())
        .isEqualTo("repository");
    assertThat(repo.at("/stringData/type").asText()).isEqualTo("helm");
    assertThat(repo.at("/stringData/enableOCI").asText()).isEqualTo("true");
    assertThat(repo.at("/stringData/url").asText()).isEqualTo(source.path("repoURL").asText());
    // the values pass the chart's schema: render them with real Helm
    @SuppressWarnings("unchecked")
    Map<String, Object> values = Repo.YAML.convertValue(source.at("/helm/valuesObject"), Map.class);
    assertThat(Chart.names(Chart.render(values))).contains("Deployment/graft");
    assertThat(app("graft").at("/spec/syncPolicy/syncOptions").toString())
        .contains("ServerSideApply=true");
  }

  @Test
  void theFleetSyncsAFolderOfKubernetesObjectsOnlyAfterTheOperator() throws IOException {
    ObjectNode fleet = app("graft-fleet");
    assertThat(fleet.at("/spec/syncPolicy/syncOptions").toString())
        .contains("SkipDryRunOnMissingResource=true");
    assertThat(fleet.at("/metadata/annotations/argocd.argoproj.io~1sync-wave").asInt())
        .isGreaterThan(
            app("graft").at("/metadata/annotations/argocd.argoproj.io~1sync-wave").asInt());
    Path folder = Repo.ROOT.resolve(fleet.at("/spec/source/path").asText());
    assertThat(folder).isDirectory();
    var include =
        FileSystems.getDefault()
            .getPathMatcher("glob:" + fleet.at("/spec/source/directory/include").asText());
    List<Path> synced = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.sorted().toList()) {
        assertThat(include.matches(f.getFileName()))
            .as("%s: ArgoCD would skip it, so it does not belong in the fleet folder", f)
            .isTrue();
        synced.add(f);
      }
    }
    assertThat(synced).isNotEmpty();
    int graftObjects = 0;
    for (Path f : synced) {
      for (ObjectNode o : Repo.documents(Repo.read(f))) {
        String id = f.getFileName() + " " + o.path("kind").asText();
        assertThat(o.path("apiVersion").asText()).as("%s apiVersion", id).isNotBlank();
        assertThat(o.path("kind").asText()).as("%s kind", id).isNotBlank().isNotEqualTo("Wait");
        assertThat(o.at("/metadata/name").asText()).as("%s name", id).isNotBlank();
        if (o.path("apiVersion").asText().startsWith("graft.dev/")) {
          graftObjects++;
        }
      }
    }
    // FleetManifestsTest validates these against the CRD schemas
    assertThat(graftObjects).isPositive();
  }
}
