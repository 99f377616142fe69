package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import dev.graft.api.StorageSpec;
import dev.graft.api.VirtualMachineTemplate;
import dev.graft.build.InjectionJobs;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.SchemaValidator;
import dev.graft.kubevirt.VirtualMachine;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Builders for test resources, and checks shared by the workflow tests. */
final class Fixtures {
  private Fixtures() {}

  static BaseImage baseImage(String ns, String name, String os) {
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName(name);
    bi.getMetadata().setNamespace(ns);
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = os;
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.http = new ImageSource.Url("https://images.example.org/" + os + ".qcow2");
    bi.getSpec().storage = new StorageSpec();
    bi.getSpec().storage.size = "8Gi";
    return bi;
  }

  static GraftedVirtualMachine gvm(String ns, String name, String os, FileSpec... files) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.getMetadata().setName(name);
    gvm.getMetadata().setNamespace(ns);
    gvm.setSpec(new GraftedVirtualMachine.Spec());
    gvm.getSpec().os = os;
    gvm.getSpec().files = new ArrayList<>(List.of(files));
    // Halted: a new image just switches the stopped VM's disk, and the request is Ready once the
    // VM is Stopped. Tests about running VMs (restarts onto a new image, KubeVirt's states) are in
    // VirtualMachineLifecycleTest.
    gvm.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(2, "2Gi");
    gvm.getSpec().virtualMachineTemplate.spec.put("runStrategy", "Halted");
    return gvm;
  }

  static FileSpec file(String path, String content) {
    return FileSpec.inline(path, content);
  }

  static GoldenImage image(KubernetesClient client, String ns, String name) {
    return client.resources(GoldenImage.class).inNamespace(ns).withName(name).get();
  }

  static List<GoldenImage> images(KubernetesClient client, String ns) {
    return client.resources(GoldenImage.class).inNamespace(ns).list().getItems();
  }

  static GraftedVirtualMachine gvm(KubernetesClient client, String ns, String name) {
    return client.resources(GraftedVirtualMachine.class).inNamespace(ns).withName(name).get();
  }

  static boolean ready(GraftedVirtualMachine gvm) {
    return gvm != null && gvm.getStatus() != null && gvm.getStatus().phase == Phase.Ready;
  }

  /** Every VirtualMachine and DataVolume in the namespace is valid against the upstream schemas. */
  static void assertSchemasValid(KubernetesClient client, String ns) {
    List<String> errors = new ArrayList<>();
    for (VirtualMachine vm :
        client.resources(VirtualMachine.class).inNamespace(ns).list().getItems()) {
      SchemaValidator.virtualMachine(vm)
          .forEach(e -> errors.add("VirtualMachine " + vm.getMetadata().getName() + ": " + e));
    }
    for (DataVolume dv : client.resources(DataVolume.class).inNamespace(ns).list().getItems()) {
      SchemaValidator.dataVolume(dv)
          .forEach(e -> errors.add("DataVolume " + dv.getMetadata().getName() + ": " + e));
    }
    if (!errors.isEmpty()) {
      throw new AssertionError(errors.stream().collect(Collectors.joining("\n")));
    }
  }

  /**
   * Everything in the namespace was built exactly once: every GoldenImage is Ready after one
   * attempt and needed (a VM's image or another image's parent); each derived image has one Job and
   * one script; one DataVolume and PVC per image; one VirtualMachine per request.
   */
  static void assertBuiltOnce(KubernetesClient client, String ns) {
    List<GoldenImage> images = images(client, ns);
    List<GraftedVirtualMachine> gvms =
        client.resources(GraftedVirtualMachine.class).inNamespace(ns).list().getItems();
    java.util.Set<String> needed = new java.util.HashSet<>();
    gvms.forEach(g -> needed.add(g.getStatus().image));
    images.forEach(gi -> needed.add(gi.getSpec().parent));
    for (GoldenImage gi : images) {
      String name = gi.getMetadata().getName();
      assertThat(gi.getStatus().phase).as(name).isEqualTo(Phase.Ready);
      assertThat(gi.getStatus().attempts).as("attempts of " + name).isEqualTo(1);
      assertThat(needed).as("images needed").contains(name);
      if (gi.getSpec().parent != null) {
        assertThat(
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(ns)
                    .withLabel(Labels.GOLDEN_IMAGE, name)
                    .list()
                    .getItems())
            .as("Jobs of " + name)
            .hasSize(1);
        // The Job's script: in the payload ConfigMap (one ConfigMap per build, issue 17, item 4;
        // LoadTest and ConcurrencyTest count them), or in its own where the payload came late.
        var payload = client.configMaps().inNamespace(ns).withName(name + "-payload").get();
        var script =
            client.configMaps().inNamespace(ns).withName(InjectionJobs.scriptName(gi)).get();
        assertThat(
                InjectionJobs.scriptHolder(
                    gi,
                    java.util.Optional.ofNullable(payload),
                    java.util.Optional.ofNullable(script)))
            .as("script of " + name)
            .isNotNull();
      }
    }
    assertThat(client.resources(DataVolume.class).inNamespace(ns).list().getItems())
        .as("DataVolumes")
        .hasSameSizeAs(images);
    assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems())
        .as("PVCs")
        .hasSameSizeAs(images);
    assertThat(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems())
        .as("VirtualMachines")
        .hasSameSizeAs(gvms);
    assertSchemasValid(client, ns);
  }

  /**
   * Awaitility as these tests use it: it fails on the awaited condition only, not on an uncaught
   * exception of another thread. Operators of earlier test applications stop while their SDK
   * threads still run, and one of those failing in its shutdown says nothing about the test that
   * waits.
   */
  static org.awaitility.core.ConditionFactory await() {
    return org.awaitility.Awaitility.await().dontCatchUncaughtExceptions();
  }

  /** Waits up to 30 s for the condition; on timeout fails with a dump of the namespace. */
  static void until(
      KubernetesClient client, String ns, java.util.concurrent.Callable<Boolean> condition) {
    try {
      await()
          .atMost(java.time.Duration.ofSeconds(30))
          .pollInterval(java.time.Duration.ofMillis(100))
          .until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + dump(client, ns), e);
    }
  }

  /** A readable dump of the namespace's Graft objects, for failure messages. */
  static String dump(KubernetesClient client, String ns) {
    StringBuilder sb = new StringBuilder();
    for (GoldenImage gi : images(client, ns)) {
      sb.append("gi ")
          .append(gi.getMetadata().getName())
          .append(" parent=")
          .append(gi.getSpec().parent)
          .append(" phase=")
          .append(gi.getStatus() == null ? null : gi.getStatus().phase)
          .append(" conditions=")
          .append(gi.getStatus() == null ? null : gi.getStatus().conditions)
          .append('\n');
    }
    for (GraftedVirtualMachine g :
        client.resources(GraftedVirtualMachine.class).inNamespace(ns).list().getItems()) {
      sb.append("gvm ")
          .append(g.getMetadata().getName())
          .append(" phase=")
          .append(g.getStatus() == null ? null : g.getStatus().phase)
          .append(" image=")
          .append(g.getStatus() == null ? null : g.getStatus().image)
          .append(" conditions=")
          .append(g.getStatus() == null ? null : g.getStatus().conditions)
          .append('\n');
    }
    for (DataVolume dv : client.resources(DataVolume.class).inNamespace(ns).list().getItems()) {
      sb.append("dv ")
          .append(dv.getMetadata().getName())
          .append(" phase=")
          .append(dv.getStatus() == null ? null : dv.getStatus().phase)
          .append('\n');
    }
    for (var job : client.batch().v1().jobs().inNamespace(ns).list().getItems()) {
      sb.append("job ")
          .append(job.getMetadata().getName())
          .append(" succeeded=")
          .append(job.getStatus() == null ? null : job.getStatus().getSucceeded())
          .append('\n');
    }
    return sb.toString();
  }
}
