package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions;
import dev.graft.kubevirt.RichSample;
import dev.graft.kubevirt.SchemaValidator;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The whole VirtualMachine on the mock API server, with the simulator playing CDI, the Jobs and
 * KubeVirt's virt-controller: a rich template reaches the VM; template edits are patched in without
 * touching fields others added or the data disk; a file edit moves a running VM to the new image at
 * its next restart and the request is not Ready meanwhile; an unschedulable VM is not Ready.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class VirtualMachineLifecycleTest {
  static ClusterSimulator simulator;

  @Inject KubernetesClient client;
  @Inject MeterRegistry registry;
  @KubernetesTestServer KubernetesServer server;

  @AfterAll
  static void stop() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  private void start(String ns) throws Exception {
    start(ns, null);
  }

  private ClusterSimulator simulator() {
    synchronized (VirtualMachineLifecycleTest.class) {
      if (simulator == null) {
        simulator = new ClusterSimulator(client).withVmDataVolumes().start();
      }
      return simulator;
    }
  }

  /** The rich sample in {@code ns}, with another run strategy when not null. */
  @SuppressWarnings("unchecked")
  private void start(String ns, String runStrategy) throws Exception {
    simulator();
    client.resource(baseImage(ns, "fedora", "fedora-40")).create();
    for (String doc : Files.readString(RichSample.FILE).split("(?m)^---$")) {
      if (doc.contains("kind: Secret")) {
        Secret s = Serialization.unmarshal(doc, Secret.class);
        s.getMetadata().setNamespace(ns);
        client.resource(s).create();
      }
    }
    GraftedVirtualMachine g = RichSample.gvm();
    if (runStrategy != null) {
      ((Map<String, Object>) g.getSpec().virtualMachineTemplate.spec)
          .put("runStrategy", runStrategy);
    }
    g.getMetadata().setNamespace(ns);
    g.getMetadata().setUid(null);
    client.resource(g).create();
  }

  private VirtualMachine vm(String ns) {
    return client.resources(VirtualMachine.class).inNamespace(ns).withName("web-rich").get();
  }

  private String reason(String ns, String type) {
    var c = Conditions.get(gvm(client, ns, "web-rich").getStatus(), type);
    return c == null ? null : c.getStatus() + "/" + c.getReason();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> vmi(GraftedVirtualMachine g) {
    var template = (Map<String, Object>) g.getSpec().virtualMachineTemplate.spec.get("template");
    return (Map<String, Object>) template.get("spec");
  }

  @Test
  void templateEditsReachTheVmAndLeaveOtherFieldsAndTheDataDiskAlone() throws Exception {
    String ns = "vm-edit";
    start(ns);
    until(client, ns, () -> ready(gvm(client, ns, "web-rich")));
    GraftedVirtualMachine g = gvm(client, ns, "web-rich");
    assertThat(g.getStatus().virtualMachine.printableStatus).isEqualTo("Running");
    assertThat(g.getStatus().virtualMachine.ready).isTrue();
    assertThat(reason(ns, Conditions.READY)).isEqualTo("True/Running");
    VirtualMachine vm = vm(ns);
    assertThat(SchemaValidator.virtualMachine(vm)).isEmpty();
    var dataDisk = Serialization.asJson(vm.getSpec().dataVolumeTemplates.get(0));
    assertThat(dataDisk).contains("web-rich-data");

    // Another writer adds a field Graft does not own, and an annotation.
    client
        .resources(VirtualMachine.class)
        .inNamespace(ns)
        .withName("web-rich")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"other.example/x\":\"1\"}},"
                + "\"spec\":{\"template\":{\"spec\":{\"domain\":{\"firmware\":{\"serial\":\"abc\"}}}}}}");

    // The user edits the template: a new label, another cloud-init, tolerations dropped.
    client
        .resources(GraftedVirtualMachine.class)
        .inNamespace(ns)
        .withName("web-rich")
        .edit(
            e -> {
              e.getSpec().virtualMachineTemplate.metadata.labels.put("release", "2");
              @SuppressWarnings("unchecked")
              var volumes = (List<Map<String, Object>>) vmi(e).get("volumes");
              volumes.get(1).put("cloudInitNoCloud", Map.of("userData", "#cloud-config\n"));
              vmi(e).remove("tolerations");
              return e;
            });
    until(client, ns, () -> "2".equals(vm(ns).getMetadata().getLabels().get("release")));
    VirtualMachine edited = vm(ns);
    String json = Serialization.asJson(edited);
    assertThat(json).contains("#cloud-config\\n\"").doesNotContain("runcmd");
    assertThat(edited.getSpec().template.spec.unmodelled()).doesNotContainKey("tolerations");
    assertThat(edited.getSpec().template.spec.domain.unmodelled()).containsKey("firmware");
    assertThat(edited.getMetadata().getAnnotations()).containsEntry("other.example/x", "1");
    assertThat(Serialization.asJson(edited.getSpec().dataVolumeTemplates.get(0)))
        .isEqualTo(dataDisk);
    assertThat(edited.getSpec().template.spec.unmodelled()).containsKey("accessCredentials");
    assertThat(SchemaValidator.virtualMachine(edited)).isEmpty();
  }

  @Test
  void aFileEditMovesARunningVmToTheNewImageAtItsNextRestart() throws Exception {
    String ns = "vm-files";
    start(ns);
    until(client, ns, () -> ready(gvm(client, ns, "web-rich")));
    String first = gvm(client, ns, "web-rich").getStatus().image;
    List<String> firstVolumes = simulator.runningVolumes(ns, "web-rich");
    double before = restartsRequired();

    client
        .resources(GraftedVirtualMachine.class)
        .inNamespace(ns)
        .withName("web-rich")
        .edit(
            e -> {
              e.getSpec().files = new ArrayList<>(e.getSpec().files);
              e.getSpec().files.add(FileSpec.inline("/etc/app/release", "2\n"));
              return e;
            });
    until(client, ns, () -> "True/RestartRequired".equals(reason(ns, Conditions.PROGRESSING)));
    GraftedVirtualMachine g = gvm(client, ns, "web-rich");
    String second = g.getStatus().image;
    assertThat(second).isNotEqualTo(first);
    assertThat(g.getStatus().phase).isNotEqualTo(Phase.Ready);
    assertThat(reason(ns, Conditions.READY)).startsWith("False/");
    assertThat(g.getStatus().virtualMachine.runningImage).isEqualTo(first);
    // The VM's spec names the new root disk; the running VM still has the old one.
    VirtualMachine vm = vm(ns);
    assertThat(vm.getSpec().template.spec.volumes.get(0).dataVolume.name)
        .isNotEqualTo(firstVolumes.get(0));
    assertThat(simulator.runningVolumes(ns, "web-rich")).isEqualTo(firstVolumes);
    assertThat(vm.getSpec().dataVolumeTemplates)
        .anySatisfy(t -> assertThat(t.metadata.name).isEqualTo("web-rich-data"));
    assertThat(restartsRequired()).isEqualTo(before + 1);
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RestartRequired"));

    // The old root disk stays while the running VM booted from it.
    String oldRoot = firstVolumes.get(0);
    String newRoot = vm.getSpec().template.spec.volumes.get(0).dataVolume.name;
    until(client, ns, () -> dataVolume(ns, newRoot) != null);
    Thread.sleep(500);
    assertThat(dataVolume(ns, oldRoot)).as("old root disk while the VM runs from it").isNotNull();

    simulator.restartVm(ns, "web-rich");
    until(client, ns, () -> ready(gvm(client, ns, "web-rich")));
    assertThat(gvm(client, ns, "web-rich").getStatus().virtualMachine.runningImage).isNull();
    assertThat(simulator.runningVolumes(ns, "web-rich").get(0)).isEqualTo(newRoot);
    // Restarted onto the new disk: the old one goes, the data disk and the new root stay.
    until(client, ns, () -> dataVolume(ns, oldRoot) == null);
    assertThat(dataVolume(ns, newRoot)).isNotNull();
    assertThat(dataVolume(ns, "web-rich-data")).isNotNull();
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(
            e ->
                assertThat(e.getReason() + " " + e.getMessage())
                    .startsWith("RootDiskDeleted DataVolume " + oldRoot));
  }

  @Test
  void aHaltedVmSwitchesDisksAndItsOldRootDiskGoesAtOnce() throws Exception {
    String ns = "vm-halted";
    start(ns, "Halted");
    until(client, ns, () -> ready(gvm(client, ns, "web-rich")));
    assertThat(gvm(client, ns, "web-rich").getStatus().virtualMachine.printableStatus)
        .isEqualTo("Stopped");
    String oldRoot = vm(ns).getSpec().template.spec.volumes.get(0).dataVolume.name;
    until(client, ns, () -> dataVolume(ns, oldRoot) != null);
    String first = gvm(client, ns, "web-rich").getStatus().image;
    client
        .resources(GraftedVirtualMachine.class)
        .inNamespace(ns)
        .withName("web-rich")
        .edit(
            e -> {
              e.getSpec().files = new ArrayList<>(e.getSpec().files);
              e.getSpec().files.add(FileSpec.inline("/etc/app/release", "4\n"));
              return e;
            });
    until(
        client,
        ns,
        () -> {
          GraftedVirtualMachine g = gvm(client, ns, "web-rich");
          return ready(g) && !first.equals(g.getStatus().image);
        });
    String newRoot = vm(ns).getSpec().template.spec.volumes.get(0).dataVolume.name;
    assertThat(newRoot).isNotEqualTo(oldRoot);
    assertThat(gvm(client, ns, "web-rich").getStatus().virtualMachine.runningImage).isNull();
    until(client, ns, () -> dataVolume(ns, oldRoot) == null);
    assertThat(dataVolume(ns, "web-rich-data")).isNotNull();
    until(client, ns, () -> dataVolume(ns, newRoot) != null);
  }

  @Test
  void onWaitForFirstConsumerStorageTheVmsOwnPodBindsItsDisks() throws Exception {
    String ns = "vm-wffc";
    simulator().waitForFirstConsumer(true);
    try {
      start(ns);
      until(client, ns, () -> ready(gvm(client, ns, "web-rich")));
    } finally {
      simulator.waitForFirstConsumer(false);
    }
    // The VM's disks do not ask to bind at once (its virt-launcher pod consumes them); the
    // builds' do (nothing else would ever consume them). All are filled.
    String root = vm(ns).getSpec().template.spec.volumes.get(0).dataVolume.name;
    for (var dv :
        client.resources(dev.graft.kubevirt.DataVolume.class).inNamespace(ns).list().getItems()) {
      String name = dv.getMetadata().getName();
      boolean vmDisk = name.equals(root) || name.equals("web-rich-data");
      var annotations = dv.getMetadata().getAnnotations();
      assertThat(
              annotations != null
                  && "true".equals(annotations.get(dev.graft.kubevirt.DataVolumes.BIND_IMMEDIATE)))
          .as(name)
          .isEqualTo(!vmDisk);
      assertThat(dv.succeeded()).as(name).isTrue();
    }
    assertThat(simulator.waitingForConsumer()).noneMatch(k -> k.startsWith(ns + "/"));
  }

  private dev.graft.kubevirt.DataVolume dataVolume(String ns, String name) {
    return client
        .resources(dev.graft.kubevirt.DataVolume.class)
        .inNamespace(ns)
        .withName(name)
        .get();
  }

  @Test
  void withUpdatePolicyAutomaticAFileEditRestartsTheVmOntoTheNewImageOnce() throws Exception {
    String ns = "vm-auto";
    AtomicInteger restarts = new AtomicInteger();
    // Whether the VM's new root disk had been filled by CDI when Graft asked for the restart.
    List<Boolean> rootDiskReadyAtRestart = new java.util.concurrent.CopyOnWriteArrayList<>();
    // KubeVirt's restart subresource (virtctl restart), which the mock server does not serve.
    server
        .expect()
        .put()
        .withPath(
            "/apis/subresources.kubevirt.io/v1/namespaces/"
                + ns
                + "/virtualmachines/web-rich/restart")
        .andReply(
            200,
            request -> {
              restarts.incrementAndGet();
              CompletableFuture.runAsync(
                  () -> {
                    String root = vm(ns).getSpec().template.spec.volumes.get(0).dataVolume.name;
                    var disk = dataVolume(ns, root);
                    rootDiskReadyAtRestart.add(disk != null && disk.succeeded());
                    simulator.restartVm(ns, "web-rich");
                  });
              return "";
            })
        .always();
    start(ns);
    until(client, ns, () -> ready(gvm(client, ns, "web-rich")));
    String first = gvm(client, ns, "web-rich").getStatus().image;
    // The new root disk takes a while: CDI's pod fails twice before it succeeds.
    simulator.failClones(
        dv ->
            ns.equals(dv.getMetadata().getNamespace())
                && dv.getMetadata().getLabels() != null
                && dv.getMetadata().getLabels().containsKey(dev.graft.k8s.Labels.ROOT_DISK_OF),
        2);
    client
        .resources(GraftedVirtualMachine.class)
        .inNamespace(ns)
        .withName("web-rich")
        .edit(
            e -> {
              e.getSpec().updatePolicy = GraftedVirtualMachine.UpdatePolicy.Automatic;
              e.getSpec().files = new ArrayList<>(e.getSpec().files);
              e.getSpec().files.add(FileSpec.inline("/etc/app/release", "3\n"));
              return e;
            });
    until(
        client,
        ns,
        () -> {
          GraftedVirtualMachine g = gvm(client, ns, "web-rich");
          return ready(g) && !first.equals(g.getStatus().image);
        });
    VirtualMachine vm = vm(ns);
    assertThat(simulator.runningVolumes(ns, "web-rich").get(0))
        .isEqualTo(vm.getSpec().template.spec.volumes.get(0).dataVolume.name);
    assertThat(restarts.get()).isEqualTo(1);
    assertThat(rootDiskReadyAtRestart).containsExactly(true);
    simulator.stopFailingClones();
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Restarting"));
  }

  @Test
  void anUnschedulableVmIsNotReadyAndSaysWhy() throws Exception {
    String ns = "vm-unschedulable";
    start(ns);
    until(client, ns, () -> ready(gvm(client, ns, "web-rich")));
    simulator.unschedulableVms(vm -> ns.equals(vm.getMetadata().getNamespace()));
    try {
      until(client, ns, () -> "True/ErrorUnschedulable".equals(reason(ns, Conditions.DEGRADED)));
      GraftedVirtualMachine g = gvm(client, ns, "web-rich");
      assertThat(reason(ns, Conditions.READY)).startsWith("False/");
      assertThat(g.getStatus().virtualMachine.printableStatus).isEqualTo("ErrorUnschedulable");
      assertThat(Conditions.get(g.getStatus(), Conditions.DEGRADED).getMessage())
          .contains("Insufficient memory");
    } finally {
      simulator.unschedulableVms(vm -> false);
    }
    until(client, ns, () -> ready(gvm(client, ns, "web-rich")));
  }

  private double restartsRequired() {
    var c = registry.find("graft.vm.restart.required").tag("os", "fedora-40").counter();
    return c == null ? 0 : c.count();
  }
}
