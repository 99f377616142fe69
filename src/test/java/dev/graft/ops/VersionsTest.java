package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One version source: VERSION. The chart (version, appVersion), the image tags the chart, kustomize
 * and the operator default to, the pom, the CLI, the README's install commands and the ArgoCD
 * Application that installs the released chart all carry it; {@code hack/set-version.sh} (which the
 * release workflow runs) sets every one of them.
 */
class VersionsTest {

  /** The files hack/set-version.sh edits, relative to the repository root. */
  static final List<String> FILES =
      List.of(
          "VERSION",
          "pom.xml",
          "README.md",
          "helm/graft/Chart.yaml",
          "helm/graft/values.yaml",
          "config/manager/manager.yaml",
          "config/manager/kustomization.yaml",
          "src/main/java/dev/graft/config/GraftConfig.java",
          "src/main/java/dev/graft/cli/GraftCommand.java",
          "hack/set-version.sh");

  @Test
  void everyPlaceCarriesTheVersionOfVersionFile() {
    String version = Repo.read(Repo.ROOT.resolve("VERSION")).strip();
    assertThat(version).matches("[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?");
    assertThat(versions(Repo.ROOT))
        .allSatisfy((place, v) -> assertThat(v).as(place).isEqualTo(version));
  }

  @Test
  void setVersionBumpsEveryPlace(@TempDir Path copy) throws Exception {
    for (String f : FILES) {
      Files.createDirectories(
          copy.resolve(f).getParent() == null ? copy : copy.resolve(f).getParent());
      Files.copy(Repo.ROOT.resolve(f), copy.resolve(f));
    }
    Files.createDirectories(copy.resolve("config/argocd"));
    try (Stream<Path> apps = Files.list(Repo.CONFIG.resolve("argocd"))) {
      for (Path app : apps.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        Files.copy(app, copy.resolve("config/argocd").resolve(app.getFileName()));
      }
    }
    Process p =
        new ProcessBuilder("bash", copy.resolve("hack/set-version.sh").toString(), "9.8.7")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    Map<String, String> bumped = versions(copy);
    assertThat(bumped).hasSameSizeAs(versions(Repo.ROOT));
    assertThat(bumped).allSatisfy((place, v) -> assertThat(v).as(place).isEqualTo("9.8.7"));

    Process bad =
        new ProcessBuilder("bash", copy.resolve("hack/set-version.sh").toString(), "v1.2")
            .redirectErrorStream(true)
            .start();
    bad.getInputStream().readAllBytes();
    assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(bad.exitValue()).isNotZero();
  }

  @Test
  void everyReleaseJobSetsTheVersionFromTheTagFirst() {
    JsonNode release = Repo.readYaml(Repo.ROOT.resolve(".github/workflows/release.yml"));
    for (var job : (Iterable<Map.Entry<String, JsonNode>>) () -> release.path("jobs").fields()) {
      List<String> runs = new ArrayList<>();
      for (JsonNode step : job.getValue().path("steps")) {
        runs.add(step.path("run").asText(""));
      }
      int set = -1;
      int build = -1;
      for (int i = 0; i < runs.size(); i++) {
        if (set < 0 && runs.get(i).contains("bash hack/set-version.sh \"$v\"")) {
          set = i;
        }
        if (build < 0 && runs.get(i).matches("(?s).*(mvnw|\\.ci/run|helm package).*")) {
          build = i;
        }
      }
      assertThat(set).as("job %s runs hack/set-version.sh", job.getKey()).isNotNegative();
      assertThat(set)
          .as("job %s sets the version before building", job.getKey())
          .isLessThan(build < 0 ? Integer.MAX_VALUE : build);
    }
  }

  /** Each place that names the release version, with the version it names. */
  static Map<String, String> versions(Path root) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("VERSION", read(root, "VERSION").strip());
    JsonNode chart = Repo.readYaml(root.resolve("helm/graft/Chart.yaml"));
    v.put("Chart.yaml version", chart.path("version").asText());
    v.put("Chart.yaml appVersion", chart.path("appVersion").asText());
    v.put(
        "values.yaml injector.image",
        tag(Repo.readYaml(root.resolve("helm/graft/values.yaml")).at("/injector/image").asText()));
    v.put(
        "GraftConfig injector image default",
        one(
            read(root, "src/main/java/dev/graft/config/GraftConfig.java"),
            "graft-injector:([^\"]+)\""));
    v.put(
        "kustomize operator newTag",
        Repo.readYaml(root.resolve("config/manager/kustomization.yaml"))
            .at("/images/0/newTag")
            .asText());
    String manager = read(root, "config/manager/manager.yaml");
    v.put("manager.yaml operator image", one(manager, "graft-operator:([^\"\\s]+)"));
    v.put("manager.yaml GRAFT_INJECTOR_IMAGE", one(manager, "graft-injector:([^\"\\s]+)"));
    v.put(
        "pom.xml version",
        one(
            read(root, "pom.xml"),
            "<artifactId>graft</artifactId>\\s*<version>([^<]+?)(-SNAPSHOT)?</version>"));
    v.put(
        "graft --version",
        one(
            read(root, "src/main/java/dev/graft/cli/GraftCommand.java"),
            "version = \"graft ([^\"]+)\""));
    String readme = read(root, "README.md");
    List<String> helm = all(readme, "oci://ghcr.io/graft-dev/charts/graft --version (\\S+)");
    assertThat(helm).as("README helm commands").isNotEmpty();
    for (int i = 0; i < helm.size(); i++) {
      v.put("README helm --version #" + (i + 1), helm.get(i));
    }
    v.put("README injector default", one(readme, "ghcr.io/graft-dev/graft-injector:([^` ]+)`"));
    Path argocd = root.resolve("config/argocd");
    if (Files.isDirectory(argocd)) {
      try (Stream<Path> files = Files.list(argocd)) {
        for (Path app : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
          for (JsonNode doc : Repo.documents(Repo.read(app))) {
            if (doc.path("kind").asText().equals("Application")
                && doc.at("/spec/source/chart").asText().equals("graft")) {
              v.put(
                  "ArgoCD " + app.getFileName() + " targetRevision",
                  doc.at("/spec/source/targetRevision").asText());
            }
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return v;
  }

  private static String read(Path root, String file) {
    return Repo.read(root.resolve(file));
  }

  private static String tag(String image) {
    return image.substring(image.lastIndexOf(':') + 1);
  }

  private static String one(String text, String regex) {
    List<String> found = all(text, regex);
    assertThat(found).as("matches of %s", regex).isNotEmpty();
    assertThat(found).as("matches of %s", regex).containsOnly(found.get(0));
    return found.get(0);
  }

  private static List<String> all(String text, String regex) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
