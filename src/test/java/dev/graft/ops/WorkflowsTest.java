package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GitHub workflows cannot run here; this keeps them well-formed: valid YAML with the keys
 * GitHub requires, pinned actions, shell steps that bash can parse, and paths that exist.
 */
class WorkflowsTest {

  static final Path DIR = Repo.ROOT.resolve(".github/workflows");

  static Stream<Path> workflows() throws IOException {
    return Files.list(DIR).filter(p -> p.toString().endsWith(".yml")).sorted();
  }

  @Test
  void theFourWorkflowsExist() throws IOException {
    assertThat(workflows().map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("ci.yml", "e2e.yml", "chart-lint.yml", "release.yml");
  }

  @ParameterizedTest
  @MethodSource("workflows")
  void hasTheKeysGitHubRequires(Path file) {
    JsonNode wf = Repo.readYaml(file);
    assertThat(wf.path("name").asText()).as("name").isNotBlank();
    assertThat(wf.has("on")).as("%s: on", file.getFileName()).isTrue();
    assertThat(wf.path("on").isObject()).isTrue();
    assertThat(wf.path("jobs").isObject() && !wf.path("jobs").isEmpty()).as("jobs").isTrue();
    wf.path("jobs")
        .fields()
        .forEachRemaining(
            job -> {
              String id = file.getFileName() + " job " + job.getKey();
              JsonNode j = job.getValue();
              assertThat(j.path("runs-on").asText()).as("%s runs-on", id).startsWith("ubuntu-");
              assertThat(j.path("timeout-minutes").asInt()).as("%s timeout", id).isBetween(1, 360);
              assertThat(j.path("steps").isArray() && !j.path("steps").isEmpty())
                  .as("%s steps", id)
                  .isTrue();
              for (JsonNode need :
                  j.path("needs").isArray() ? j.path("needs") : List.of(j.path("needs"))) {
                if (!need.isMissingNode()) {
                  assertThat(wf.path("jobs").has(need.asText()))
                      .as("%s needs %s", id, need)
                      .isTrue();
                }
              }
              for (JsonNode step : j.path("steps")) {
                assertThat(step.has("uses") ^ step.has("run"))
                    .as("%s step %s has exactly one of uses/run", id, step)
                    .isTrue();
                if (step.has("uses")) {
                  assertThat(step.path("uses").asText())
                      .as("%s: actions are pinned to a version", id)
                      .matches("[\\w.-]+/[\\w./-]+@v\\d+(\\.\\d+)*");
                }
              }
            });
  }

  @ParameterizedTest
  @MethodSource("workflows")
  void everyRunStepIsValidBash(Path file) throws Exception {
    for (String script : runScripts(Repo.readYaml(file))) {
      Path tmp = Files.createTempFile("step", ".sh");
      try {
        // GitHub substitutes ${{ ... }} before bash sees the script.
        Files.writeString(tmp, script.replaceAll("\\$\\{\\{[^}]*}}", "x"));
        Process p =
            new ProcessBuilder("bash", "-n", tmp.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
            .as("%s: bash -n on\n%s\n%s", file.getFileName(), script, out)
            .isZero();
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  @Test
  void ciRunsTheProjectsCiScriptOnPushAndPullRequest() {
    JsonNode ci = Repo.readYaml(DIR.resolve("ci.yml"));
    assertThat(ci.path("on").has("push")).isTrue();
    assertThat(ci.path("on").has("pull_request")).isTrue();
    assertThat(runScripts(ci)).anyMatch(s -> s.strip().equals("bash .ci/run"));
    assertThat(Repo.ROOT.resolve(".ci/run")).exists();
  }

  @Test
  void e2eInstallsKubevirtCdiAndTheChartThenWaitsForTheSamples() {
    // the workflow's steps are steps of hack/e2e.sh (E2eScriptTest checks that they match)
    String all =
        String.join("\n", runScripts(Repo.readYaml(DIR.resolve("e2e.yml"))))
            + "\n"
            + Repo.read(Repo.ROOT.resolve("hack/e2e.sh"));
    assertThat(all)
        .contains("kubevirt-operator.yaml", "useEmulation", "cdi-operator.yaml")
        .contains("docker build -f src/main/docker/Dockerfile.jvm", "deploy/injector")
        .contains("kind load docker-image")
        .contains("helm upgrade --install graft helm/graft")
        .contains("${SAMPLES}")
        .contains("kubectl wait gvm --all -A --for=condition=Ready")
        .contains("logs deployment/graft");
    JsonNode e2e = Repo.readYaml(DIR.resolve("e2e.yml"));
    // the runner-sized fleet by default, the demo fleet on request
    assertThat(e2e.at("/env/SAMPLES").asText()).contains("test/e2e");
    assertThat(e2e.at("/on/workflow_dispatch/inputs/samples/description").asText())
        .contains("config/samples");
    assertThat(Repo.ROOT.resolve("test/e2e/fleet.yaml")).exists();
    JsonNode steps = e2e.at("/jobs/e2e/steps");
    boolean dumpsOnFailure = false;
    for (JsonNode step : steps) {
      dumpsOnFailure |= step.path("if").asText().equals("failure()");
    }
    assertThat(dumpsOnFailure).as("dump logs on failure").isTrue();
  }

  @Test
  void releasePushesImagesAndChartToGhcr() {
    JsonNode release = Repo.readYaml(DIR.resolve("release.yml"));
    assertThat(release.at("/on/push/tags/0").asText()).startsWith("v");
    String text = Repo.read(DIR.resolve("release.yml"));
    assertThat(text).contains("graft-operator", "graft-injector", "helm push", "oci://ghcr.io/");
    assertThat(release.at("/jobs/images/permissions/packages").asText()).isEqualTo("write");
  }

  @Test
  void pathsTheWorkflowsUseExist() throws IOException {
    Pattern path =
        Pattern.compile(
            "(src/main/docker/Dockerfile\\.jvm|deploy/injector|helm/graft|config/default|test/e2e|\\.ci/run)");
    for (Path file : workflows().toList()) {
      Matcher m = path.matcher(Repo.read(file));
      while (m.find()) {
        assertThat(Repo.ROOT.resolve(m.group(1)))
            .as("%s uses %s", file.getFileName(), m.group(1))
            .exists();
      }
    }
    for (JsonNode step : Repo.readYaml(DIR.resolve("release.yml")).findValues("with")) {
      if (step.has("file")) {
        assertThat(Repo.ROOT.resolve(step.path("file").asText())).exists();
      }
      if (step.has("context") && !step.path("context").asText().equals(".")) {
        assertThat(Repo.ROOT.resolve(step.path("context").asText()).resolve("Dockerfile")).exists();
      }
    }
  }

  @Test
  void dockerfilesBuildNonRootImages() {
    String operator = Repo.read(Repo.ROOT.resolve("src/main/docker/Dockerfile.jvm"));
    assertThat(operator)
        .contains("target/quarkus-app/", "quarkus-run.jar")
        .containsPattern("(?m)^USER 185");
    String injector = Repo.read(Repo.ROOT.resolve("deploy/injector/Dockerfile"));
    assertThat(injector)
        .contains("libguestfs-tools", "qemu-utils", "linux-image-amd64", "curl")
        .contains("LIBGUESTFS_BACKEND=direct")
        .containsPattern("(?m)^FROM debian:")
        .containsPattern("(?m)^USER 107:107");
    // the chart's injector default is the image this Dockerfile builds
    assertThat(Repo.read(Repo.CHART.resolve("values.yaml")))
        .contains("image: ghcr.io/graft-dev/graft-injector:");
  }

  static List<String> runScripts(JsonNode workflow) {
    List<String> scripts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> job :
        (Iterable<Map.Entry<String, JsonNode>>) () -> workflow.path("jobs").fields()) {
      for (JsonNode step : job.getValue().path("steps")) {
        if (step.has("run")) {
          scripts.add(step.path("run").asText());
        }
      }
    }
    return scripts;
  }
}
