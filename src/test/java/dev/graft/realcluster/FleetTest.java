package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.ImageSource;
import dev.graft.api.StorageSpec;
import dev.graft.api.VirtualMachineTemplate;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator (the application's, as the chart's ServiceAccount) on the real control plane: the
 * sample fleet reaches Ready with the real Job controller running the injection Jobs, and the real
 * garbage collector cleans up after deletions. ClusterSimulator plays CDI only; {@link Kubelet}
 * plays the node.
 */
@QuarkusTest
@TestProfile(RealClusterProfile.class)
@Tag(RealClusterProfile.TAG)
class FleetTest {
  private static KubernetesClient admin;
  private static ClusterSimulator cdi;
  private static Kubelet kubelet;

  @BeforeAll
  static void cluster() {
    admin = RealCluster.setUp().adminClient();
    cdi = ClusterSimulator.cdiOnly(admin).start();
    kubelet = new Kubelet(admin);
    Fleets.dataSources(admin);
  }

  @AfterAll
  static void close() {
    kubelet.close();
    cdi.close();
    admin.close();
  }

  @Test
  void theSampleFleetReachesReadyWithTheRealJobController() {
    String ns = "fleet";
    List<List<HasMetadata>> waves = Fleets.waves(admin, ns);
    int vms = 0;
    for (List<HasMetadata> wave : waves) {
      Fleets.apply(admin, wave);
      vms += (int) wave.stream().filter(o -> "GraftedVirtualMachine".equals(o.getKind())).count();
      int want = vms;
      Fleets.until(admin, ns, () -> Fleets.allReady(admin, ns, want));
    }
    assertThat(vms).isEqualTo(17);
    Fleets.assertBuiltOnce(admin, ns);
    // Every Job's Pod was created by the Job controller and run by the simulated kubelet.
    for (Job job : admin.batch().v1().jobs().inNamespace(ns).list().getItems()) {
      assertThat(kubelet.ran())
          .as("Pods of Job " + job.getMetadata().getName())
          .anyMatch(p -> p.startsWith(ns + "/" + job.getMetadata().getName() + "-"));
    }
    // The second wave was served from the cache.
    assertThat(Fleets.gvms(admin, ns))
        .filteredOn(g -> List.of("web-prod-4", "db-prod-3").contains(g.getMetadata().getName()))
        .allMatch(g -> Boolean.TRUE.equals(g.getStatus().cacheHit));
  }

  @Test
  void aPodThatFailsFailsTheJobThroughTheJobControllerAndTheImage() {
    String ns = "pod-failure";
    namespace(ns);
    kubelet.outcome(
        pod ->
            ns.equals(pod.getMetadata().getNamespace())
                ? Kubelet.Outcome.FAIL
                : Kubelet.Outcome.SUCCEED);
    try {
      admin.resource(baseImage(ns)).create();
      admin.resource(gvm(ns, "broken", FileSpec.inline("/etc/motd", "hello"))).create();
      GoldenImage derived = Fleets.untilBuildFailed(admin, ns, "broken");
      // graft.build.max-attempts=2: two Jobs, each failed by the Job controller after its
      // backoffLimit of Pod failures.
      List<Job> jobs = admin.batch().v1().jobs().inNamespace(ns).list().getItems();
      assertThat(jobs).hasSize(2);
      for (Job job : jobs) {
        assertThat(job.getStatus().getConditions())
            .anyMatch(
                c ->
                    "Failed".equals(c.getType())
                        && "True".equals(c.getStatus())
                        && "BackoffLimitExceeded".equals(c.getReason()));
        assertThat(job.getStatus().getFailed()).isEqualTo(job.getSpec().getBackoffLimit() + 1);
      }
      assertThat(derived.getStatus().conditions.toString()).contains("BackoffLimitExceeded");
    } finally {
      kubelet.outcome(pod -> Kubelet.Outcome.SUCCEED);
    }
  }

  /**
   * Issue 13 on the real API server: an owner given by name is admitted by the CRDs' schema
   * (GraftedVirtualMachine and GoldenImage) and kept as written; when the injector's container
   * fails with its reason as termination message, that reason, not the Job controller's
   * BackoffLimitExceeded, is the image's; the clone is discarded and nothing is Ready.
   */
  @Test
  void theInjectorsTerminationMessageIsTheImagesReason() {
    String ns = "injector-message";
    namespace(ns);
    String reason = "files[0].owner: no user \"nginx\" in /etc/passwd of the image";
    kubelet.outcome(
        pod ->
            ns.equals(pod.getMetadata().getNamespace())
                ? Kubelet.Outcome.FAIL
                : Kubelet.Outcome.SUCCEED);
    kubelet.failureMessage("graft: " + reason + " " + ns + "/img\n");
    try {
      admin.resource(baseImage(ns)).create();
      FileSpec conf = FileSpec.inline("/etc/nginx/nginx.conf", "worker_processes 1;");
      conf.owner = "nginx:nginx";
      admin.resource(gvm(ns, "named", conf)).create();
      GoldenImage derived = Fleets.untilBuildFailed(admin, ns, "named");
      assertThat(derived.getSpec().files)
          .singleElement()
          .satisfies(e -> assertThat(e.owner).isEqualTo("nginx:nginx"));
      String message =
          derived.getStatus().conditions.stream()
              .filter(c -> "Ready".equals(c.getType()))
              .findFirst()
              .orElseThrow()
              .getMessage();
      assertThat(message).contains(reason).doesNotContain("BackoffLimitExceeded");
      String image = derived.getMetadata().getName();
      Fleets.until(
          admin,
          ns,
          () -> admin.resources(DataVolume.class).inNamespace(ns).withName(image).get() == null);
    } finally {
      kubelet.failureMessage(null);
      kubelet.outcome(pod -> Kubelet.Outcome.SUCCEED);
    }
  }

  @Test
  void deletionsAreCleanedUpByTheRealGarbageCollector() {
    String ns = "gc";
    namespace(ns);
    admin.resource(baseImage(ns)).create();
    admin.resource(gvm(ns, "one", FileSpec.inline("/etc/motd", "hello"))).create();
    Fleets.until(admin, ns, () -> Fleets.allReady(admin, ns, 1));
    var vm = admin.resources(VirtualMachine.class).inNamespace(ns).withName("one").get();
    assertThat(vm).isNotNull();

    // The VirtualMachine goes with its GraftedVirtualMachine: the garbage collector follows the
    // controller reference (the operator has no delete rule of its own for it).
    admin.resources(GraftedVirtualMachine.class).inNamespace(ns).withName("one").delete();
    Fleets.until(
        admin,
        ns,
        () -> admin.resources(VirtualMachine.class).inNamespace(ns).withName("one").get() == null);

    // Deleting the built GoldenImage: Graft's finalizer lets it go (nothing builds from it), then
    // the garbage collector deletes its Job, ConfigMaps and DataVolume through their owner
    // references; the operator's RBAC has no delete on Jobs or ConfigMaps.
    GoldenImage derived =
        admin.resources(GoldenImage.class).inNamespace(ns).list().getItems().stream()
            .filter(gi -> gi.getSpec().parent != null)
            .findFirst()
            .orElseThrow();
    String name = derived.getMetadata().getName();
    assertThat(ClusterSimulator.buildObjects(admin, ns))
        .anyMatch(o -> name.equals(o.getMetadata().getLabels().get(Labels.GOLDEN_IMAGE)));
    admin.resource(derived).delete();
    Fleets.until(
        admin,
        ns,
        () ->
            admin.resources(GoldenImage.class).inNamespace(ns).withName(name).get() == null
                && ClusterSimulator.buildObjects(admin, ns)
                    .noneMatch(
                        o -> name.equals(o.getMetadata().getLabels().get(Labels.GOLDEN_IMAGE))));
    assertThat(admin.resources(DataVolume.class).inNamespace(ns).withName(name).get()).isNull();
  }

  /**
   * On the real API server, whose KubeVirt CRD (the upstream schema) prunes what it does not know:
   * the rich sample's VM keeps every field the user wrote; a template edit is patched in, a dropped
   * field goes, another writer's field and the data disk stay.
   */
  @Test
  void aRichVirtualMachineReachesTheRealServerWholeAndEditsArePatchedIn() throws Exception {
    String ns = "rich";
    namespace(ns);
    admin.resource(baseImage(ns)).create();
    GraftedVirtualMachine rich = dev.graft.kubevirt.RichSample.gvm();
    rich.getMetadata().setNamespace(ns);
    rich.getMetadata().setUid(null);
    admin.resource(rich).create();
    Fleets.until(admin, ns, () -> Fleets.allReady(admin, ns, 1));
    VirtualMachine vm =
        admin.resources(VirtualMachine.class).inNamespace(ns).withName("web-rich").get();
    String root = vm.getSpec().template.spec.volumes.get(0).dataVolume.name;
    var mapper = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> spec = mapper.convertValue(vm.getSpec(), java.util.Map.class);
    dev.graft.kubevirt.RichSample.withoutRootDisk(spec, "rootdisk", root);
    com.fasterxml.jackson.databind.JsonNode stored = mapper.valueToTree(spec);
    com.fasterxml.jackson.databind.JsonNode wrote =
        mapper.valueToTree(rich.getSpec().virtualMachineTemplate.spec);
    assertThat(stored).isEqualTo(wrote);

    admin
        .resources(VirtualMachine.class)
        .inNamespace(ns)
        .withName("web-rich")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"template\":{\"spec\":{\"domain\":{\"firmware\":{\"serial\":\"abc\"}}}}}}");
    admin
        .resources(GraftedVirtualMachine.class)
        .inNamespace(ns)
        .withName("web-rich")
        .edit(
            g -> {
              g.getSpec().virtualMachineTemplate.metadata.labels.put("release", "2");
              @SuppressWarnings("unchecked")
              var template =
                  (java.util.Map<String, Object>)
                      g.getSpec().virtualMachineTemplate.spec.get("template");
              @SuppressWarnings("unchecked")
              var vmi = (java.util.Map<String, Object>) template.get("spec");
              vmi.remove("tolerations");
              return g;
            });
    Fleets.until(
        admin,
        ns,
        () ->
            "2"
                .equals(
                    admin
                        .resources(VirtualMachine.class)
                        .inNamespace(ns)
                        .withName("web-rich")
                        .get()
                        .getMetadata()
                        .getLabels()
                        .get("release")));
    VirtualMachine edited =
        admin.resources(VirtualMachine.class).inNamespace(ns).withName("web-rich").get();
    assertThat(edited.getSpec().template.spec.unmodelled()).doesNotContainKey("tolerations");
    assertThat(edited.getSpec().template.spec.domain.unmodelled()).containsKey("firmware");
    assertThat(edited.getSpec().dataVolumeTemplates.get(0).metadata.name)
        .isEqualTo("web-rich-data");
    assertThat(edited.getSpec().template.spec.volumes).hasSize(3);
  }

  static void namespace(String ns) {
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
  }

  static BaseImage baseImage(String ns) {
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName("fedora-40");
    bi.getMetadata().setNamespace(ns);
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = "fedora-40";
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.http = new ImageSource.Url("https://images.example.org/fedora-40.qcow2");
    bi.getSpec().storage = new StorageSpec();
    bi.getSpec().storage.size = "8Gi";
    return bi;
  }

  static GraftedVirtualMachine gvm(String ns, String name, FileSpec... files) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.getMetadata().setName(name);
    gvm.getMetadata().setNamespace(ns);
    gvm.setSpec(new GraftedVirtualMachine.Spec());
    gvm.getSpec().os = "fedora-40";
    gvm.getSpec().files = new java.util.ArrayList<>(List.of(files));
    gvm.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(1, "1Gi");
    return gvm;
  }
}
