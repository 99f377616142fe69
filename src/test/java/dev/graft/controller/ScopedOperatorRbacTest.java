package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scoped install: with {@code watchNamespaces}, the chart grants namespaced rights only through
 * a Role per watched namespace (and the catalog's) and keeps a ClusterRole for cluster-scoped
 * reads. Runs the operator as that install configures it (its namespaces, a catalog namespace, a
 * cache limit so that eviction reads which images VMs use), records every call it makes and checks
 * each against the Roles and ClusterRole the chart renders for those values, as the authorizer
 * would: a Role allows only calls in its own namespace.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(ScopedOperatorRbacTest.Profile.class)
class ScopedOperatorRbacTest {
  private static final String TESTER = "graft-test-harness";
  static final String APPS = "scoped-apps";
  static final String CATALOG = "scoped-catalog";

  /** What the chart sets for watchNamespaces=[scoped-apps], catalogNamespace=scoped-catalog. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.operator-sdk.namespaces",
          APPS + "," + CATALOG,
          "graft.catalog-namespace",
          CATALOG,
          "graft.cache.max-images-per-os",
          "1");
    }
  }

  @KubernetesTestServer KubernetesServer server;
  @Inject KubernetesClient operatorClient;

  @Test
  void everyCallIsAllowedByTheRolesTheScopedChartRenders() throws Exception {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("watchNamespaces", List.of(APPS));
    values.put("catalogNamespace", CATALOG);
    List<JsonNode> chart = render(values);
    assertThat(env(chart)).containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", APPS + "," + CATALOG);

    // No drain: this profile's application and mock API server are its own, so the start-up
    // lists and watches of the scoped informers are audited too.
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(operatorClient.getConfiguration()).withUserAgent(TESTER).build())
            .build();
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client
          .configMaps()
          .inNamespace(APPS)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("app")
                  .withNamespace(APPS)
                  .endMetadata()
                  .addToData("app.conf", "level=1")
                  .build())
          .create();
      client
          .secrets()
          .inNamespace(APPS)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("creds")
                  .withNamespace(APPS)
                  .addToLabels("graft.dev/files", "true")
                  .endMetadata()
                  .addToData("token", Base64.getEncoder().encodeToString("s3cr3t".getBytes()))
                  .build())
          .create();
      client.resource(baseImage(APPS, "fedora", "fedora-40")).create();
      GraftedVirtualMachine full = gvm(APPS, "full", "fedora-40", file("/etc/motd", "hi"));
      full.getSpec().files.add(ref("/etc/app.conf", new KeySelector("app", "app.conf"), false));
      full.getSpec().files.add(ref("/etc/token", new KeySelector("creds", "token"), true));
      client.resource(full).create();
      until(client, CATALOG, () -> ready(gvm(client, APPS, "full")));
      // A ClusterBaseImage: cluster-scoped, so read and written through the ClusterRole.
      client
          .resource(
              ClusterBaseImageTest.clusterBaseImage("alma", "alma-9", "os-images", "alma-9-disk"))
          .create();
      client.resource(gvm(APPS, "alma", "alma-9", file("/etc/motd", "hi"))).create();
      until(client, CATALOG, () -> ready(gvm(client, APPS, "alma")));
      client.resource(gvm(APPS, "small", "fedora-40", file("/etc/motd", "bye"))).create();
      until(client, CATALOG, () -> ready(gvm(client, APPS, "small")));
      client.resource(gvm(client, APPS, "small")).delete();
      Thread.sleep(1_000); // let the operator react to the deletion before auditing
    }

    List<RbacAudit.Call> calls = operatorCalls();
    assertThat(calls)
        .extracting(RbacAudit.Call::access)
        .as("the operator's calls were recorded, eviction's GraftedVirtualMachine list included")
        .contains(
            new RbacAudit.Access("create", "batch", "jobs"),
            new RbacAudit.Access("create", "cdi.kubevirt.io", "datavolumes"),
            new RbacAudit.Access("list", "graft.dev", "graftedvirtualmachines"),
            new RbacAudit.Access("watch", "", "secrets"));
    Map<String, RbacAudit> roles = new LinkedHashMap<>();
    for (JsonNode o : chart) {
      if (o.path("kind").asText().equals("Role")) {
        roles.put(o.at("/metadata/namespace").asText(), RbacAudit.fromRole(o));
      }
    }
    assertThat(roles).containsKeys(APPS, CATALOG);
    RbacAudit clusterRole =
        RbacAudit.fromRole(
            chart.stream()
                .filter(o -> o.path("kind").asText().equals("ClusterRole"))
                .filter(o -> o.at("/metadata/name").asText().equals("graft"))
                .findFirst()
                .orElseThrow());
    assertThat(RbacAudit.denied(calls, clusterRole, roles))
        .as("calls the scoped chart's Roles and ClusterRole do not allow")
        .isEmpty();
    // No verb on ClusterBaseImages that the operator does not use (config/rbac/role.yaml).
    Set<String> clusterImages = Set.of("clusterbaseimages", "clusterbaseimages/status");
    assertThat(
            RbacAudit.fromRole(Path.of("config/rbac/role.yaml"))
                .grantsOn("graft.dev", clusterImages))
        .as("grants on ClusterBaseImages")
        .containsExactlyInAnyOrderElementsOf(
            calls.stream()
                .map(RbacAudit.Call::access)
                .filter(a -> a.group().equals("graft.dev") && clusterImages.contains(a.resource()))
                .collect(java.util.stream.Collectors.toSet()));
  }

  static List<JsonNode> render(Map<String, Object> values) throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Path file = Files.createTempFile("graft-values", ".yaml");
    file.toFile().deleteOnExit();
    yaml.writeValue(file.toFile(), values);
    String text =
        new Helm(Path.of("helm/graft"))
            .template()
            .withName("graft")
            .withNamespace("graft-system")
            .withKubeVersion("1.30.0")
            .withValuesFile(file)
            .call();
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = yaml.getFactory().createParser(text)) {
      var it = yaml.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  static Map<String, String> env(List<JsonNode> chart) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode o : chart) {
      if (o.path("kind").asText().equals("Deployment")) {
        for (JsonNode e : o.at("/spec/template/spec/containers/0/env")) {
          env.put(e.path("name").asText(), e.path("value").asText());
        }
      }
    }
    return env;
  }

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

  private List<RbacAudit.Call> operatorCalls() throws InterruptedException {
    List<RbacAudit.Call> calls = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.getKubernetesMockServer().takeRequest(200, TimeUnit.MILLISECONDS))
        != null) {
      String agent = request.getHeader("User-Agent");
      RbacAudit.Call call = RbacAudit.call(request.getMethod(), request.getPath());
      // %test.quarkus.operator-sdk.crd.apply loads the CRDs into the mock server; a real
      // operator does not (and may not) create CRDs
      boolean testCrdApply =
          call.access()
              .equals(
                  new RbacAudit.Access(
                      "create", "apiextensions.k8s.io", "customresourcedefinitions"));
      if ((agent == null || !agent.contains(TESTER)) && !testCrdApply) {
        calls.add(call);
      }
    }
    return calls;
  }
}
