package dev.graft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The running application serves what the Deployment and the ServiceMonitor point at: the health
 * endpoints of the probes, and GraftMetrics' series at /q/metrics in Prometheus format.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(MetricsEndpointTest.RandomPort.class)
class MetricsEndpointTest {

  /** A free port: other test JVMs on the same machine may hold the default 8081. */
  public static class RandomPort implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.http.test-port", "0");
    }
  }

  @Inject GraftMetrics metrics;

  @TestHTTPResource("/")
  URI root;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(root.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probeEndpointsAnswer() throws Exception {
    assertThat(get("/q/health/live").statusCode()).isEqualTo(200);
    assertThat(get("/q/health/started").statusCode()).isEqualTo(200);
    // ready depends on the operator's informers; the endpoint itself must exist
    assertThat(get("/q/health/ready").statusCode()).isIn(200, 503);
  }

  @Test
  void graftMetricsAreScrapedInPrometheusFormat() throws Exception {
    GraftMetricsTest.exerciseAll(metrics);
    String body = get("/q/metrics").body();
    for (String name : GraftMetrics.PROMETHEUS_NAMES) {
      assertThat(body).as("/q/metrics has %s", name).containsPattern("(?m)^" + name + "[{ ]");
    }
    assertThat(body).contains("graft_builds_failed_total{").contains("reason=\"InjectionFailed\"");
  }
}
