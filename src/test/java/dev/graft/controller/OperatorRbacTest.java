package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.KeySelector;
import dev.graft.sim.ClusterSimulator;
import dev.graft.testing.RbacAudit;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves the shipped ClusterRole is enough: runs a whole workflow (ConfigMap and Secret files, a
 * chained build, a ConfigMap change, a deletion), records every request the operator's own client
 * made to the API server, and checks each against config/rbac/role.yaml as the authorizer would.
 * The test and the simulator use a client with their own User-Agent so that only the operator's
 * calls are audited.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorRbacTest {
  private static final String TESTER = "graft-test-harness";

  @KubernetesTestServer KubernetesServer server;
  @Inject KubernetesClient operatorClient;

  @Test
  void everyCallTheOperatorMakesIsAllowedByTheShippedRole() throws Exception {
    drainRecordedRequests();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(operatorClient.getConfiguration()).withUserAgent(TESTER).build())
            .build();
    String ns = "rbac";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client
          .configMaps()
          .inNamespace(ns)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("app")
                  .withNamespace(ns)
                  .endMetadata()
                  .addToData("app.conf", "level=1")
                  .build())
          .create();
      client
          .secrets()
          .inNamespace(ns)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("creds")
                  .withNamespace(ns)
                  .addToLabels("graft.dev/files", "true")
                  .endMetadata()
                  .addToData("token", Base64.getEncoder().encodeToString("s3cr3t".getBytes()))
                  .build())
          .create();
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      // Without a shared catalog a ClusterBaseImage only says so, in its status.
      var cbi = ClusterBaseImageTest.clusterBaseImage("rbac-alma", "alma-9", "os-images", "disk");
      client.resource(cbi).create();
      until(client, ns, () -> client.resource(cbi).get().getStatus() != null);
      GraftedVirtualMachine full = gvm(ns, "full", "fedora-40", file("/etc/motd", "hi"));
      full.getSpec().files.add(ref("/etc/app.conf", new KeySelector("app", "app.conf"), false));
      full.getSpec().files.add(ref("/etc/token", new KeySelector("creds", "token"), true));
      client.resource(full).create();
      client.resource(gvm(ns, "small", "fedora-40", file("/etc/motd", "hi"))).create();
      until(client, ns, () -> ready(gvm(client, ns, "full")) && ready(gvm(client, ns, "small")));

      String before = gvm(client, ns, "full").getStatus().image;
      client
          .configMaps()
          .inNamespace(ns)
          .withName("app")
          .edit(
              cm -> {
                cm.getData().put("app.conf", "level=2");
                return cm;
              });
      until(
          client,
          ns,
          () ->
              ready(gvm(client, ns, "full"))
                  && !before.equals(gvm(client, ns, "full").getStatus().image));
      client.resource(gvm(client, ns, "small")).delete();
      Thread.sleep(1_000); // let the operator react to the deletion before auditing
      // Eviction's one write besides deleting, raising the clock, is now a GoldenImage status
      // patch by the GoldenImage reconciler: audited below with every other status patch.
    }

    List<RbacAudit.Access> calls = operatorCalls();
    assertThat(calls)
        .as("the operator's calls were recorded")
        .contains(
            new RbacAudit.Access("create", "kubevirt.io", "virtualmachines"),
            new RbacAudit.Access("create", "batch", "jobs"),
            new RbacAudit.Access("create", "cdi.kubevirt.io", "datavolumes"),
            new RbacAudit.Access("patch", "graft.dev", "goldenimages/status"),
            new RbacAudit.Access("patch", "graft.dev", "clusterbaseimages/status"));
    assertThat(RbacAudit.fromRole(Path.of("config/rbac/role.yaml")).denied(calls))
        .as("calls the shipped ClusterRole does not allow")
        .isEmpty();
    // Secrets: only those with Graft's labels are listed or watched (the files selector, or the
    // payload Secrets Graft made), and no other Secret is read by name (issue 16, item 6).
    List<String> secretCalls = rawCalls.stream().filter(c -> c.contains("/secrets")).toList();
    assertThat(secretCalls).as("the operator's Secret calls were recorded").isNotEmpty();
    for (String c : secretCalls) {
      String query = java.net.URLDecoder.decode(c, java.nio.charset.StandardCharsets.UTF_8);
      boolean collection = query.matches("GET \\S*/secrets(\\?.*)?");
      if (collection) {
        assertThat(query)
            .as("a list or watch of Secrets")
            .containsAnyOf(
                "labelSelector=graft.dev/files=true", "labelSelector=graft.dev/golden-image");
      } else if (query.startsWith("GET ")) {
        assertThat(query)
            .as("a Secret read by name")
            .matches("GET \\S*/secrets/[^/?]*-payload(\\?.*)?");
      }
    }
  }

  private final List<String> rawCalls = new ArrayList<>();

  private static FileSpec ref(String path, KeySelector key, boolean secret) {
    FileSpec f = new FileSpec();
    f.path = path;
    if (secret) {
      f.secretKeyRef = key;
    } else {
      f.configMapKeyRef = key;
    }
    return f;
  }

  private void drainRecordedRequests() throws InterruptedException {
    while (server.getKubernetesMockServer().takeRequest(50, TimeUnit.MILLISECONDS) != null) {
      // discard what earlier test classes did
    }
  }

  private List<RbacAudit.Access> operatorCalls() throws InterruptedException {
    List<RbacAudit.Access> calls = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.getKubernetesMockServer().takeRequest(200, TimeUnit.MILLISECONDS))
        != null) {
      String agent = request.getHeader("User-Agent");
      if (agent == null || !agent.contains(TESTER)) {
        calls.add(RbacAudit.access(request.getMethod(), request.getPath()));
        rawCalls.add(request.getMethod() + " " + request.getPath());
      }
    }
    return calls;
  }
}
