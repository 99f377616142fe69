package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.bench.LoadReport;
import dev.graft.bench.LoadRunner;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The load benchmark ({@link LoadRunner}, as {@code graft bench --suite load}) against the real
 * kube-apiserver of the tier, for the sizes the fabric8 mock server cannot serve (every request of
 * the mock server scans all its objects: 5,000 VMs stalled it). The application's operator talks to
 * the real API server as the chart's ServiceAccount; {@link ClusterSimulator} plays CDI and
 * KubeVirt, the real Job controller runs the injection Jobs and {@link Kubelet} their Pods. Calls
 * are not counted here (the real API server does not record them by client): the mock server's runs
 * count them. Only run when asked, e.g.:
 *
 * <pre>
 * nice ./mvnw -B test -Dtest=RealClusterLoadTest -Dload.vms=5000
 * </pre>
 */
@QuarkusTest
@TestProfile(RealClusterLoadTest.Profile.class)
@Tag(RealClusterProfile.TAG)
@EnabledIfSystemProperty(named = "load.vms", matches = "\\d+(,\\d+)*")
class RealClusterLoadTest {
  /** As `graft bench --suite load`, on the tier's profile. */
  public static class Profile extends RealClusterProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
      overrides.put("graft.planner.batch-window", "1s");
      overrides.put("graft.planner.calibrate", "false");
      overrides.put("quarkus.log.category.\"dev.graft\".level", "WARN");
      return overrides;
    }
  }

  @Inject LoadRunner runner;

  @Test
  void everyVmIsReadyOnTheRealApiServer() throws Exception {
    List<Integer> sizes =
        Arrays.stream(System.getProperty("load.vms").split(",")).map(Integer::parseInt).toList();
    Duration timeout = Duration.ofSeconds(Long.getLong("load.timeout", 1800));
    RealControlPlane cp = RealCluster.setUp();
    List<LoadRunner.Result> results = new ArrayList<>();
    try (KubernetesClient admin = cp.adminClient();
        KubernetesClient harness =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder(admin.getConfiguration())
                        .withUserAgent(LoadRunner.HARNESS)
                        .withRequestTimeout(120_000)
                        .build())
                .build()) {
      // Held by this list alone: the last run closes and drops them to weigh the operator's heap.
      List<AutoCloseable> cdiKubeVirtAndKubelet =
          new ArrayList<>(List.of(ClusterSimulator.cdiOnly(harness).start(), new Kubelet(harness)));
      try {
        for (int i = 0; i < sizes.size(); i++) {
          boolean last = i == sizes.size() - 1;
          results.add(
              runner.runUnrecorded(
                  sizes.get(i), timeout, harness, last ? cdiKubeVirtAndKubelet : List.of()));
        }
      } finally {
        for (AutoCloseable c : cdiKubeVirtAndKubelet) {
          c.close();
        }
      }
    }
    PrintWriter out = new PrintWriter(System.out, true);
    out.println("On the real kube-apiserver " + RealControlPlane.VERSION + " (calls not counted)");
    LoadReport.print(results, out);
    for (LoadRunner.Result r : results) {
      assertThat(r.ready()).isEqualTo(r.vms());
      assertThat(r.virtualMachines()).isEqualTo(r.vms());
      assertThat(r.duplicates()).isEmpty();
    }
  }
}
