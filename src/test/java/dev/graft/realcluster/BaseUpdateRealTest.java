package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.api.SourceRef;
import dev.graft.api.StorageSpec;
import dev.graft.api.VirtualMachineTemplate;
import dev.graft.build.Manifest;
import dev.graft.catalog.BaseGenerations;
import dev.graft.k8s.Conditions;
import dev.graft.kubevirt.DataVolume;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A base update on the real control plane, the operator as the chart's ServiceAccount: a CDI
 * DataImportCron (played by the simulator) moves the DataSource a BaseImage follows to a new PVC;
 * the operator sees it through its DataSource informer, imports generation 2 from that PVC, marks
 * the old images Outdated and rebuilds both requests on the new base with the real Job controller.
 */
@QuarkusTest
@TestProfile(RealClusterProfile.class)
@Tag(RealClusterProfile.TAG)
class BaseUpdateRealTest {
  private static KubernetesClient admin;
  private static ClusterSimulator cdi;
  private static Kubelet kubelet;

  @BeforeAll
  static void cluster() {
    admin = RealCluster.setUp().adminClient();
    cdi = ClusterSimulator.cdiOnly(admin).start();
    kubelet = new Kubelet(admin);
  }

  @AfterAll
  static void close() {
    kubelet.close();
    cdi.close();
    admin.close();
  }

  @Test
  void aDataImportCronUpdateRebuildsTheRequestsOnTheNewBase() {
    String ns = "base-update";
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    cdi.importCronUpdate(ns, "fedora", "fedora-3f1a2b");
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName("fedora");
    bi.getMetadata().setNamespace(ns);
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = "fedora-40";
    bi.getSpec().sourceRef = new SourceRef();
    bi.getSpec().sourceRef.name = "fedora";
    bi.getSpec().storage = new StorageSpec();
    bi.getSpec().storage.size = "8Gi";
    admin.resource(bi).create();
    admin.resource(gvm(ns, "a", "/etc/a")).create();
    admin.resource(gvm(ns, "b", "/etc/b")).create();
    Fleets.until(admin, ns, () -> Fleets.allReady(admin, ns, 2));
    List<String> before = images(ns).stream().map(gi -> gi.getMetadata().getName()).toList();
    assertThat(before).hasSize(3);

    cdi.importCronUpdate(ns, "fedora", "fedora-9c8d7e");

    Fleets.until(
        admin,
        ns,
        () ->
            Fleets.allReady(admin, ns, 2)
                && Fleets.gvms(admin, ns).stream()
                    .allMatch(
                        g ->
                            Integer.valueOf(2).equals(g.getStatus().baseGeneration)
                                && imageReady(ns, g.getStatus().image)));
    String base2 = Manifest.baseImageName("fedora-40", 2);
    DataVolume dv = admin.resources(DataVolume.class).inNamespace(ns).withName(base2).get();
    assertThat(dv.getSpec().source.pvc.name).isEqualTo("fedora-9c8d7e");
    for (GraftedVirtualMachine g : Fleets.gvms(admin, ns)) {
      GoldenImage gi =
          admin.resources(GoldenImage.class).inNamespace(ns).withName(g.getStatus().image).get();
      assertThat(BaseGenerations.of(gi)).isEqualTo(2);
      assertThat(gi.getSpec().parent).isEqualTo(base2);
      assertThat(gi.getStatus().phase).isEqualTo(Phase.Ready);
    }
    Fleets.until(
        admin,
        ns,
        () ->
            before.stream()
                    .allMatch(
                        n ->
                            Conditions.isTrue(
                                admin
                                    .resources(GoldenImage.class)
                                    .inNamespace(ns)
                                    .withName(n)
                                    .get()
                                    .getStatus(),
                                Conditions.OUTDATED))
                && Integer.valueOf(3)
                    .equals(
                        admin
                            .resources(BaseImage.class)
                            .inNamespace(ns)
                            .withName("fedora")
                            .get()
                            .getStatus()
                            .outdatedImages));
  }

  /**
   * A halted VM's GVM reads Ready (its VM is Stopped, as asked) while its new image is still being
   * built: the rebuild is over once the images are Ready too.
   */
  private boolean imageReady(String ns, String name) {
    GoldenImage gi = admin.resources(GoldenImage.class).inNamespace(ns).withName(name).get();
    return gi != null && gi.getStatus() != null && gi.getStatus().phase == Phase.Ready;
  }

  private List<GoldenImage> images(String ns) {
    return admin.resources(GoldenImage.class).inNamespace(ns).list().getItems();
  }

  private static GraftedVirtualMachine gvm(String ns, String name, String path) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.getMetadata().setName(name);
    gvm.getMetadata().setNamespace(ns);
    gvm.setSpec(new GraftedVirtualMachine.Spec());
    gvm.getSpec().os = "fedora-40";
    gvm.getSpec().files = new java.util.ArrayList<>(List.of(FileSpec.inline(path, name)));
    gvm.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(1, "1Gi");
    // Halted: a new image becomes its root disk at once (a running VM under the default
    // updatePolicy RestartRequired would wait, not Ready, for a restart nobody makes here).
    gvm.getSpec().virtualMachineTemplate.spec.put("runStrategy", "Halted");
    return gvm;
  }
}
