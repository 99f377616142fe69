package dev.graft.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's client reads objects without managedFields and kubectl's last-applied record, in
 * its informer caches as in a GET; every other annotation, and everything else, is kept.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReadPruningTest {
  private static final String NS = "read-pruning";

  @Inject KubernetesClient client;

  /** A ConfigMap as kubectl apply leaves it on a real API server. */
  static ConfigMap applied(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .addToLabels("graft.dev/files", "true")
        .addToAnnotations(ReadPruning.KUBECTL_LAST_APPLIED, "{\"data\":{\"motd\":\"hello\"}}")
        .addToAnnotations("graft.dev/note", "kept")
        .withManagedFields(
            new ManagedFieldsEntryBuilder()
                .withManager("kubectl-client-side-apply")
                .withOperation("Update")
                .withApiVersion("v1")
                .build())
        .endMetadata()
        .withData(Map.of("motd", "hello"))
        .build();
  }

  @Test
  void theMapperLeavesOutManagedFieldsAndKubectlsRecordOnly() {
    KubernetesSerialization plain = new KubernetesSerialization();
    KubernetesSerialization pruning =
        new KubernetesSerialization(ReadPruning.apply(new ObjectMapper()), true);
    String json = plain.asJson(applied("motd"));
    assertThat(json).contains("managedFields", ReadPruning.KUBECTL_LAST_APPLIED);

    ConfigMap read = pruning.unmarshal(json, ConfigMap.class);

    assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(read.getMetadata().getAnnotations())
        .containsExactly(Map.entry("graft.dev/note", "kept"));
    assertThat(read.getMetadata().getLabels()).containsEntry("graft.dev/files", "true");
    assertThat(read.getMetadata().getAdditionalProperties()).isEmpty();
    assertThat(read.getData()).containsEntry("motd", "hello");
    // Written back, neither field is sent (an update would leave managedFields as they are).
    assertThat(pruning.asJson(read)).doesNotContain("managedFields", "last-applied-configuration");
  }

  @Test
  void theOperatorsClientAndItsInformersReadThemPruned() {
    try (KubernetesClient other =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
      other.resource(applied("motd")).create();
      // The test server keeps what was sent: another client reads both fields back.
      ConfigMap unpruned = other.configMaps().inNamespace(NS).withName("motd").get();
      assertThat(unpruned.getMetadata().getManagedFields()).isNotEmpty();
      assertThat(unpruned.getMetadata().getAnnotations())
          .containsKey(ReadPruning.KUBECTL_LAST_APPLIED);

      ConfigMap got = client.configMaps().inNamespace(NS).withName("motd").get();
      assertThat(got.getMetadata().getManagedFields()).isNullOrEmpty();
      // Short strings are shared between reads (SharedStrings), also registered on this client.
      assertThat(client.configMaps().inNamespace(NS).withName("motd").get().getData().get("motd"))
          .isSameAs(got.getData().get("motd"));
      assertThat(got.getMetadata().getAnnotations())
          .containsExactly(Map.entry("graft.dev/note", "kept"));

      try (SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(NS).inform()) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> informer.getStore().getByKey(NS + "/motd") != null);
        ConfigMap cached = informer.getStore().getByKey(NS + "/motd");
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cached.getMetadata().getAnnotations())
            .containsExactly(Map.entry("graft.dev/note", "kept"));
        assertThat(cached.getData()).containsEntry("motd", "hello");
      }
    }
  }
}
