package dev.graft.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo with one catalog for two teams ({@code graft.catalog-namespace}, as {@code
 * GRAFT_CATALOG_NAMESPACE} sets it): the cost table plans each request against the shared catalog.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(DemoSharedCatalogTest.SharedCatalog.class)
class DemoSharedCatalogTest {
  public static class SharedCatalog implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("graft.catalog-namespace", "images");
    }
  }

  static final String TWO_TEAMS =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: images}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: team-a}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: team-b}
      ---
      apiVersion: graft.dev/v1alpha1
      kind: BaseImage
      metadata: {name: fedora, namespace: images}
      spec:
        os: fedora-40
        source: {http: {url: "https://images.example.org/fedora-40.qcow2"}}
        storage: {size: 8Gi}
      ---
      apiVersion: graft.dev/v1alpha1
      kind: GraftedVirtualMachine
      metadata: {name: web, namespace: team-a}
      spec:
        os: fedora-40
        files: [{path: /etc/motd, content: hello}]
      ---
      apiVersion: graft.dev/v1alpha1
      kind: GraftedVirtualMachine
      metadata: {name: web, namespace: team-b}
      spec:
        os: fedora-40
        files: [{path: /etc/motd, content: hello}, {path: /etc/team, content: b}]
      """;

  @Inject DemoRunner demo;

  @Test
  void twoNamespacesOnASharedCatalogPrintTheirTablesAndExitZero() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      status = demo.run(TWO_TEAMS, null, Duration.ofSeconds(60), out, true);
    }
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertThat(status).as(output).isZero();
    assertThat(output)
        .contains("Virtual machines", "Catalog lineage", "Build cost", "operator (as built)")
        .containsPattern("team-a/web .*Ready")
        .containsPattern("team-b/web .*Ready")
        .containsPattern("optimal +2 ")
        .contains("All settled in")
        .doesNotContain("Exception");
  }
}
