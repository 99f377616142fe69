package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Who may write ClusterBaseImages (issue 16, item 1), on a real API server with the chart's RBAC
 * and a real ClusterRole aggregation controller: a user with the {@code edit} role, bound in a
 * namespace or cluster-wide, may read ClusterBaseImages but not create, change or delete one; a
 * cluster admin may. The operator, with the chart's rights only, reconciles it (this tier has no
 * shared catalog, so it says NoCatalogNamespace).
 */
@QuarkusTest
@TestProfile(RealClusterProfile.class)
@Tag(RealClusterProfile.TAG)
class ClusterBaseImageAccessTest {
  private static KubernetesClient admin;

  @BeforeAll
  static void cluster() {
    admin = RealCluster.setUp().adminClient();
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  private static KubernetesClient as(String user) {
    // Impersonated without groups: the API server adds system:authenticated, as for a real login.
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(admin.getConfiguration()).withImpersonateUsername(user).build())
        .build();
  }

  static ClusterBaseImage image(String name, String os) {
    ClusterBaseImage cbi = new ClusterBaseImage();
    cbi.getMetadata().setName(name);
    cbi.setSpec(new BaseImage.Spec());
    cbi.getSpec().os = os;
    cbi.getSpec().source = new ImageSource();
    cbi.getSpec().source.pvc = new ImageSource.PvcRef("os-images", name + "-disk");
    return cbi;
  }

  @Test
  void usersWithTheEditRoleReadClusterBaseImagesButOnlyAdminsWriteThem() {
    String ns = "cbi-team";
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    // alice: edit in her namespace (a RoleBinding); bob: edit everywhere (a ClusterRoleBinding).
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("alice-edit")
                .withNamespace(ns)
                .endMetadata()
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName("alice")
                .endSubject()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("edit")
                .endRoleRef()
                .build())
        .create();
    admin
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("cbi-bob-edit")
                .endMetadata()
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName("bob")
                .endSubject()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("edit")
                .endRoleRef()
                .build())
        .create();
    // The chart's viewer role is aggregated into view, edit and admin.
    for (String role : new String[] {"view", "edit", "admin"}) {
      Fleets.until(
          admin,
          ns,
          () ->
              admin.rbac().clusterRoles().withName(role).get().getRules().stream()
                  .anyMatch(
                      r ->
                          r.getResources().contains("clusterbaseimages")
                              && r.getVerbs().containsAll(java.util.List.of("get", "list"))
                              && !r.getVerbs().contains("create")));
    }

    ClusterBaseImage cbi = image("cbi-ubuntu", "cbiaccess-1");
    admin.resource(cbi).create();
    for (String user : new String[] {"alice", "bob"}) {
      try (KubernetesClient client = as(user)) {
        assertThat(client.resources(ClusterBaseImage.class).list().getItems())
            .as("%s lists them", user)
            .extracting(c -> c.getMetadata().getName())
            .contains("cbi-ubuntu");
        assertThat(client.resources(ClusterBaseImage.class).withName("cbi-ubuntu").get())
            .as("%s reads one", user)
            .isNotNull();
        assertThatThrownBy(() -> client.resource(image(user + "-own", "cbiaccess-2")).create())
            .as("%s creates one", user)
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(
                () ->
                    client
                        .resources(ClusterBaseImage.class)
                        .withName("cbi-ubuntu")
                        .edit(
                            c -> {
                              c.getSpec().source.pvc = new ImageSource.PvcRef("x", "y");
                              return c;
                            }))
            .as("%s changes one", user)
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(
                () -> client.resources(ClusterBaseImage.class).withName("cbi-ubuntu").delete())
            .as("%s deletes one", user)
            .isInstanceOfSatisfying(
                KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      }
    }
    // The operator (the chart's ServiceAccount) watches it cluster-wide and writes its status.
    Fleets.until(
        admin,
        ns,
        () -> {
          var status = admin.resource(cbi).get().getStatus();
          return status != null
              && status.phase == Phase.Failed
              && status.conditions.stream()
                  .anyMatch(c -> "NoCatalogNamespace".equals(c.getReason()));
        });
  }
}
