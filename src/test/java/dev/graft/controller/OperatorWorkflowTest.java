package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.build.ClusterNodes;
import dev.graft.build.FileResolver;
import dev.graft.build.LibguestfsInjectionJobsTest;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.PlanningService;
import dev.graft.catalog.UsageLedger;
import dev.graft.config.GraftConfig;
import dev.graft.controller.flow.Plumbing;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.EventRecorder;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.metrics.GraftMetrics;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole workflow on the mock API server, with the simulator playing CDI and Jobs. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorWorkflowTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  static ClusterSimulator simulator;

  @Inject KubernetesClient client;
  @Inject ClusterNodes nodes;
  @Inject MeterRegistry registry;
  @Inject GraftConfig config;
  @Inject CatalogPlanner planner;
  @Inject EventRecorder events;
  @Inject GraftMetrics metrics;

  @BeforeAll
  static void noop() {}

  void startSimulator() {
    synchronized (OperatorWorkflowTest.class) {
      if (simulator == null) {
        simulator = new ClusterSimulator(client).start();
      }
    }
  }

  @AfterAll
  static void stop() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  @Test
  void plansOverlappingRequestsTogetherAndReusesExactMatches() {
    startSimulator();
    String ns = "plan";
    // Requests first, base image last: all three are pending when the os appears, so they are
    // planned together.
    client
        .resource(
            gvm(
                ns,
                "a",
                "fedora-40",
                file("/etc/f1", "1"),
                file("/etc/f2", "2"),
                file("/etc/f3", "3")))
        .create();
    client
        .resource(
            gvm(
                ns,
                "b",
                "fedora-40",
                file("/etc/f1", "1"),
                file("/etc/f2", "2"),
                file("/etc/f4", "4")))
        .create();
    client.resource(gvm(ns, "c", "fedora-40", file("/etc/f1", "1"), file("/etc/f2", "2"))).create();
    await().atMost(WAIT).until(() -> gvm(client, ns, "a").getStatus() != null);
    assertThat(gvm(client, ns, "a").getStatus().conditions)
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("NoBaseImage"));
    client.resource(baseImage(ns, "fedora", "fedora-40")).create();

    until(
        client,
        ns,
        () ->
            ready(gvm(client, ns, "a"))
                && ready(gvm(client, ns, "b"))
                && ready(gvm(client, ns, "c")));

    String base = BaseImageReconciler.imageName("fedora-40");
    String imgA = gvm(client, ns, "a").getStatus().image;
    String imgB = gvm(client, ns, "b").getStatus().image;
    String imgC = gvm(client, ns, "c").getStatus().image;
    Map<String, String> parents =
        images(client, ns).stream()
            .collect(
                Collectors.toMap(
                    gi -> gi.getMetadata().getName(), gi -> String.valueOf(gi.getSpec().parent)));
    // Optimal plan: the shared subset {f1,f2} is built once from the base, the others from it.
    assertThat(parents)
        .containsEntry(imgC, base)
        .containsEntry(imgA, imgC)
        .containsEntry(imgB, imgC)
        .hasSize(4);
    for (String name : new String[] {"a", "b", "c"}) {
      VirtualMachine vm =
          client.resources(VirtualMachine.class).inNamespace(ns).withName(name).get();
      assertThat(vm.getSpec().dataVolumeTemplates.get(0).spec.source.pvc.name)
          .isEqualTo(gvm(client, ns, name).getStatus().image);
      assertThat(vm.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo(name);
    }
    assertThat(gvm(client, ns, "a").getStatus().cacheHit).isFalse();
    assertThat(gvm(client, ns, "a").getStatus().plan.source).isEqualTo(imgC);

    // A fourth request identical to a: a cache hit, no new image, no new build.
    long jobsBefore = client.batch().v1().jobs().inNamespace(ns).list().getItems().size();
    client
        .resource(
            gvm(
                ns,
                "a2",
                "fedora-40",
                file("/etc/f3", "3"),
                file("/etc/f2", "2"),
                file("/etc/f1", "1")))
        .create();
    await().atMost(WAIT).until(() -> ready(gvm(client, ns, "a2")));
    GraftedVirtualMachine a2 = gvm(client, ns, "a2");
    assertThat(a2.getStatus().image).isEqualTo(imgA);
    assertThat(a2.getStatus().cacheHit).isTrue();
    assertThat(a2.getStatus().plan.cost).isZero();
    assertThat(images(client, ns)).hasSize(4);
    assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems())
        .hasSize((int) jobsBefore);
    await().atMost(WAIT).until(() -> image(client, ns, imgA).getStatus().hits == 1);
    assertThat(image(client, ns, imgA).getStatus().lastUsed).isNotNull();
    assertSchemasValid(client, ns);
  }

  @Test
  void failedInjectionRetriesThenFailsAndCleansUp() {
    startSimulator();
    String ns = "fail";
    client.resource(baseImage(ns, "debian", "debian-12")).create();
    GraftedVirtualMachine bad = gvm(ns, "broken", "debian-12", file("/etc/bad", "x"));
    String image = imageNameOf(bad);
    simulator.failJobsFor(image::equals);
    client.resource(bad).create();
    until(
        client,
        ns,
        () -> {
          GoldenImage gi = image(client, ns, image);
          return gi != null && gi.getStatus() != null && gi.getStatus().phase == Phase.Failed;
        });
    GoldenImage gi = image(client, ns, image);
    assertThat(gi.getStatus().attempts).isEqualTo(2);
    assertThat(Conditions.get(gi.getStatus(), Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(Conditions.get(gi.getStatus(), Conditions.READY).getReason())
        .isEqualTo("InjectionFailed");
    // Two attempts, two Jobs, and the partial clone and its PVC are gone.
    assertThat(
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace(ns)
                .withLabel(Labels.GOLDEN_IMAGE, image)
                .list()
                .getItems())
        .hasSize(2);
    await()
        .atMost(WAIT)
        .until(
            () ->
                client.resources(DataVolume.class).inNamespace(ns).withName(image).get() == null
                    && client.persistentVolumeClaims().inNamespace(ns).withName(image).get()
                        == null);
    await().atMost(WAIT).until(() -> gvm(client, ns, "broken").getStatus().phase == Phase.Failed);
    assertThat(Conditions.get(gvm(client, ns, "broken").getStatus(), Conditions.READY).getReason())
        .isEqualTo("ImageFailed");
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("InjectionFailed");
            });
    simulator.failJobsFor(x -> false);
    assertSchemasValid(client, ns);
  }

  /**
   * Issue 13: an owner given by name travels as written (the operator guesses no id) into the
   * image's manifest and the Job's spec; when the injector fails (here: the guest has no such
   * user), its termination message, not the Job's BackoffLimitExceeded, is the image's reason;
   * nothing is registered Ready and the partial clone is discarded.
   */
  @Test
  void theInjectorsMessageReachesTheImageAndNothingHalfWrittenIsReady() {
    startSimulator();
    String ns = "fail-owner";
    client.resource(baseImage(ns, "debian", "debian-12")).create();
    dev.graft.api.FileSpec conf = file("/etc/nginx/nginx.conf", "worker_processes 1;");
    conf.owner = "nginx:nginx";
    GraftedVirtualMachine web = gvm(ns, "web", "debian-12", conf);
    String image = imageNameOf(web);
    String reason =
        "files[0].owner: no user \"nginx\" in /etc/passwd of the image " + ns + "/" + image;
    simulator.failJobsFor(image::equals, "graft: " + reason + "\n");
    try {
      client.resource(web).create();
      until(
          client,
          ns,
          () -> {
            GoldenImage gi = image(client, ns, image);
            return gi != null && gi.getStatus() != null && gi.getStatus().phase == Phase.Failed;
          });
      GoldenImage gi = image(client, ns, image);
      assertThat(gi.getSpec().files)
          .singleElement()
          .satisfies(e -> assertThat(e.owner).isEqualTo("nginx:nginx"));
      assertThat(
              client
                  .configMaps()
                  .inNamespace(ns)
                  .withName(image + "-payload") // which holds the Job's script
                  .get()
                  .getData()
                  .get("spec.json"))
          .contains("\"owner\" : \"nginx:nginx\"");
      var ready = Conditions.get(gi.getStatus(), Conditions.READY);
      assertThat(ready.getStatus()).isEqualTo("False");
      assertThat(ready.getReason()).isEqualTo("InjectionFailed");
      assertThat(ready.getMessage())
          .startsWith("Job " + image + "-inject-2 failed: " + reason)
          .doesNotContain("BackoffLimitExceeded");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  client.resources(DataVolume.class).inNamespace(ns).withName(image).get() == null
                      && client.persistentVolumeClaims().inNamespace(ns).withName(image).get()
                          == null);
      assertThat(images(client, ns))
          .filteredOn(i -> i.getSpec().parent != null)
          .allSatisfy(i -> assertThat(i.getStatus().phase).isNotEqualTo(Phase.Ready));
      await().atMost(WAIT).until(() -> gvm(client, ns, "web").getStatus().phase == Phase.Failed);
      assertThat(Conditions.get(gvm(client, ns, "web").getStatus(), Conditions.READY).getMessage())
          .contains(reason);
      assertThat(client.v1().events().inNamespace(ns).list().getItems())
          .anySatisfy(e -> assertThat(e.getMessage()).contains(reason));
    } finally {
      simulator.failJobsFor(x -> false);
    }
  }

  @Test
  void configMapChangeBuildsANewImage() {
    startSimulator();
    String ns = "cm";
    simulator.cloneFallbackReason("NoVolumeSnapshotClass");
    client.resource(baseImage(ns, "fedora", "fedora-40")).create();
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("nginx")
                .withNamespace(ns)
                .endMetadata()
                .addToData("nginx.conf", "worker_processes 1;")
                .build())
        .create();
    GraftedVirtualMachine web = gvm(ns, "web", "fedora-40");
    var f = new dev.graft.api.FileSpec();
    f.path = "/etc/nginx/nginx.conf";
    f.configMapKeyRef = new dev.graft.api.KeySelector("nginx", "nginx.conf");
    web.getSpec().files.add(f);
    client.resource(web).create();
    until(client, ns, () -> ready(gvm(client, ns, "web")));
    String first = gvm(client, ns, "web").getStatus().image;

    client
        .configMaps()
        .inNamespace(ns)
        .withName("nginx")
        .edit(
            cm -> {
              cm.getData().put("nginx.conf", "worker_processes 4;");
              return cm;
            });
    until(
        client,
        ns,
        () -> {
          GraftedVirtualMachine g = gvm(client, ns, "web");
          return ready(g) && !first.equals(g.getStatus().image);
        });
    String second = gvm(client, ns, "web").getStatus().image;
    assertThat(image(client, ns, second).getSpec().parent)
        .isIn(first, BaseImageReconciler.imageName("fedora-40"));
    VirtualMachine vm =
        client.resources(VirtualMachine.class).inNamespace(ns).withName("web").get();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .resources(VirtualMachine.class)
                    .inNamespace(ns)
                    .withName("web")
                    .get()
                    .getSpec()
                    .dataVolumeTemplates
                    .get(0)
                    .spec
                    .source
                    .pvc
                    .name
                    .equals(second));
    assertThat(vm).isNotNull();
    assertThat(image(client, ns, second).getStatus().cloneFallbackReason)
        .isEqualTo("NoVolumeSnapshotClass");
    // Read from where CDI writes them: the annotations of the clone's PVC.
    assertThat(image(client, ns, second).getStatus().cloneMethod).isEqualTo("copy");
    simulator.cloneFallbackReason(null);
    // The first image stays in the catalog.
    assertThat(image(client, ns, first).getStatus().phase).isEqualTo(Phase.Ready);
    assertSchemasValid(client, ns);
  }

  @Test
  void deletingAParentWaitsForItsBuildingChildren() {
    startSimulator();
    String ns = "finalizer";
    client.resource(baseImage(ns, "fedora", "fedora-40")).create();
    String base = BaseImageReconciler.imageName("fedora-40");
    until(
        client,
        ns,
        () ->
            image(client, ns, base) != null
                && image(client, ns, base).getStatus() != null
                && image(client, ns, base).getStatus().phase == Phase.Ready);
    String uid = image(client, ns, base).getMetadata().getUid();
    simulator.holdJobs(true);
    try {
      client.resource(gvm(ns, "child", "fedora-40", file("/etc/x", "x"))).create();
      until(client, ns, () -> !simulator.heldJobs().isEmpty());
      client.resources(GoldenImage.class).inNamespace(ns).withName(base).delete();
      // The finalizer holds the parent while its child builds.
      until(client, ns, () -> image(client, ns, base).getMetadata().getDeletionTimestamp() != null);
      assertThat(image(client, ns, base)).isNotNull();
      assertThat(client.v1().events().inNamespace(ns).list().getItems())
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("DeletionWaiting"));
    } finally {
      simulator.releaseJobs();
    }
    until(client, ns, () -> ready(gvm(client, ns, "child")));
    // Then it goes; its BaseImage, still there, imports a new one.
    until(
        client,
        ns,
        () -> {
          // One read: the image can go between two.
          GoldenImage now = image(client, ns, base);
          return now == null || !uid.equals(now.getMetadata().getUid());
        });
  }

  @Test
  void fileSetAndSecretChangesBuildNewImagesWithoutLeakingTheSecret() {
    startSimulator();
    LogCapture logs = LogCapture.start();
    try {
      secretChangesBuildNewImages();
    } finally {
      logs.stop();
    }
    // No Secret byte in any object the operator wrote, nor in its log.
    String ns = "fs";
    List<String> leaks = new java.util.ArrayList<>();
    for (String secret : List.of("s3cret-one", "s3cret-two")) {
      String encoded =
          java.util.Base64.getEncoder()
              .encodeToString(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      List<io.fabric8.kubernetes.api.model.HasMetadata> written = new java.util.ArrayList<>();
      written.addAll(client.configMaps().inNamespace(ns).list().getItems());
      written.addAll(client.v1().events().inNamespace(ns).list().getItems());
      written.addAll(client.batch().v1().jobs().inNamespace(ns).list().getItems());
      written.addAll(images(client, ns));
      written.addAll(
          client.resources(GraftedVirtualMachine.class).inNamespace(ns).list().getItems());
      written.addAll(
          client.resources(dev.graft.api.FileSet.class).inNamespace(ns).list().getItems());
      written.addAll(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems());
      written.addAll(client.resources(DataVolume.class).inNamespace(ns).list().getItems());
      for (var object : written) {
        String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(object);
        if (json.contains(secret) || json.contains(encoded)) {
          leaks.add(object.getKind() + " " + object.getMetadata().getName());
        }
      }
      logs.lines().stream()
          .filter(line -> line.contains(secret) || line.contains(encoded))
          .forEach(line -> leaks.add("log: " + line));
    }
    assertThat(logs.lines()).as("log lines captured").isNotEmpty();
    assertThat(leaks).as("places holding Secret content").isEmpty();
  }

  private void secretChangesBuildNewImages() {
    String ns = "fs";
    client.resource(baseImage(ns, "debian", "debian-12")).create();
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("db")
                .withNamespace(ns)
                .addToLabels("graft.dev/files", "true")
                .endMetadata()
                .addToStringData("password", "s3cret-one")
                .build())
        .create();
    dev.graft.api.FileSet fs = new dev.graft.api.FileSet();
    fs.getMetadata().setName("db");
    fs.getMetadata().setNamespace(ns);
    fs.setSpec(new dev.graft.api.FileSet.Spec());
    var pw = new dev.graft.api.FileSpec();
    pw.path = "/etc/db/password";
    pw.mode = "0600";
    pw.secretKeyRef = new dev.graft.api.KeySelector("db", "password");
    fs.getSpec().files.add(pw);
    client.resource(fs).create();
    GraftedVirtualMachine db = gvm(ns, "db", "debian-12");
    db.getSpec().fileSets.add("db");
    client.resource(db).create();
    until(client, ns, () -> ready(gvm(client, ns, "db")));
    String first = gvm(client, ns, "db").getStatus().image;
    // The secret's bytes are in a payload Secret, never in a ConfigMap.
    assertThat(client.secrets().inNamespace(ns).withName(first + "-payload").get()).isNotNull();
    String encoded =
        java.util.Base64.getEncoder()
            .encodeToString("s3cret-one".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (var cm : client.configMaps().inNamespace(ns).list().getItems()) {
      assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(cm))
          .doesNotContain("s3cret-one")
          .doesNotContain(encoded);
    }
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(gvm(client, ns, "db")))
        .doesNotContain("s3cret-one")
        .doesNotContain(encoded);

    client
        .secrets()
        .inNamespace(ns)
        .withName("db")
        .edit(
            s -> {
              s.setData(
                  java.util.Map.of(
                      "password",
                      java.util.Base64.getEncoder()
                          .encodeToString(
                              "s3cret-two".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
              s.setStringData(null);
              return s;
            });
    until(
        client,
        ns,
        () ->
            ready(gvm(client, ns, "db")) && !first.equals(gvm(client, ns, "db").getStatus().image));
    String second = gvm(client, ns, "db").getStatus().image;

    client
        .resources(dev.graft.api.FileSet.class)
        .inNamespace(ns)
        .withName("db")
        .edit(
            f -> {
              f.getSpec()
                  .files
                  .add(dev.graft.api.FileSpec.inline("/etc/db/extra.conf", "max_connections=10"));
              return f;
            });
    until(
        client,
        ns,
        () ->
            ready(gvm(client, ns, "db"))
                && !second.equals(gvm(client, ns, "db").getStatus().image));
    assertThat(gvm(client, ns, "db").getStatus().files).isEqualTo(2);
    assertSchemasValid(client, ns);
  }

  @Test
  void aNodeOfferingKvmMakesTheNextJobRequestIt() {
    startSimulator();
    String ns = "kvm";
    client.resource(baseImage(ns, "fedora", "fedora-40")).create();
    var node = LibguestfsInjectionJobsTest.node("kvm-node", "1k");
    client.nodes().resource(node).create();
    try {
      until(client, ns, () -> nodes.list().size() == 1);
      GraftedVirtualMachine vm = gvm(ns, "fast", "fedora-40", file("/etc/kvm", "1"));
      client.resource(vm).create();
      until(client, ns, () -> ready(gvm(client, ns, "fast")));
      var job =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(ns)
              .withLabel(Labels.GOLDEN_IMAGE, imageNameOf(vm));
      assertThat(job.list().getItems())
          .singleElement()
          .satisfies(j -> assertThat(LibguestfsInjectionJobsTest.requestsKvm(j)).isTrue());
    } finally {
      client.nodes().withName("kvm-node").delete();
    }
    until(client, ns, () -> nodes.list().isEmpty());
  }

  @Test
  void metricsCountBuildsCacheHitsFailuresPlansAndTheCatalog() {
    startSimulator();
    String ns = "metrics";
    // No other test uses this os, so every per-os series below counts this test alone.
    String os = "alpine-3";
    double plans = planCount();
    client.resource(baseImage(ns, "alpine", os)).create();
    client.resource(gvm(ns, "m1", os, file("/etc/m", "1"), file("/etc/n", "22"))).create();
    until(client, ns, () -> ready(gvm(client, ns, "m1")));
    client.resource(gvm(ns, "m2", os, file("/etc/n", "22"), file("/etc/m", "1"))).create();
    until(client, ns, () -> ready(gvm(client, ns, "m2")));
    assertThat(gvm(client, ns, "m2").getStatus().cacheHit).isTrue();

    assertThat(count("graft.cache.misses", "os", os)).isEqualTo(1);
    assertThat(count("graft.cache.hits", "os", os)).isEqualTo(1);
    assertThat(count("graft.builds.started", "os", os)).isEqualTo(1);
    assertThat(count("graft.builds.succeeded", "os", os)).isEqualTo(1);
    assertThat(count("graft.injected.files", "os", os)).isEqualTo(2);
    assertThat(count("graft.injected.bytes", "os", os)).isEqualTo(3);
    assertThat(registry.find("graft.build.duration").tag("os", os).timer().count()).isEqualTo(1);
    assertThat(planCount() - plans).isGreaterThanOrEqualTo(1);
    // The base image and the built one, 8Gi each.
    assertThat(gauge("graft.catalog.images", os)).isEqualTo(2);
    assertThat(gauge("graft.catalog.bytes", os)).isEqualTo(2 * 8.0 * (1L << 30));

    GraftedVirtualMachine bad = gvm(ns, "m3", os, file("/etc/bad", "x"));
    String image = imageNameOf(bad);
    simulator.failJobsFor(image::equals);
    try {
      client.resource(bad).create();
      until(
          client,
          ns,
          () -> {
            GoldenImage gi = image(client, ns, image);
            return gi != null && gi.getStatus() != null && gi.getStatus().phase == Phase.Failed;
          });
    } finally {
      simulator.failJobsFor(x -> false);
    }
    // Two attempts (graft.build.max-attempts=2 in tests), each started and failed.
    assertThat(count("graft.builds.failed", "os", os, "reason", "InjectionFailed")).isEqualTo(2);
    assertThat(count("graft.builds.started", "os", os)).isEqualTo(3);
    assertThat(count("graft.builds.succeeded", "os", os)).isEqualTo(1);
    assertThat(count("graft.cache.misses", "os", os)).isEqualTo(2);
    assertThat(gauge("graft.catalog.images", os)).isEqualTo(2);

    double errors = count("graft.reconcile.errors", "kind", "GraftedVirtualMachine");
    new GraftedVirtualMachineReconciler(
            config,
            new PlanningService(planner),
            new UsageLedger(),
            Plumbing.of(events, metrics),
            new dev.graft.catalog.RequestCache(),
            null)
        .updateErrorStatus(
            gvm(client, ns, "m1"), firstAttempt(), new IllegalStateException("test"));
    assertThat(count("graft.reconcile.errors", "kind", "GraftedVirtualMachine") - errors)
        .isEqualTo(1);
  }

  private double count(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private double gauge(String name, String os) {
    return registry.find(name).tag("os", os).gauge().value();
  }

  private double planCount() {
    var summary = registry.find("graft.plan.cost").tag("strategy", "optimal").summary();
    return summary == null ? 0 : summary.count();
  }

  private static String imageNameOf(GraftedVirtualMachine gvm) {
    try {
      return new FileResolver(1 << 20).resolve(gvm, FileResolver.STRUCTURAL).imageName();
    } catch (ResolutionException e) {
      throw new AssertionError(e);
    }
  }

  /** A reconcile context on its first attempt (no retry yet): all the error path reads. */
  @SuppressWarnings("unchecked")
  private static io.javaoperatorsdk.operator.api.reconciler.Context<GraftedVirtualMachine>
      firstAttempt() {
    return (io.javaoperatorsdk.operator.api.reconciler.Context<GraftedVirtualMachine>)
        java.lang.reflect.Proxy.newProxyInstance(
            OperatorWorkflowTest.class.getClassLoader(),
            new Class<?>[] {io.javaoperatorsdk.operator.api.reconciler.Context.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getRetryInfo")) {
                return java.util.Optional.empty();
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
