package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hack/e2e.sh cannot run here (no Docker engine, no cluster), so every step is checked another way:
 * the script runs against stand-in kind, kubectl, helm, docker and mvnw commands
 * (src/test/resources/e2e-stubs/stub) that answer as a cluster would, and the test checks the order
 * of its calls (CRDs Established before the fleet, the second wave only after the first is Ready),
 * the manifests it applies (the read-back Job filled in and valid), that the cache-hit and
 * read-back checks fail when they should, that the E2E workflow runs the same steps, and that
 * shellcheck finds nothing (required where CI is set).
 */
class E2eScriptTest {

  static final Path SCRIPT = Repo.ROOT.resolve("hack/e2e.sh");

  record Run(int exit, String output, List<String> calls, List<String> applied) {}

  static Run run(Path dir, Map<String, String> env, String... steps) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path stub = bin.resolve("stub");
    try (InputStream in = E2eScriptTest.class.getResourceAsStream("/e2e-stubs/stub")) {
      Files.write(stub, in.readAllBytes());
    }
    Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String tool : List.of("kind", "kubectl", "helm", "docker", "mvnw")) {
      Files.deleteIfExists(bin.resolve(tool));
      Files.createSymbolicLink(bin.resolve(tool), stub);
    }
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(steps));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("STUB_DIR", dir.toString());
    pb.environment().put("MVNW", bin.resolve("mvnw").toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    Path log = dir.resolve("calls.log");
    List<String> calls = Files.exists(log) ? Files.readAllLines(log) : List.of();
    List<String> applied = new ArrayList<>();
    for (int i = 1; Files.exists(dir.resolve("applied-" + i + ".yaml")); i++) {
      applied.add(Files.readString(dir.resolve("applied-" + i + ".yaml")));
    }
    return new Run(p.exitValue(), out, calls, applied);
  }

  static int first(List<String> calls, String part) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).contains(part)) {
        return i;
      }
    }
    throw new AssertionError("no call contains '" + part + "' in\n" + String.join("\n", calls));
  }

  static int last(List<String> calls, String part) {
    for (int i = calls.size() - 1; i >= 0; i--) {
      if (calls.get(i).contains(part)) {
        return i;
      }
    }
    throw new AssertionError("no call contains '" + part + "'");
  }

  @Test
  void allRunsEveryStepInOrderAgainstAClusterThatBehaves(@TempDir Path dir) throws Exception {
    Run run = run(dir, Map.of(), "all");
    assertThat(run.exit()).as(run.output()).isZero();
    List<String> calls = run.calls();
    String all = String.join("\n", calls);

    // a pinned node image that KubeVirt v1.4 supports (Kubernetes 1.29 to 1.31)
    assertThat(calls.get(first(calls, "kind create cluster")))
        .containsPattern("--image kindest/node:v1\\.(29|30|31)\\.[0-9]+@sha256:[0-9a-f]{64}");
    assertThat(all).contains("kubevirt/releases/download/v1.4.0/kubevirt-operator.yaml");
    // the StorageProfile is patched; CDI's feature gates are left alone
    assertThat(all)
        .contains("patch storageprofile standard --type=merge")
        .contains("\"accessModes\":[\"ReadWriteOnce\"]")
        .doesNotContain("featureGates")
        .doesNotContain("patch cdi");
    assertThat(first(calls, "patch storageprofile"))
        .isGreaterThan(last(calls, "wait cdi cdi --for=condition=Available"));

    int established = first(calls, "--for=condition=Established");
    assertThat(calls.get(established))
        .contains(
            "crd/baseimages.graft.dev",
            "crd/filesets.graft.dev",
            "crd/goldenimages.graft.dev",
            "crd/graftedvirtualmachines.graft.dev");
    int install = first(calls, "helm upgrade --install graft helm/graft");
    int wave1 = first(calls, "apply -f -");
    int ready1 = first(calls, "wait gvm --all -A --for=condition=Ready");
    int dvs =
        first(calls, "wait dv -l graft.dev/golden-image --for=jsonpath={.status.phase}=Succeeded");
    int hitsBefore =
        first(calls, "get --raw /api/v1/namespaces/graft-system/services/graft-metrics");
    List<Integer> applies = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).contains("apply -f -")) {
        applies.add(i);
      }
    }
    assertThat(applies).as("first wave, second wave, read-back Job").hasSize(3);
    int wave2 = applies.get(1);
    int readBack = applies.get(2);
    assertThat(install).isLessThan(established);
    assertThat(established).as("the fleet waits for its CRDs").isLessThan(wave1);
    assertThat(wave1).isLessThan(ready1);
    assertThat(ready1).isLessThan(dvs);
    assertThat(dvs).as("the second wave waits for the first").isLessThan(wave2);
    assertThat(hitsBefore).as("cache hits are counted before the second wave").isLessThan(wave2);
    assertThat(last(calls, "wait gvm --all -A --for=condition=Ready")).isGreaterThan(wave2);
    assertThat(readBack).isGreaterThan(wave2);
    assertThat(first(calls, "wait job/graft-e2e-read-back --for=condition=Complete"))
        .isGreaterThan(readBack);

    // what was applied: the first wave without the replica, then the replica alone
    List<String> first = names(run.applied().get(0));
    assertThat(first).contains("GraftedVirtualMachine/app-1", "GraftedVirtualMachine/app-2");
    assertThat(first).doesNotContain("GraftedVirtualMachine/app-1-replica");
    assertThat(names(run.applied().get(1))).containsExactly("GraftedVirtualMachine/app-1-replica");
    assertReadBackJob(run.applied().get(2));
    assertThat(run.output()).contains("graft_cache_hits_total 0 -> 1");
  }

  @Test
  void theChartRendersWithTheValuesTheScriptInstallsWith(@TempDir Path dir) throws Exception {
    Run run = run(dir, Map.of(), "install");
    assertThat(run.exit()).as(run.output()).isZero();
    String helm = run.calls().get(first(run.calls(), "helm upgrade --install graft helm/graft"));
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    Matcher set = Pattern.compile("--set (\\S+)=(\\S+)").matcher(helm);
    int n = 0;
    while (set.find()) {
      n++;
      String[] path = set.group(1).split("\\.");
      Map<String, Object> at = values;
      for (int i = 0; i < path.length - 1; i++) {
        @SuppressWarnings("unchecked")
        Map<String, Object> next =
            (Map<String, Object>) at.computeIfAbsent(path[i], k -> new java.util.LinkedHashMap<>());
        at = next;
      }
      at.put(path[path.length - 1], set.group(2));
    }
    assertThat(n).isGreaterThanOrEqualTo(5);
    List<ObjectNode> objects = Chart.render(values);
    JsonNode deployment = Chart.get(objects, "Deployment", "graft");
    assertThat(Chart.container(deployment).path("image").asText())
        .isEqualTo("ghcr.io/graft-dev/graft-operator:e2e");
    assertThat(Chart.container(deployment).path("imagePullPolicy").asText()).isEqualTo("Never");
    assertThat(Chart.env(deployment))
        .containsEntry("GRAFT_INJECTOR_IMAGE", "ghcr.io/graft-dev/graft-injector:e2e")
        .containsEntry("GRAFT_INJECTOR_KVM", "never");
    // the CRDs the script waits for are the ones the chart installs
    List<String> crds =
        objects.stream()
            .filter(o -> o.path("kind").asText().equals("CustomResourceDefinition"))
            .map(o -> "crd/" + o.at("/metadata/name").asText())
            .toList();
    assertThat(crds).hasSize(5);
    assertThat(run.calls().get(first(run.calls(), "--for=condition=Established")))
        .contains(crds.toArray(String[]::new));
  }

  static List<String> names(String yaml) {
    return Repo.documents(yaml).stream()
        .map(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
        .toList();
  }

  static void assertReadBackJob(String yaml) {
    assertThat(yaml).doesNotContain("${");
    List<ObjectNode> docs = Repo.documents(yaml);
    assertThat(docs).hasSize(1);
    JsonNode o = docs.get(0);
    assertThat(o.at("/metadata/namespace").asText()).isEqualTo("graft-e2e");
    assertThat(o.at("/spec/template/spec/volumes/0/persistentVolumeClaim/claimName").asText())
        .isEqualTo("debian-12-0123456789");
    assertThat(o.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("ghcr.io/graft-dev/graft-injector:e2e");
    assertThat(o.at("/spec/template/spec/containers/0/command").toString())
        .contains("virt-cat -a /graft/disk/disk.img /etc/motd");
    // a Job the API server accepts: every field known to the Kubernetes model
    Job job = Serialization.unmarshal(yaml, Job.class);
    assertThat(job.getAdditionalProperties()).isEmpty();
    assertThat(job.getSpec().getAdditionalProperties()).isEmpty();
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getAdditionalProperties()).isEmpty();
    assertThat(pod.getContainers().get(0).getAdditionalProperties()).isEmpty();
    assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem())
        .isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(107L);
    // its writable paths are all on the emptyDir
    for (var env : pod.getContainers().get(0).getEnv()) {
      if (List.of("HOME", "TMPDIR", "LIBGUESTFS_CACHEDIR", "XDG_RUNTIME_DIR")
          .contains(env.getName())) {
        assertThat(env.getValue()).isEqualTo("/graft/work");
      }
    }
  }

  @Test
  void theSecondWaveFailsWithoutACacheHit(@TempDir Path dir) throws Exception {
    Run run = run(dir, Map.of("STUB_NO_HIT", "1"), "install", "wave1", "wave2");
    assertThat(run.exit()).isNotZero();
    assertThat(run.output()).contains("the second wave made no cache hit");
  }

  @Test
  void theReadBackFailsWhenTheFileIsNotInTheImage(@TempDir Path dir) throws Exception {
    Run run = run(dir, Map.of("STUB_MOTD", "Debian GNU/Linux"), "read-back");
    assertThat(run.exit()).isNotZero();
    assertThat(run.output()).contains("'Built by Graft (e2e)' is not in the built image");
  }

  @Test
  void unknownStepsAreRefused(@TempDir Path dir) throws Exception {
    Run run = run(dir, Map.of(), "deploy");
    assertThat(run.exit()).isNotZero();
    assertThat(run.output()).contains("unknown step 'deploy'");
    assertThat(run.calls()).isEmpty();
  }

  @Test
  void theWorkflowRunsTheScriptsStepsInOrder() {
    Matcher m = Pattern.compile("STEPS=\\(([^)]*)\\)").matcher(Repo.read(SCRIPT));
    assertThat(m.find()).isTrue();
    List<String> steps = List.of(m.group(1).strip().split("\\s+"));
    assertThat(steps)
        .containsExactly(
            "cluster", "platform", "storage", "images", "install", "wave1", "wave2", "read-back");
    List<String> runs = new ArrayList<>();
    List<String> onFailure = new ArrayList<>();
    for (JsonNode step :
        Repo.readYaml(Repo.ROOT.resolve(".github/workflows/e2e.yml")).at("/jobs/e2e/steps")) {
      if (step.has("run")) {
        (step.path("if").asText().equals("failure()") ? onFailure : runs)
            .add(step.path("run").asText().strip());
      }
    }
    assertThat(runs)
        .containsExactlyElementsOf(steps.stream().map(s -> "hack/e2e.sh " + s).toList());
    assertThat(onFailure).containsExactly("hack/e2e.sh dump");
  }

  @Test
  void shellScriptsAreShellcheckClean() throws Exception {
    boolean available = InjectorApplianceTest.onPath("shellcheck");
    if (!available && System.getenv("CI") != null) {
      throw new AssertionError("shellcheck is required in CI (env CI is set): .ci/run installs it");
    }
    Assumptions.assumeTrue(available, "shellcheck not installed (apt-get install shellcheck)");
    List<String> command = new ArrayList<>(List.of("shellcheck", "-x"));
    // the install, e2e, release and test-tier scripts
    for (String script :
        List.of(
            "hack/e2e.sh",
            "hack/control-plane.sh",
            "hack/set-version.sh",
            "hack/sync-crds.sh",
            "hack/k8s-objects.sh",
            "hack/gen-argocd-cm.sh",
            "deploy/injector/make-appliance.sh")) {
      command.add(Repo.ROOT.resolve(script).toString());
    }
    command.add(Repo.ROOT.resolve("src/test/resources/e2e-stubs/stub").toString());
    assertThat(command).anyMatch(c -> c.endsWith("hack/e2e.sh"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("shellcheck:%n%s", out).isZero();
  }

  static String read(Path p) throws IOException {
    return Files.readString(p);
  }
}
