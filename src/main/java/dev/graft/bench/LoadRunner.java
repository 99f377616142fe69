package dev.graft.bench;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The load benchmark against the running operator: sets up {@link LoadFleet}'s base images and
 * FileSets, creates N GraftedVirtualMachines at once, waits until all are Ready (the simulator
 * plays CDI and the Job controller), then counts the API requests the operator made (recorded by
 * the mock API server; the harness and the simulator use their own User-Agent and are left out),
 * the objects it created and the heap it holds.
 */
@ApplicationScoped
@Unremovable
public class LoadRunner {
  /** The User-Agent of the harness and simulator client: their requests are not counted. */
  public static final String HARNESS = "graft-load-harness";

  private static final AtomicInteger RUNS = new AtomicInteger();
  private static volatile KubernetesMockServer recordingServer;

  private final KubernetesClient operatorClient;
  private final MeterRegistry registry;

  public LoadRunner(KubernetesClient operatorClient, MeterRegistry registry) {
    this.operatorClient = operatorClient;
    this.registry = registry;
  }

  /** The API server whose recorded requests are counted (the embedded or the test server). */
  public static void recordFrom(KubernetesMockServer server) {
    recordingServer = server;
  }

  /** What one run measured. */
  public record Result(
      int vms,
      double secondsToReady,
      int ready,
      int goldenImages,
      int builds,
      int distinctImagesUsed,
      int usedImagesWithoutLastUse,
      int virtualMachines,
      int dataVolumes,
      int jobs,
      List<String> duplicates,
      ApiCalls calls,
      long reconciles,
      long heapBefore,
      long heapAfter,
      long heapOperator,
      Map<String, Integer> writes) {

    public double callsPerVm() {
      return (double) calls.total() / vms;
    }

    public double heapPerVm() {
      return (double) (heapAfter - heapBefore) / vms;
    }

    /**
     * The operator's share of {@link #heapPerVm}: the heap still used once the API server's copy,
     * the simulator and the harness's log were let go; negative when not measured.
     */
    public double operatorHeapPerVm() {
      return heapOperator < 0 ? -1 : (double) (heapOperator - heapBefore) / vms;
    }

    /**
     * The least of the two figures that each bound the operator's heap from above: the whole JVM's
     * growth holds the operator's share, and so does {@link #operatorHeapPerVm}. Either one can be
     * inflated by what the rest of a shared JVM retains meanwhile (in a full test run, 20 MB once
     * appeared between the two readings), so a bound is checked against the lesser.
     */
    public double operatorHeapBoundPerVm() {
      return operatorHeapPerVm() < 0 ? heapPerVm() : Math.min(heapPerVm(), operatorHeapPerVm());
    }
  }

  /** Runs one load of n GraftedVirtualMachines in a fresh namespace. */
  public Result run(int n, Duration timeout) throws InterruptedException {
    KubernetesMockServer server = recordingServer;
    if (server == null) {
      throw new IllegalStateException("no recording API server: call LoadRunner.recordFrom first");
    }
    KubernetesClient harness =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(operatorClient.getConfiguration())
                    .withUserAgent(HARNESS)
                    // Thousands of creates at once queue up in the embedded server: wait for them.
                    .withRequestTimeout(120_000)
                    .build())
            .build();
    // Held only by this list, which the run empties once it has weighed the heap with it.
    List<AutoCloseable> others = new ArrayList<>(List.of(new ClusterSimulator(harness).start()));
    try {
      return run(n, timeout, harness, server, others);
    } finally {
      closeAll(others);
      harness.close();
    }
  }

  /**
   * The same against an API server whose requests are not recorded (a real kube-apiserver): {@code
   * harness} (cluster admin) creates the objects, and a simulator started by the caller plays CDI
   * and KubeVirt. Calls are not counted (the result's calls are empty). {@code others}, when not
   * empty, are what else holds per-VM state in this JVM (the simulator): closed and let go after
   * the run to weigh the operator's heap alone (the caller must hold no other reference to them).
   */
  public Result runUnrecorded(
      int n, Duration timeout, KubernetesClient harness, List<AutoCloseable> others)
      throws InterruptedException {
    return run(n, timeout, harness, null, others);
  }

  private Result run(
      int n,
      Duration timeout,
      KubernetesClient harness,
      KubernetesMockServer server,
      List<AutoCloseable> others)
      throws InterruptedException {
    String ns = "load-" + n + "-" + RUNS.incrementAndGet();
    harness
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .endMetadata()
                .build())
        .create();
    {
      LoadFleet.baseImages(ns).forEach(bi -> harness.resource(bi).create());
      LoadFleet.fileSets(ns).forEach(fs -> harness.resource(fs).create());
      Instant deadline = Instant.now().plus(timeout);
      while (readyBases(harness, ns) < LoadFleet.baseImages(ns).size()) {
        waitOrFail(deadline, "base images of " + ns + " not Ready");
      }
      StatusLog log = new StatusLog(harness, ns);
      quiesce(server);
      long heapBefore = heapAfterGc();
      long reconcilesBefore = reconciles();

      Instant start = Instant.now();
      createAll(harness, LoadFleet.vms(ns, n));
      int ready;
      // Counted from the watch, not by listing every request five times a second (at 5,000 the
      // lists were much of the embedded server's load); one list confirms.
      // Every 10 s a list, in case the watch missed something.
      for (int tick = 1; log.ready() < n && Instant.now().isBefore(deadline); tick++) {
        Thread.sleep(100);
        if (tick % 100 == 0 && ready(harness, ns) >= n) {
          break;
        }
      }
      ready = ready(harness, ns);
      double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
      // Count until the operator has been quiet for a second: status patches and events that
      // follow the last Ready belong to this load too.
      ApiCalls calls = quiesce(server);
      long heapAfter = heapAfterGc();
      long reconciles = reconcilesBefore < 0 ? -1 : reconciles() - reconcilesBefore;
      log.close();
      Map<String, Integer> writes = log.writes(harness, ns);
      log = null;
      Result counted =
          inventory(
              harness, ns, n, seconds, ready, calls, reconciles, heapBefore, heapAfter, writes);
      long heapOperator = operatorHeap(ns, server, others);
      return new Result(
          counted.vms(),
          counted.secondsToReady(),
          counted.ready(),
          counted.goldenImages(),
          counted.builds(),
          counted.distinctImagesUsed(),
          counted.usedImagesWithoutLastUse(),
          counted.virtualMachines(),
          counted.dataVolumes(),
          counted.jobs(),
          counted.duplicates(),
          counted.calls(),
          counted.reconciles(),
          counted.heapBefore(),
          counted.heapAfter(),
          heapOperator,
          counted.writes());
    }
  }

  /**
   * The heap in use once everything that holds this run's objects but the operator is let go: the
   * simulator (its informers: every VirtualMachine and DataVolume) closed and dropped, and the
   * namespace's objects forgotten by the mock API server (no watch event: the operator's caches
   * keep theirs). What stays is the operator's (its informer caches, indexes, maps) plus what was
   * there before the requests. -1 when the rest cannot be let go (a simulator the caller keeps, a
   * real API server's store is elsewhere and needs nothing).
   */
  private static long operatorHeap(
      String ns, KubernetesMockServer server, List<AutoCloseable> others)
      throws InterruptedException {
    if (others.isEmpty()) {
      return -1;
    }
    closeAll(others);
    others.clear();
    if (server != null) {
      MockStore store = MockStore.of(server);
      if (store == null) {
        return -1;
      }
      store.forget(ns);
    }
    // The least of a few readings: whatever else the JVM is doing only adds to a reading.
    long heap = heapAfterGc();
    for (int i = 0; i < 2; i++) {
      heap = Math.min(heap, heapAfterGc());
    }
    histogram(System.getProperty("load.histogram"));
    return heap;
  }

  /**
   * With {@code -Dload.histogram=FILE}: the live objects by class at the operator's measurement
   * (what {@code jcmd PID GC.class_histogram} prints), to see what the operator holds.
   */
  private static void histogram(String file) {
    if (file == null || file.isBlank()) {
      return;
    }
    try {
      Object text =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "gcClassHistogram",
                  new Object[] {new String[0]},
                  new String[] {String[].class.getName()});
      java.nio.file.Files.writeString(java.nio.file.Path.of(file), String.valueOf(text));
    } catch (Exception e) {
      System.err.println("load.histogram: " + e);
    }
  }

  private static void closeAll(List<AutoCloseable> others) {
    for (AutoCloseable c : others) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing twice or a failing close: nothing more to let go.
      }
    }
  }

  private static void createAll(KubernetesClient client, List<GraftedVirtualMachine> gvms)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (GraftedVirtualMachine gvm : gvms) {
        done.add(pool.submit(() -> client.resource(gvm).create()));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("creating the GraftedVirtualMachines failed", e.getCause());
    } finally {
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static int readyBases(KubernetesClient client, String ns) {
    return (int)
        client.resources(GoldenImage.class).inNamespace(ns).list().getItems().stream()
            .filter(gi -> gi.getSpec().parent == null)
            .filter(gi -> gi.getStatus() != null && gi.getStatus().phase == Phase.Ready)
            .count();
  }

  private static int ready(KubernetesClient client, String ns) {
    return (int)
        client.resources(GraftedVirtualMachine.class).inNamespace(ns).list().getItems().stream()
            .filter(g -> g.getStatus() != null && g.getStatus().phase == Phase.Ready)
            .count();
  }

  /** Takes every recorded request until none came for a second; counts the operator's. */
  private static ApiCalls quiesce(KubernetesMockServer server) throws InterruptedException {
    ApiCalls calls = new ApiCalls();
    if (server == null) {
      Thread.sleep(1_000); // not recorded: a second for the writes that follow the last Ready
      return calls;
    }
    Instant cap = Instant.now().plusSeconds(30);
    Instant lastOperatorCall = Instant.now();
    while (Instant.now().isBefore(cap)
        && Duration.between(lastOperatorCall, Instant.now()).toMillis() < 1_000) {
      RecordedRequest r = server.takeRequest(100, TimeUnit.MILLISECONDS);
      if (r == null) {
        continue;
      }
      String agent = r.getHeader("User-Agent");
      if (agent == null || !agent.contains(HARNESS)) {
        calls.add(r.getMethod(), r.getPath());
        lastOperatorCall = Instant.now();
      }
    }
    return calls;
  }

  private static Result inventory(
      KubernetesClient client,
      String ns,
      int n,
      double seconds,
      int ready,
      ApiCalls calls,
      long reconciles,
      long heapBefore,
      long heapAfter,
      Map<String, Integer> writes) {
    List<GoldenImage> images =
        client.resources(GoldenImage.class).inNamespace(ns).list().getItems();
    List<VirtualMachine> vms =
        client.resources(VirtualMachine.class).inNamespace(ns).list().getItems();
    List<DataVolume> dvs = client.resources(DataVolume.class).inNamespace(ns).list().getItems();
    List<Job> jobs = client.batch().v1().jobs().inNamespace(ns).list().getItems();
    List<String> duplicates = new ArrayList<>();
    // One VM per GraftedVirtualMachine, one DataVolume (import or clone) and at most one Job per
    // GoldenImage: anything more was created twice.
    duplicates(
        vms, vm -> vm.getMetadata().getLabels().get(Labels.GVM), "VirtualMachine", duplicates);
    duplicates(
        dvs, dv -> dv.getMetadata().getLabels().get(Labels.GOLDEN_IMAGE), "DataVolume", duplicates);
    duplicates(jobs, j -> j.getMetadata().getLabels().get(Labels.GOLDEN_IMAGE), "Job", duplicates);
    duplicates(
        images,
        gi -> gi.getSpec().os + "/" + gi.getSpec().manifestDigest,
        "GoldenImage",
        duplicates);
    java.util.Set<String> usedImages =
        client.resources(GraftedVirtualMachine.class).inNamespace(ns).list().getItems().stream()
            .map(g -> g.getStatus() == null ? null : g.getStatus().image)
            .filter(java.util.Objects::nonNull)
            .collect(Collectors.toSet());
    int used = usedImages.size();
    // Every image a VM clones has its last use recorded (cache eviction ranks by it).
    int unrecorded =
        (int)
            images.stream()
                .filter(gi -> usedImages.contains(gi.getMetadata().getName()))
                .filter(gi -> gi.getStatus() == null || gi.getStatus().lastUsed == null)
                .count();
    int builds = (int) images.stream().filter(gi -> gi.getSpec().parent != null).count();
    return new Result(
        n,
        seconds,
        ready,
        images.size(),
        builds,
        used,
        unrecorded,
        vms.size(),
        dvs.size(),
        jobs.size(),
        duplicates,
        calls,
        reconciles,
        heapBefore,
        heapAfter,
        -1,
        writes);
  }

  private static <T extends HasMetadata> void duplicates(
      List<T> items, Function<T, String> key, String kind, List<String> out) {
    Map<String, Long> counts =
        items.stream()
            .collect(
                Collectors.groupingBy(i -> String.valueOf(key.apply(i)), Collectors.counting()));
    counts.forEach(
        (k, c) -> {
          if (c > 1) {
            out.add(c + " " + kind + "s for " + k);
          }
        });
  }

  /**
   * Reconciles started so far, all controllers, from the SDK's Micrometer counters; -1 when the
   * registry has none.
   */
  private long reconciles() {
    // The injected registry, or Micrometer's global one where the SDK binds in a packaged app.
    var counters =
        java.util.stream.Stream.concat(
                registry.getMeters().stream(),
                io.micrometer.core.instrument.Metrics.globalRegistry.getMeters().stream())
            .distinct()
            .filter(m -> m instanceof io.micrometer.core.instrument.Counter)
            .filter(m -> m.getId().getName().contains("reconciliations.started"))
            .map(m -> (io.micrometer.core.instrument.Counter) m)
            .toList();
    if (counters.isEmpty()) {
      return -1;
    }
    return Math.round(counters.stream().mapToDouble(c -> c.count()).sum());
  }

  private static long heapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static void waitOrFail(Instant deadline, String what) throws InterruptedException {
    if (Instant.now().isAfter(deadline)) {
      throw new IllegalStateException(what + " before the timeout");
    }
    Thread.sleep(200);
  }
}
