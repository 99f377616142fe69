package dev.graft.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many GraftedVirtualMachines at once: all Ready, nothing created twice, bounded API calls. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(LoadTest.Profile.class)
class LoadTest {

  /** As `graft bench --suite load`: requests arriving together are planned together. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "graft.planner.batch-window", "1s",
          "quarkus.log.category.\"dev.graft\".level", "WARN");
    }
  }

  @KubernetesTestServer KubernetesServer server;
  @Inject LoadRunner runner;

  @BeforeEach
  void record() {
    LoadRunner.recordFrom(server.getKubernetesMockServer());
  }

  @Test
  void manyAtOnce() throws Exception {
    long t = System.nanoTime();
    LoadRunner.Result small = runner.run(100, Duration.ofSeconds(120));
    LoadRunner.Result large = runner.run(500, Duration.ofSeconds(120));
    StringWriter out = new StringWriter();
    LoadReport.print(List.of(small, large), new PrintWriter(out));
    System.out.println(out + "\n" + (System.nanoTime() - t) / 1e9 + " s");
    assertThat(large.ready()).isEqualTo(500);
  }
}
