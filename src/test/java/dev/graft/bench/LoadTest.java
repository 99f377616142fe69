package dev.graft.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.cli.GraftCommand;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Many GraftedVirtualMachines at once (the code of {@code graft bench --suite load}): all Ready,
 * nothing created twice, API calls and reconciles per VM bounded and not growing with N. A full run
 * gives it a JVM of its own, where the other classes' state does not move the heap readings.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(LoadTest.Profile.class)
@DisabledIfSystemProperty(
    named = "suite.shared-jvm",
    matches = "true",
    disabledReason = "a full run weighs the heap in a JVM of its own (pom.xml, own-jvm)")
class LoadTest {
  /**
   * Measured (docs/benchmarks.md, issue 17): 18.3 operator API calls per VM at 500 VMs before the
   * request's status and Events stopped repeating the image's and KubeVirt's steps, 13.2 after, 9.6
   * to 9.8 once KubeVirt's steps on the way up kept the request's status, the request's Events were
   * kept to problems and Ready, a plan made one Planned event and the clone type came from the
   * DataVolume; about 7.3 once a build wrote one ConfigMap, an image's Ready patch recorded its
   * first uses, neither a build's clone and injection nor a VM's creation recorded a Normal event,
   * and a new request got no status for its batch window (7.2 at 100 VMs, 7.4 and 7.5 at 500). The
   * goal of issue 17 is 8: a VirtualMachineCreated event per VM again (+1.0) fails.
   */
  static final double MAX_CALLS_PER_VM = 8.0;

  /**
   * Building, Provisioning (the VM's creation) and Ready (3.0 to 3.1 measured: a request whose
   * image another reconcile is planning may say Planning first; 3.21 once, when the 100 requests of
   * an earlier run, in another namespace, were each patched again during the 500); a Batching
   * status for requests reconciled inside their batch window again costs up to 0.4 more, mirroring
   * each of KubeVirt's steps 2 more.
   */
  static final double MAX_REQUEST_STATUS_PATCHES_PER_VM = 3.4;

  /**
   * A quarter of an image's status patches per VM: Pending (waiting for its parent, queued),
   * Cloning, Injecting, Ready once (1.12 measured); its Ready written twice again (the first uses
   * in a patch of their own) gives 1.37.
   */
  static final double MAX_IMAGE_STATUS_PATCHES_PER_VM = 1.3;

  /**
   * Event writes (creates and repeats): Running per VM, Ready per image, one Planned per plan (1.26
   * to 1.28 measured; 1.46 once, with 100 repeats of an earlier run's Running events, see above); a
   * VirtualMachineCreated per VM again (2.27), or Cloning and Injecting per image (1.77), fails.
   */
  static final double MAX_EVENT_WRITES_PER_VM = 1.6;

  /**
   * One ConfigMap per build (its payload, which holds the Job's script): 1.0 to 1.06 measured (a
   * repeated create of an image planned twice); a script ConfigMap of its own again gives 2.
   */
  static final double MAX_CONFIG_MAPS_PER_BUILD = 1.2;

  /**
   * Measured: 14.3 to 14.6 reconciles per VM, all controllers, at 100 and 500 VMs (280 at 500
   * before an image's events stopped waking every request not Ready). About twice that.
   */
  static final double MAX_RECONCILES_PER_VM = 30;

  /**
   * Issue 17's goal for the operator's own heap (docs/benchmarks.md, "The operator's heap per VM"):
   * 53.5 to 54.2 KB per VM measured at 500 before informers dropped the SDK's secondary index and
   * the client interned short strings, 22.6 to 29.8 after. A generous bound: heap figures on a
   * shared machine move by a few KB, and in a full test run (1 GB of other tests' heap) the
   * operator's reading once came out at 55.8 while the whole JVM grew by 46.4 per VM, so the lesser
   * of the two upper bounds is checked.
   */
  static final double MAX_OPERATOR_HEAP_KB_PER_VM = 50;

  /** As `graft bench --suite load`: requests arriving together are planned together. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "graft.planner.batch-window", "1s",
          "quarkus.log.category.\"dev.graft\".level", "WARN");
    }
  }

  @KubernetesTestServer KubernetesServer server;
  @Inject LoadRunner runner;
  @Inject KubernetesClient client;

  @BeforeEach
  void record() {
    LoadRunner.recordFrom(server.getKubernetesMockServer());
  }

  @Test
  void fiveHundredAtOnceAreReadyWithBoundedCallsPerVm() throws Exception {
    LoadRunner.Result small = runner.run(100, Duration.ofSeconds(120));
    LoadRunner.Result large = runner.run(500, Duration.ofSeconds(120));
    StringWriter table = new StringWriter();
    LoadReport.print(List.of(small, large), new PrintWriter(table));
    String report = table.toString();
    System.out.println(report); // the figures of docs/benchmarks.md, in the test log

    for (LoadRunner.Result r : List.of(small, large)) {
      assertThat(r.ready()).as(report).isEqualTo(r.vms());
      assertThat(r.virtualMachines()).as(report).isEqualTo(r.vms());
      assertThat(r.duplicates()).as(report).isEmpty();
      // 4 identical replicas per distinct request share one image; every image built once.
      assertThat(r.distinctImagesUsed()).as(report).isEqualTo(r.vms() / LoadFleet.REPLICAS);
      assertThat(r.dataVolumes()).as(report).isEqualTo(r.goldenImages());
      assertThat(r.jobs()).as(report).isEqualTo(r.builds());
      assertThat(r.usedImagesWithoutLastUse()).as(report).isZero();
      assertThat(r.callsPerVm()).as(report).isLessThan(MAX_CALLS_PER_VM);
      Map<String, Integer> calls = r.calls().byResource();
      assertThat(perVm(r, calls, "patch graftedvirtualmachines/status"))
          .as(report)
          .isLessThan(MAX_REQUEST_STATUS_PATCHES_PER_VM);
      assertThat(perVm(r, calls, "patch goldenimages/status"))
          .as(report)
          .isLessThan(MAX_IMAGE_STATUS_PATCHES_PER_VM);
      assertThat(perVm(r, calls, "create events") + perVm(r, calls, "patch events"))
          .as(report)
          .isLessThan(MAX_EVENT_WRITES_PER_VM);
      assertThat((double) calls.getOrDefault("create configmaps", 0) / r.builds())
          .as(report)
          .isLessThan(MAX_CONFIG_MAPS_PER_BUILD);
      // The clone type comes from the DataVolume (CDI copies it there): no PVC read per build.
      assertThat(calls).as(report).doesNotContainKey("get persistentvolumeclaims");
      assertThat(r.calls().verb("list") + r.calls().verb("watch"))
          .as("informers list and watch once, at start: %s", report)
          .isZero();
      assertThat(r.reconciles()).as(report).isPositive();
      assertThat((double) r.reconciles() / r.vms()).as(report).isLessThan(MAX_RECONCILES_PER_VM);
    }
    // The operator's own share, with the mock server's objects and the simulator let go.
    assertThat(large.operatorHeapPerVm()).as(report).isPositive();
    assertThat(large.operatorHeapBoundPerVm() / 1024)
        .as(report)
        .isLessThan(MAX_OPERATOR_HEAP_KB_PER_VM);
    // Bounded: 5 times the VMs do not cost more per VM (a margin for timing: batches can split).
    assertThat(large.callsPerVm()).as(report).isLessThan(small.callsPerVm() * 1.25);
    assertThat((double) large.reconciles() / large.vms())
        .as(report)
        .isLessThan(1.5 * small.reconciles() / small.vms());
  }

  private static double perVm(LoadRunner.Result r, Map<String, Integer> calls, String call) {
    return (double) calls.getOrDefault(call, 0) / r.vms();
  }

  @Test
  void benchCommandRunsTheLoadSuiteInTheRunningOperator() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        GraftCommand.execute(
            new PrintWriter(out),
            new PrintWriter(err),
            "bench",
            "--suite",
            "load",
            "--quick",
            "--timeout",
            "60");
    assertThat(status).as(out + "\n" + err).isZero();
    assertThat(out.toString())
        .contains("Load: GraftedVirtualMachines created at once")
        .containsPattern("(?m)^40 +40 +[0-9.]+ +13 +10 +\\d+ +[0-9.]+ ")
        .contains("create virtualmachines", "1.00")
        .doesNotContain("Created twice");
  }

  /**
   * Replicas that hit one Ready image at the same moment each count a hit: their status patches of
   * the image conflict, and a use lost to a conflict was never recorded again.
   */
  @Test
  void simultaneousCacheHitsAreAllCounted() {
    String ns = "hits";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(LoadFleet.baseImages(ns).get(0)).create();
      LoadFleet.fileSets(ns).forEach(fs -> client.resource(fs).create());
      GraftedVirtualMachine first = LoadFleet.vms(ns, 1).get(0);
      client.resource(first).create();
      await()
          .dontCatchUncaughtExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ready(ns, first.getMetadata().getName()));
      String image = gvm(ns, first.getMetadata().getName()).getStatus().image;

      List<GraftedVirtualMachine> replicas =
          IntStream.rangeClosed(1, 12)
              .mapToObj(
                  i -> {
                    GraftedVirtualMachine g = LoadFleet.vms(ns, 1).get(0);
                    g.getMetadata().setName("replica-" + i);
                    return g;
                  })
              .toList();
      replicas.parallelStream().forEach(g -> client.resource(g).create());
      await()
          .dontCatchUncaughtExceptions()
          .atMost(Duration.ofSeconds(30))
          .until(() -> replicas.stream().allMatch(g -> ready(ns, g.getMetadata().getName())));
      assertThat(replicas)
          .allMatch(
              g -> Boolean.TRUE.equals(gvm(ns, g.getMetadata().getName()).getStatus().cacheHit));
      await()
          .dontCatchUncaughtExceptions()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .resources(GoldenImage.class)
                              .inNamespace(ns)
                              .withName(image)
                              .get()
                              .getStatus()
                              .hits)
                      .isEqualTo(replicas.size()));
    }
  }

  private GraftedVirtualMachine gvm(String ns, String name) {
    return client.resources(GraftedVirtualMachine.class).inNamespace(ns).withName(name).get();
  }

  private boolean ready(String ns, String name) {
    GraftedVirtualMachine g = gvm(ns, name);
    return g != null && g.getStatus() != null && g.getStatus().phase == Phase.Ready;
  }
}
