package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSet;
import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.KeySelector;
import dev.graft.api.Phase;
import dev.graft.build.FileResolver;
import dev.graft.build.ResolutionException;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Requests that race each other and the builds they start: the same new image asked for at the same
 * moment, a request edited or deleted while its image builds, an image deleted while it builds.
 * Each case has its own namespace and its own simulator; the Jobs are held so that the race is
 * where the test says it is.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ConcurrencyTest {
  private static final String OS = "fedora-40";
  private static final String BASE = BaseImageReconciler.imageName(OS);

  @Inject KubernetesClient client;
  @Inject Operator operator;

  @Test
  void theSameNewImageRequestedAtOnceIsBuiltOnce() throws Exception {
    String ns = "conc-same";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        PhaseLog phases = new PhaseLog(client, ns)) {
      baseReady(ns);
      simulator.holdJobs(true);
      List<String> names = List.of("web-1", "web-2", "web-3", "web-4");
      // Same files, listed in different orders: one manifest, one image name.
      createAtOnce(
          names.stream()
              .map(
                  n ->
                      n.endsWith("1") || n.endsWith("3")
                          ? gvm(ns, n, OS, file("/etc/a", "1"), file("/etc/b", "2"))
                          : gvm(ns, n, OS, file("/etc/b", "2"), file("/etc/a", "1")))
              .toList());
      String image = imageNameOf(gvm(ns, "x", OS, file("/etc/a", "1"), file("/etc/b", "2")));
      // Every request has joined the build before it may finish.
      until(
          client,
          ns,
          () ->
              names.stream()
                  .map(n -> gvm(client, ns, n))
                  .allMatch(
                      g ->
                          g.getStatus() != null
                              && g.getStatus().phase == Phase.Building
                              && image.equals(g.getStatus().image)));
      until(client, ns, () -> simulator.heldJobs().size() == 1);
      simulator.releaseJobs();
      until(client, ns, () -> names.stream().allMatch(n -> ready(gvm(client, ns, n))));

      assertThat(images(client, ns))
          .extracting(gi -> gi.getMetadata().getName())
          .containsExactlyInAnyOrder(BASE, image);
      GoldenImage built = image(client, ns, image);
      assertThat(built.getStatus().attempts).isEqualTo(1);
      assertThat(jobs(ns, image)).hasSize(1);
      assertThat(client.resources(DataVolume.class).inNamespace(ns).list().getItems())
          .extracting(dv -> dv.getMetadata().getName())
          .containsExactlyInAnyOrder(BASE, image);
      assertThat(client.configMaps().inNamespace(ns).withName(image + "-payload").get())
          .isNotNull();
      // Who the planner built it for: the requests it saw pending, at least the first.
      assertThat(built.getSpec().requestedBy)
          .isNotEmpty()
          .isSubsetOf(names.stream().map(n -> ns + "/" + n).toList());
      // Each request waited for the one build: none is a cache hit, each reports the build that
      // made its image (from the base, at the image's predicted cost), and no hit is recorded.
      for (String n : names) {
        GraftedVirtualMachine g = gvm(client, ns, n);
        assertThat(g.getStatus().image).as(n).isEqualTo(image);
        assertThat(g.getStatus().cacheHit).as(n).isFalse();
        assertThat(g.getStatus().plan.source).as(n).isEqualTo(BASE);
        assertThat(g.getStatus().plan.filesAdded).as(n).isEqualTo(2);
        assertThat(g.getStatus().plan.cost).as(n).isEqualTo(built.getSpec().predictedCost);
        assertThat(vmImage(ns, n)).as(n).isEqualTo(image);
      }
      assertThat(image(client, ns, image).getStatus().hits).isZero();

      // Four more at once, now that the image is Ready: four cache hits, all counted on the image
      // (they patch its status at the same moment), and still one build.
      List<String> hits = List.of("hit-1", "hit-2", "hit-3", "hit-4");
      createAtOnce(
          hits.stream()
              .map(n -> gvm(ns, n, OS, file("/etc/a", "1"), file("/etc/b", "2")))
              .toList());
      until(client, ns, () -> hits.stream().allMatch(n -> ready(gvm(client, ns, n))));
      for (String n : hits) {
        assertThat(gvm(client, ns, n).getStatus().cacheHit).as(n).isTrue();
        assertThat(gvm(client, ns, n).getStatus().plan.cost).as(n).isZero();
      }
      until(client, ns, () -> image(client, ns, image).getStatus().hits == hits.size());
      assertThat(jobs(ns, image)).hasSize(1);
      assertThat(phases.seen()).doesNotContain(Phase.Failed);
      assertNoOrphans(ns);
      assertSchemasValid(client, ns);
    }
  }

  @Test
  void aRequestEditedWhileItsImageBuildsEndsOnItsLatestSpec() throws Exception {
    String ns = "conc-edit";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        PhaseLog phases = new PhaseLog(client, ns)) {
      baseReady(ns);
      simulator.holdJobs(true);
      client.resource(gvm(ns, "web", OS, file("/etc/a", "1"))).create();
      String first = imageNameOf(gvm(ns, "web", OS, file("/etc/a", "1")));
      until(client, ns, () -> simulator.heldJobs().size() == 1);
      assertThat(gvm(client, ns, "web").getStatus().image).isEqualTo(first);

      // A file is added while the first image is in its injection Job.
      client
          .resources(GraftedVirtualMachine.class)
          .inNamespace(ns)
          .withName("web")
          .edit(
              g -> {
                g.getSpec().files.add(file("/etc/b", "2"));
                return g;
              });
      GraftedVirtualMachine latest = gvm(ns, "web", OS, file("/etc/a", "1"), file("/etc/b", "2"));
      String second = imageNameOf(latest);
      until(
          client,
          ns,
          () ->
              image(client, ns, second) != null
                  && second.equals(gvm(client, ns, "web").getStatus().image));
      simulator.releaseJobs();
      until(
          client,
          ns,
          () ->
              ready(gvm(client, ns, "web"))
                  && second.equals(gvm(client, ns, "web").getStatus().image));

      assertOnImage(ns, "web", second);
      assertThat(gvm(client, ns, "web").getStatus().files).isEqualTo(2);
      assertThat(gvm(client, ns, "web").getStatus().plan.source).isIn(BASE, first);
      // The first build finishes as a catalog entry, built once.
      until(client, ns, () -> image(client, ns, first).getStatus().phase == Phase.Ready);
      assertThat(jobs(ns, first)).hasSize(1);
      assertThat(jobs(ns, second)).hasSize(1);
      assertThat(phases.seen()).doesNotContain(Phase.Failed);
      assertNoOrphans(ns);
      assertSchemasValid(client, ns);
    }
  }

  @Test
  void aConfigMapEditedWhileTheImageBuildsEndsOnTheNewContent() throws Exception {
    String ns = "conc-cm";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        PhaseLog phases = new PhaseLog(client, ns)) {
      baseReady(ns);
      client.resource(configMap(ns, "app", "v1")).create();
      simulator.holdJobs(true);
      GraftedVirtualMachine app = gvm(ns, "app", OS);
      FileSpec conf = new FileSpec();
      conf.path = "/etc/app.conf";
      conf.configMapKeyRef = new KeySelector("app", "app.conf");
      app.getSpec().files.add(conf);
      client.resource(app).create();
      String first = imageNameOf(app, configMap(ns, "app", "v1"));
      until(client, ns, () -> simulator.heldJobs().size() == 1);
      assertThat(gvm(client, ns, "app").getStatus().image).isEqualTo(first);

      client
          .configMaps()
          .inNamespace(ns)
          .withName("app")
          .edit(
              cm -> {
                cm.getData().put("app.conf", "v2");
                return cm;
              });
      String second = imageNameOf(app, configMap(ns, "app", "v2"));
      until(client, ns, () -> second.equals(gvm(client, ns, "app").getStatus().image));
      simulator.releaseJobs();
      until(
          client,
          ns,
          () ->
              ready(gvm(client, ns, "app"))
                  && second.equals(gvm(client, ns, "app").getStatus().image));

      assertOnImage(ns, "app", second);
      // Each build injects the content it was planned with.
      assertThat(payload(ns, second)).containsExactly("v2");
      assertThat(payload(ns, first)).containsExactly("v1");
      until(client, ns, () -> image(client, ns, first).getStatus().phase == Phase.Ready);
      assertThat(phases.seen()).doesNotContain(Phase.Failed);
      assertNoOrphans(ns);
    }
  }

  @Test
  void editsLandingAsTheImagesTurnReadyStillEndOnTheLatestSpec() throws Exception {
    String ns = "conc-late";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        PhaseLog phases = new PhaseLog(client, ns);
        VmLog vms = new VmLog(client, ns)) {
      baseReady(ns);
      simulator.holdJobs(true);
      List<String> names = List.of("late-0", "late-1", "late-2", "late-3", "late-4");
      for (String n : names) {
        client.resource(gvm(ns, n, OS, file("/etc/" + n, "1"))).create();
      }
      until(client, ns, () -> simulator.heldJobs().size() == names.size());

      // Each request is edited the moment the test sees its image turn Ready. The operator sees
      // the same event and creates the VM: the edit lands between "image Ready" and "VM created",
      // or just after; the end state must not depend on which.
      Map<String, String> requestOf = new ConcurrentHashMap<>();
      names.forEach(n -> requestOf.put(imageNameOf(gvm(ns, n, OS, file("/etc/" + n, "1"))), n));
      Set<String> edited = ConcurrentHashMap.newKeySet();
      List<String> editFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
      Watcher<GoldenImage> editOnReady =
          new Watcher<>() {
            @Override
            public void eventReceived(Action action, GoldenImage gi) {
              String n = requestOf.get(gi.getMetadata().getName());
              if (n != null
                  && gi.getStatus() != null
                  && gi.getStatus().phase == Phase.Ready
                  && edited.add(n)) {
                // The operator may patch the request's status between this edit's read and write
                // (an optimistic-lock conflict): edit again, as kubectl would.
                for (int attempt = 1; ; attempt++) {
                  try {
                    client
                        .resources(GraftedVirtualMachine.class)
                        .inNamespace(ns)
                        .withName(n)
                        .edit(
                            g -> {
                              g.getSpec().files.add(file("/etc/extra", "2"));
                              return g;
                            });
                    break;
                  } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt == 5) {
                      editFailures.add(n + " attempt " + attempt + ": " + e);
                      throw e;
                    }
                  }
                }
              }
            }

            @Override
            public void onClose(WatcherException cause) {}
          };
      try (Watch watch = client.resources(GoldenImage.class).inNamespace(ns).watch(editOnReady)) {
        simulator.releaseJobs();
        until(client, ns, () -> edited.size() == names.size());
      }
      assertThat(editFailures).isEmpty();
      int straightToLatest = 0;
      for (String n : names) {
        String first = imageNameOf(gvm(ns, n, OS, file("/etc/" + n, "1")));
        String second =
            imageNameOf(gvm(ns, n, OS, file("/etc/" + n, "1"), file("/etc/extra", "2")));
        until(
            client,
            ns,
            () -> ready(gvm(client, ns, n)) && second.equals(gvm(client, ns, n).getStatus().image));
        assertOnImage(ns, n, second);
        // Either the VM was created from the latest image, or from the first one and then
        // switched: the last word is the latest image. Created once (a watch of the
        // VirtualMachines: the request records no event of its VM's creation, issue 17, item 4).
        List<String> vmImages = vms.images(n);
        assertThat(vms.creates(n)).as("VirtualMachine %s created", n).isEqualTo(1);
        assertThat(vmImages).hasSizeBetween(1, 2).last().asString().endsWith("/" + second);
        if (vmImages.size() == 1) {
          straightToLatest++;
        } else {
          assertThat(vmImages.get(0)).endsWith("/" + first);
        }
        until(client, ns, () -> image(client, ns, first).getStatus().phase == Phase.Ready);
      }
      System.out.printf(
          "conc-late: %d of %d VMs created straight from the latest image%n",
          straightToLatest, names.size());
      assertThat(phases.seen()).doesNotContain(Phase.Failed);
      assertNoOrphans(ns);
      assertSchemasValid(client, ns);
    }
  }

  @Test
  void anEditAfterTheImageIsReadyButBeforeTheVmExistsWins() throws Exception {
    String ns = "conc-ready";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        PhaseLog phases = new PhaseLog(client, ns);
        VmLog vms = new VmLog(client, ns)) {
      baseReady(ns);
      simulator.holdJobs(true);
      client.resource(gvm(ns, "web", OS, file("/etc/a", "1"))).create();
      String first = imageNameOf(gvm(ns, "web", OS, file("/etc/a", "1")));
      until(client, ns, () -> simulator.heldJobs().size() == 1);

      // The request controller falls behind (a long queue, a slow API call): it watches no
      // namespace while the image turns Ready and the request is edited.
      RegisteredController<?> requests =
          operator.getRegisteredController("graftedvirtualmachine").orElseThrow();
      requests.changeNamespaces(Set.of("conc-elsewhere"));
      try {
        simulator.releaseJobs();
        until(
            client,
            ns,
            () ->
                image(client, ns, first).getStatus() != null
                    && image(client, ns, first).getStatus().phase == Phase.Ready);
        assertThat(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems())
            .isEmpty();
        client
            .resources(GraftedVirtualMachine.class)
            .inNamespace(ns)
            .withName("web")
            .edit(
                g -> {
                  g.getSpec().files.add(file("/etc/b", "2"));
                  return g;
                });
      } finally {
        requests.changeNamespaces(Constants.WATCH_ALL_NAMESPACE_SET);
      }
      String second = imageNameOf(gvm(ns, "web", OS, file("/etc/a", "1"), file("/etc/b", "2")));
      until(
          client,
          ns,
          () ->
              ready(gvm(client, ns, "web"))
                  && second.equals(gvm(client, ns, "web").getStatus().image));

      assertOnImage(ns, "web", second);
      // One VM, created from the latest image, never from the first one: a watch of the
      // VirtualMachines saw one creation and no other image (the request records no event of its
      // VM's creation, issue 17, item 4), and no VirtualMachineUpdated event says otherwise.
      assertThat(vms.creates("web")).isEqualTo(1);
      assertThat(vms.images("web")).singleElement().asString().endsWith("/" + second);
      assertThat(
              client.v1().events().inNamespace(ns).list().getItems().stream()
                  .filter(e -> e.getReason().startsWith("VirtualMachine"))
                  .map(e -> e.getReason() + ": " + e.getMessage())
                  .toList())
          .isEmpty();
      assertThat(image(client, ns, first).getStatus().phase).isEqualTo(Phase.Ready);
      assertThat(phases.seen()).doesNotContain(Phase.Failed);
      assertNoOrphans(ns);
    }
  }

  @Test
  void aRequestDeletedWhileItsImageBuildsLeavesTheBuildToTheCatalog() throws Exception {
    String ns = "conc-del-gvm";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      baseReady(ns);
      simulator.holdJobs(true);
      GraftedVirtualMachine web = gvm(ns, "web", OS, file("/etc/a", "1"));
      client.resource(web).create();
      String image = imageNameOf(web);
      until(client, ns, () -> simulator.heldJobs().size() == 1);

      client.resources(GraftedVirtualMachine.class).inNamespace(ns).withName("web").delete();
      until(client, ns, () -> gvm(client, ns, "web") == null);
      assertNoOrphans(ns);
      simulator.releaseJobs();

      // Catalog entries are shared: the build finishes, once, and nothing else is created.
      until(
          client,
          ns,
          () ->
              image(client, ns, image).getStatus() != null
                  && image(client, ns, image).getStatus().phase == Phase.Ready);
      assertThat(jobs(ns, image)).hasSize(1);
      assertThat(image(client, ns, image).getStatus().attempts).isEqualTo(1);
      assertThat(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems())
          .isEmpty();
      assertNoOrphans(ns);
    }
  }

  @Test
  void anImageDeletedWhileItBuildsIsCleanedUpAndPlannedAgain() throws Exception {
    String ns = "conc-del-gi";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start();
        PhaseLog phases = new PhaseLog(client, ns)) {
      baseReady(ns);
      simulator.holdJobs(true);
      GraftedVirtualMachine web = gvm(ns, "web", OS, file("/etc/a", "1"), file("/etc/b", "2"));
      client.resource(web).create();
      String image = imageNameOf(web);
      until(client, ns, () -> simulator.heldJobs().size() == 1);
      String uid = image(client, ns, image).getMetadata().getUid();
      assertThat(owned(ns, uid))
          .as("the build's Job, DataVolume and payload (which holds the Job's script)")
          .containsExactlyInAnyOrder(
              "Job/" + image + "-inject-1",
              "DataVolume/" + image,
              "ConfigMap/" + image + "-payload");

      // The garbage collector is late: the request plans the image again before it ran.
      simulator.holdGarbageCollection(true);
      client.resources(GoldenImage.class).inNamespace(ns).withName(image).delete();
      until(
          client,
          ns,
          () -> {
            GoldenImage gi = image(client, ns, image);
            return gi != null
                && !uid.equals(gi.getMetadata().getUid())
                && gi.getStatus() != null
                && gi.getStatus().conditions.stream()
                    .anyMatch(c -> "WaitingForCleanup".equals(c.getReason()));
          });
      // The new image takes nothing of the old one's: their objects wait for the collector.
      String newUid = image(client, ns, image).getMetadata().getUid();
      assertThat(owned(ns, uid)).hasSize(3); // Job, DataVolume, payload (with the script)
      assertThat(owned(ns, newUid)).isEmpty();
      simulator.collectGarbage();

      // Then it builds, anew.
      until(
          client,
          ns,
          () ->
              owned(ns, uid).isEmpty() && owned(ns, newUid).contains("Job/" + image + "-inject-1"));
      assertNoOrphans(ns);
      simulator.releaseJobs();
      until(client, ns, () -> ready(gvm(client, ns, "web")));
      assertOnImage(ns, "web", image);
      GoldenImage rebuilt = image(client, ns, image);
      assertThat(rebuilt.getMetadata().getUid()).isEqualTo(newUid);
      assertThat(rebuilt.getStatus().attempts).isEqualTo(1);
      assertThat(jobs(ns, image)).singleElement().satisfies(j -> assertOwnedBy(j, rebuilt));
      assertOwnedBy(
          client.resources(DataVolume.class).inNamespace(ns).withName(image).get(), rebuilt);
      assertThat(phases.seen()).doesNotContain(Phase.Failed);
      assertNoOrphans(ns);
      assertSchemasValid(client, ns);
    }
  }

  // ---- helpers

  private void baseReady(String ns) {
    client.resource(baseImage(ns, "fedora", OS)).create();
    until(
        client,
        ns,
        () ->
            image(client, ns, BASE) != null
                && image(client, ns, BASE).getStatus() != null
                && image(client, ns, BASE).getStatus().phase == Phase.Ready);
  }

  /** Creates the resources from parallel threads released at one moment. */
  private void createAtOnce(List<? extends HasMetadata> resources) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(resources.size());
    try {
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (HasMetadata r : resources) {
        done.add(
            pool.submit(
                () -> {
                  gate.await();
                  return client.resource(r).create();
                }));
      }
      gate.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private List<io.fabric8.kubernetes.api.model.batch.v1.Job> jobs(String ns, String image) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withLabel(Labels.GOLDEN_IMAGE, image)
        .list()
        .getItems();
  }

  /** Every Job, DataVolume, ConfigMap and Secret the operator made for an image. */
  private Stream<HasMetadata> buildObjects(String ns) {
    return ClusterSimulator.buildObjects(client, ns);
  }

  private List<String> owned(String ns, String uid) {
    return buildObjects(ns)
        .filter(
            r ->
                r.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid())))
        .map(r -> r.getKind() + "/" + r.getMetadata().getName())
        .toList();
  }

  /** Each build object is owned by a GoldenImage that exists (same uid, not just same name). */
  private void assertNoOrphans(String ns) {
    Set<String> uids =
        images(client, ns).stream()
            .map(gi -> gi.getMetadata().getUid())
            .collect(Collectors.toSet());
    List<String> orphans =
        buildObjects(ns)
            .filter(
                r ->
                    r.getMetadata().getOwnerReferences().stream()
                        .noneMatch(
                            o -> "GoldenImage".equals(o.getKind()) && uids.contains(o.getUid())))
            .map(r -> r.getKind() + "/" + r.getMetadata().getName())
            .toList();
    assertThat(orphans)
        .as("objects owned by no existing GoldenImage\n" + dump(client, ns))
        .isEmpty();
    // And each VirtualMachine by a GraftedVirtualMachine that exists.
    Set<String> gvms =
        client.resources(GraftedVirtualMachine.class).inNamespace(ns).list().getItems().stream()
            .map(g -> g.getMetadata().getUid())
            .collect(Collectors.toSet());
    assertThat(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems())
        .allSatisfy(
            vm ->
                assertThat(vm.getMetadata().getOwnerReferences())
                    .anySatisfy(o -> assertThat(gvms).contains(o.getUid())));
  }

  private static void assertOwnedBy(HasMetadata r, GoldenImage gi) {
    assertThat(r.getMetadata().getOwnerReferences())
        .as(r.getKind() + " " + r.getMetadata().getName())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(gi.getMetadata().getUid()));
  }

  /** Ready on {@code image}: its status, manifest digest and VirtualMachine all agree. */
  private void assertOnImage(String ns, String name, String image) {
    GraftedVirtualMachine g = gvm(client, ns, name);
    assertThat(g.getStatus().phase).isEqualTo(Phase.Ready);
    assertThat(g.getStatus().image).isEqualTo(image);
    assertThat(g.getStatus().manifestDigest)
        .isEqualTo(image(client, ns, image).getSpec().manifestDigest);
    assertThat(g.getStatus().observedGeneration).isEqualTo(g.getMetadata().getGeneration());
    // The VM may still be catching up with the last image change.
    until(client, ns, () -> image.equals(vmImage(ns, name)));
    // One VM per request, never a second one for the new image.
    assertThat(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems())
        .hasSameSizeAs(
            client.resources(GraftedVirtualMachine.class).inNamespace(ns).list().getItems());
  }

  private String vmImage(String ns, String name) {
    VirtualMachine vm = client.resources(VirtualMachine.class).inNamespace(ns).withName(name).get();
    return vm == null ? null : vm.getSpec().dataVolumeTemplates.get(0).spec.source.pvc.name;
  }

  /** The decoded contents of an image's payload ConfigMap. */
  private List<String> payload(String ns, String image) {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(image + "-payload").get();
    return cm.getBinaryData().values().stream()
        .map(b -> new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8))
        .toList();
  }

  private static ConfigMap configMap(String ns, String name, String content) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .addToData("app.conf", content)
        .build();
  }

  private static String imageNameOf(GraftedVirtualMachine gvm) {
    return imageNameOf(gvm, null);
  }

  /** The image name the operator derives for a request, with {@code cm} as its only ConfigMap. */
  private static String imageNameOf(GraftedVirtualMachine gvm, ConfigMap cm) {
    FileResolver.Lookup lookup =
        new FileResolver.Lookup() {
          @Override
          public FileSet fileSet(String ns, String name) {
            return null;
          }

          @Override
          public ConfigMap configMap(String ns, String name) {
            return cm != null && cm.getMetadata().getName().equals(name) ? cm : null;
          }

          @Override
          public Secret secret(String ns, String name) {
            return null;
          }
        };
    try {
      return new FileResolver(1 << 20).resolve(gvm, lookup).imageName();
    } catch (ResolutionException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The namespace's VirtualMachines as a watch saw them: how often each name was created, and the
   * images (namespace/name) its root disk cloned, in order.
   */
  private static final class VmLog implements AutoCloseable {
    private final Map<String, Integer> creates = new ConcurrentHashMap<>();
    private final Map<String, List<String>> images = new ConcurrentHashMap<>();
    private final Watch watch;

    VmLog(KubernetesClient client, String ns) {
      watch =
          client
              .resources(VirtualMachine.class)
              .inNamespace(ns)
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, VirtualMachine vm) {
                      String name = vm.getMetadata().getName();
                      if (action == Action.ADDED) {
                        creates.merge(name, 1, Integer::sum);
                      }
                      String image = dev.graft.kubevirt.VirtualMachines.imageRef(vm);
                      List<String> seen =
                          images.computeIfAbsent(
                              name, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
                      synchronized (seen) {
                        if (image != null
                            && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(image))) {
                          seen.add(image);
                        }
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
    }

    int creates(String name) {
      return creates.getOrDefault(name, 0);
    }

    List<String> images(String name) {
      List<String> seen = images.getOrDefault(name, List.of());
      synchronized (seen) {
        return List.copyOf(seen);
      }
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  /** Every phase the namespace's GraftedVirtualMachines pass through, seen by a watch. */
  private static final class PhaseLog implements AutoCloseable {
    private final Set<Phase> seen = ConcurrentHashMap.newKeySet();
    private final Watch watch;

    PhaseLog(KubernetesClient client, String ns) {
      watch =
          client
              .resources(GraftedVirtualMachine.class)
              .inNamespace(ns)
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, GraftedVirtualMachine g) {
                      if (g.getStatus() != null && g.getStatus().phase != null) {
                        seen.add(g.getStatus().phase);
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
    }

    Set<Phase> seen() {
      return Set.copyOf(seen);
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
