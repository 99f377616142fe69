package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import dev.graft.controller.BaseImageReconciler;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * No confused deputy (issue 16): Graft's ServiceAccount may clone from every namespace, yet a
 * BaseImage imports from another namespace only when its own ServiceAccount may create
 * datavolumes/source there. Real RBAC answers the SubjectAccessReview, and the operator runs with
 * the chart's rights (which must include creating SubjectAccessReviews).
 */
@QuarkusTest
@TestProfile(RealClusterProfile.class)
@Tag(RealClusterProfile.TAG)
class SourcePermissionTest {
  private static KubernetesClient admin;

  @BeforeAll
  static void cluster() {
    admin = RealCluster.setUp().adminClient();
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  @Test
  void aSourceInAnotherNamespaceNeedsTheServiceAccountsClonePermissionThere() {
    String tenant = "perm-tenant";
    String victim = "perm-victim";
    for (String ns : new String[] {tenant, victim}) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    admin
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("importer")
                .withNamespace(tenant)
                .endMetadata()
                .build())
        .create();
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName("stolen");
    bi.getMetadata().setNamespace(tenant);
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = "permtest-1";
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.pvc = new ImageSource.PvcRef(victim, "their-disk");
    admin.resource(bi).create();
    assertThat(admin.resource(bi).get().getSpec().serviceAccountName)
        .as("the CRD's default")
        .isEqualTo("default");

    Fleets.until(admin, tenant, () -> reason(bi).equals("SourceNotPermitted"));
    assertThat(admin.resource(bi).get().getStatus().phase).isEqualTo(Phase.Failed);
    assertThat(condition(bi).getMessage()).contains(tenant + "/default", victim);
    String image = BaseImageReconciler.imageName("permtest-1");
    assertThat(admin.resources(GoldenImage.class).inNamespace(tenant).withName(image).get())
        .as("nothing imported")
        .isNull();

    // The victim namespace's owner grants its clones to the tenant's importer, as for CDI.
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("datavolume-cloner")
                .withNamespace(victim)
                .endMetadata()
                .addNewRule()
                .withApiGroups("cdi.kubevirt.io")
                .withResources("datavolumes/source")
                .withVerbs("create")
                .endRule()
                .build())
        .create();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("tenant-importer")
                .withNamespace(victim)
                .endMetadata()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("importer")
                .withNamespace(tenant)
                .endSubject()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName("datavolume-cloner")
                .endRoleRef()
                .build())
        .create();
    // The default ServiceAccount still may not: still refused, after a new look.
    admin
        .resource(bi)
        .edit(
            b -> {
              b.getSpec().storage = new dev.graft.api.StorageSpec();
              b.getSpec().storage.size = "9Gi";
              return b;
            });
    Fleets.until(
        admin,
        tenant,
        () ->
            admin.resource(bi).get().getStatus().observedGeneration != null
                && admin.resource(bi).get().getStatus().observedGeneration == 2
                && reason(bi).equals("SourceNotPermitted"));
    // The granted ServiceAccount may.
    admin
        .resource(bi)
        .edit(
            b -> {
              b.getSpec().serviceAccountName = "importer";
              return b;
            });
    Fleets.until(
        admin,
        tenant,
        () -> admin.resources(GoldenImage.class).inNamespace(tenant).withName(image).get() != null);
    GoldenImage gi = admin.resources(GoldenImage.class).inNamespace(tenant).withName(image).get();
    assertThat(gi.getSpec().source.pvc.namespace).isEqualTo(victim);
    assertThat(gi.getSpec().baseImage).isEqualTo(tenant + "/stolen");
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(BaseImage bi) {
    var status = admin.resource(bi).get().getStatus();
    if (status == null) {
      return null;
    }
    return status.conditions.stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElse(null);
  }

  private static String reason(BaseImage bi) {
    var c = condition(bi);
    return c == null || c.getReason() == null ? "" : c.getReason();
  }
}
