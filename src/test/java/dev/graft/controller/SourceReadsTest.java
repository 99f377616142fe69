package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.controller.base.SourceObject;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/**
 * What the BaseImage reads by name from the API server: a PVC's uid and resourceVersion; nothing
 * for a 404 (also: no VolumeSnapshot API installed); for a 403 (a namespace the operator does not
 * watch under a scoped install), a refusal naming the resource and namespace instead of an error.
 */
@EnableKubernetesMockClient
class SourceReadsTest {
  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void foundMissingAndForbiddenAreToldApart() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/os-images/persistentvolumeclaims/fedora")
        .andReturn(
            200,
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("fedora")
                .withNamespace("os-images")
                .withUid("uid-1")
                .withResourceVersion("42")
                .endMetadata()
                .build())
        .always();
    server
        .expect()
        .get()
        .withPath(
            "/apis/snapshot.storage.k8s.io/v1/namespaces/os-images/volumesnapshots/fedora-snap")
        .andReturn(404, new StatusBuilder().withCode(404).build())
        .always();
    server
        .expect()
        .get()
        .withPath("/apis/cdi.kubevirt.io/v1beta1/namespaces/elsewhere/datasources/fedora")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").build())
        .always();
    SourceReads reads = new SourceReads(client);

    assertThat(reads.get("pvc", "os-images", "fedora"))
        .isEqualTo(SourceObject.found("uid-1", "42"));
    assertThat(reads.get("snapshot", "os-images", "fedora-snap")).isEqualTo(SourceObject.MISSING);
    var ds = reads.dataSource("elsewhere", "fedora");
    assertThat(ds.dataSource()).isNull();
    assertThat(ds.polled()).isTrue();
    assertThat(ds.problem())
        .isEqualTo(
            "the operator may not get datasources.cdi.kubevirt.io in namespace elsewhere"
                + " (forbidden): add the namespace to watchNamespaces or grant it there");
  }
}
