package dev.graft.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.inject.KvmMode;
import dev.graft.inject.job.InjectorSettings;
import dev.graft.inject.job.KvmNodes;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Under kvm=auto the Job asks for KVM exactly when a node offers it. */
public class LibguestfsInjectionJobsTest {

  public static Node node(String name, String kvmDevices) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withAllocatable(
            kvmDevices == null
                ? Map.of("cpu", new Quantity("4"))
                : Map.of("cpu", new Quantity("4"), KvmNodes.RESOURCE, new Quantity(kvmDevices)))
        .endStatus()
        .build();
  }

  static InjectorSettings settings(KvmMode kvm) {
    return new InjectorSettings(
        "quay.io/graft/injector:test", "100m", "1", "256Mi", "1Gi", kvm, 600, 0, 3600, 107);
  }

  static GoldenImage image() {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName("fedora-40-0123456789");
    gi.getMetadata().setNamespace("catalog");
    gi.getMetadata().setUid("uid-1");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().manifestDigest = "f".repeat(64);
    return gi;
  }

  private static Job job(KvmMode mode, List<Node> nodes) {
    ManifestEntry e = new ManifestEntry();
    e.path = "/etc/a.conf";
    e.mode = "0644";
    e.owner = "0:0";
    e.sha256 = "a".repeat(64);
    e.size = 1L;
    e.digest = "b".repeat(64);
    e.payload = ManifestEntry.Payload.ConfigMap;
    return new LibguestfsInjectionJobs(settings(mode), () -> nodes)
        .job(image(), new InjectionJobs.Diff(List.of(e), List.of()), 1);
  }

  public static boolean requestsKvm(Job job) {
    var resources = job.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
    return resources.getRequests() != null
        && resources.getRequests().containsKey(KvmNodes.RESOURCE);
  }

  static boolean forcesTcg(Job job) {
    List<EnvVar> env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    return env.stream()
        .anyMatch(
            v ->
                "LIBGUESTFS_BACKEND_SETTINGS".equals(v.getName())
                    && "force_tcg".equals(v.getValue()));
  }

  @Test
  void autoRequestsKvmWhenANodeOffersIt() {
    Job job = job(KvmMode.AUTO, List.of(node("plain", null), node("kvm", "1k")));
    assertThat(requestsKvm(job)).isTrue();
    assertThat(forcesTcg(job)).isFalse();
  }

  @Test
  void autoFallsBackToSoftwareEmulationWithoutKvmNodes() {
    for (List<Node> nodes :
        List.of(List.<Node>of(), List.of(node("plain", null), node("zero", "0")))) {
      Job job = job(KvmMode.AUTO, nodes);
      assertThat(requestsKvm(job)).as("%s", nodes).isFalse();
      assertThat(forcesTcg(job)).as("%s", nodes).isTrue();
    }
  }

  @Test
  void theScriptOfABuildCarriesTheDownloadAllowList() {
    ManifestEntry e = new ManifestEntry();
    e.path = "/opt/tool";
    e.sha256 = "a".repeat(64);
    e.size = 1L;
    e.digest = "b".repeat(64);
    e.url = "https://images.example.org/tool";
    e.payload = ManifestEntry.Payload.Url;
    var diff = new InjectionJobs.Diff(List.of(e), List.of());
    var jobs = new LibguestfsInjectionJobs(settings(KvmMode.NEVER), List::of);
    assertThat(jobs.script(image(), diff).getData().get("run.sh")).contains("ALLOWED_HOSTS=''");
    jobs.downloadingFrom(
        dev.graft.inject.DownloadHosts.parse(
            "graft.downloads.allowed-hosts", List.of("images.example.org")));
    assertThat(jobs.script(image(), diff).getData().get("run.sh"))
        .contains("ALLOWED_HOSTS='images.example.org'")
        .contains("'https://images.example.org/tool'");
  }

  @Test
  void alwaysAndNeverIgnoreTheNodes() {
    List<Node> kvm = List.of(node("kvm", "1k"));
    assertThat(requestsKvm(job(KvmMode.NEVER, kvm))).isFalse();
    assertThat(requestsKvm(job(KvmMode.ALWAYS, List.of()))).isTrue();
  }
}
