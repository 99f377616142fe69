package dev.graft.sim;

import dev.graft.api.GoldenImage;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataSource;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumes;
import dev.graft.kubevirt.VirtualMachine;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Plays CDI, KubeVirt's virt-controller ({@link KubeVirtSimulator}), the Job controller and the
 * garbage collector against an API server without them (the mock server of the tests and of {@code
 * graft demo}): a new DataVolume gets its PVC and phase Succeeded; an injection Job completes, or
 * fails, or waits until told; the Jobs, DataVolumes, ConfigMaps and Secrets a deleted GoldenImage
 * owned are deleted, now or when told. Never used against a real cluster. Against a real control
 * plane without CDI ({@link #cdiOnly}) it plays CDI only, and the real Job controller and garbage
 * collector do the rest.
 */
public final class ClusterSimulator implements AutoCloseable {
  private final KubernetesClient client;
  private final Set<String> heldJobs = ConcurrentHashMap.newKeySet();
  private final Set<String> heldDataVolumes = ConcurrentHashMap.newKeySet();
  private volatile boolean holdJobs;
  private volatile Predicate<DataVolume> holdDataVolume = dv -> false;
  private volatile boolean holdGarbage;
  private final List<GoldenImage> garbage = new CopyOnWriteArrayList<>();
  private volatile Predicate<String> failImage = image -> false;
  private volatile String failMessage;
  private volatile String cloneFallbackReason;
  private volatile SimulatedCosts costs;
  private volatile long hostAssistedBytesPerSecond;
  private volatile Predicate<DataVolume> failClone = dv -> false;
  private volatile int cloneFailures;
  private final ScheduledExecutorService cdiPods =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "simulated-cdi-pods");
            t.setDaemon(true);
            return t;
          });
  private static final long RESTART_MILLIS = 300;
  private volatile boolean waitForFirstConsumer;
  private final Set<String> waitingForConsumer = ConcurrentHashMap.newKeySet();
  private SharedIndexInformer<DataVolume> dataVolumes;
  private SharedIndexInformer<Job> jobs;
  private SharedIndexInformer<GoldenImage> images;
  private final boolean jobsAndGarbage;
  private final KubeVirtSimulator kubevirt;
  private static final long RESYNC_MILLIS = 2000;

  public ClusterSimulator(KubernetesClient client) {
    this(client, true);
  }

  private ClusterSimulator(KubernetesClient client, boolean jobsAndGarbage) {
    this.client = client;
    this.jobsAndGarbage = jobsAndGarbage;
    this.kubevirt =
        new KubeVirtSimulator(
            client, jobsAndGarbage ? 0 : RESYNC_MILLIS, jobsAndGarbage, this::consume);
  }

  /** Plays CDI only: for a real API server whose own controllers run the Jobs and collect. */
  public static ClusterSimulator cdiOnly(KubernetesClient client) {
    return new ClusterSimulator(client, false);
  }

  /** Starts watching DataVolumes, VirtualMachines and Jobs in every namespace. */
  public ClusterSimulator start() {
    kubevirt.start();
    dataVolumes =
        client
            .resources(DataVolume.class)
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(DataVolume dv) {
                    if (waitsForConsumer(dv)) {
                      waitForConsumer(dv);
                    } else if (holdDataVolume.test(dv)) {
                      heldDataVolumes.add(
                          dv.getMetadata().getNamespace() + "/" + dv.getMetadata().getName());
                    } else {
                      populate(dv);
                    }
                  }

                  @Override
                  public void onUpdate(DataVolume old, DataVolume dv) {
                    // Against a real API server a completion can fail (e.g. while it restarts):
                    // the periodic resync tries again, as CDI's controller would.
                    if (!jobsAndGarbage
                        && dv.getStatus() == null
                        && !holdDataVolume.test(dv)
                        && !waitsForConsumer(dv)) {
                      complete(dv);
                    }
                  }

                  @Override
                  public void onDelete(DataVolume dv, boolean unknown) {}
                },
                jobsAndGarbage ? 0 : RESYNC_MILLIS);
    if (!jobsAndGarbage) {
      return this;
    }
    jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabel(Labels.GOLDEN_IMAGE)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Job job) {
                    consume(job);
                    String image = job.getMetadata().getLabels().get(Labels.GOLDEN_IMAGE);
                    if (shared(job)) {
                      if (holdJobs) {
                        heldJobs.add(
                            job.getMetadata().getNamespace() + "/" + job.getMetadata().getName());
                      } else {
                        sharedPod(job);
                        finish(job, true);
                      }
                    } else if (failImage.test(image)) {
                      if (failMessage != null) {
                        failedPod(job, failMessage);
                      }
                      finish(job, false);
                    } else if (holdJobs) {
                      heldJobs.add(
                          job.getMetadata().getNamespace() + "/" + job.getMetadata().getName());
                    } else {
                      if (costs != null) {
                        succeededPod(job, costs);
                      }
                      finish(job, true);
                    }
                  }

                  @Override
                  public void onUpdate(Job old, Job job) {}

                  @Override
                  public void onDelete(Job job, boolean unknown) {}
                });
    images =
        client
            .resources(GoldenImage.class)
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(GoldenImage gi) {}

                  @Override
                  public void onUpdate(GoldenImage old, GoldenImage gi) {}

                  @Override
                  public void onDelete(GoldenImage gi, boolean unknown) {
                    if (holdGarbage) {
                      garbage.add(gi);
                    } else {
                      collect(gi);
                    }
                  }
                });
    return this;
  }

  /**
   * Plays virt-controller's DataVolumes too: it creates those of a VM's dataVolumeTemplates (owned
   * by the VM, with the template's labels and annotations, collected with the VM), and a starting
   * VM stays Provisioning until they succeeded (DataVolumeError while one fails persistently). Off
   * by default: a VM's volumes are then ready at once, and only Graft's build DataVolumes exist.
   */
  public ClusterSimulator withVmDataVolumes() {
    kubevirt.dataVolumeTemplates(true);
    return this;
  }

  /** VMs matching this cannot be scheduled (KubeVirt's ErrorUnschedulable) until told otherwise. */
  public void unschedulableVms(Predicate<VirtualMachine> which) {
    kubevirt.unschedulable(which);
  }

  /** Restarts a VM as {@code virtctl restart} does: it runs from the volumes its spec names now. */
  public void restartVm(String namespace, String name) {
    kubevirt.restart(namespace, name);
  }

  /** The DataVolumes a VM runs from (empty when it does not run). */
  public List<String> runningVolumes(String namespace, String name) {
    return kubevirt.runningVolumes(namespace, name);
  }

  /**
   * Plays a WaitForFirstConsumer StorageClass (local-path, TopoLVM, LVMS...) as CDI does: a new
   * DataVolume without {@code cdi.kubevirt.io/storage.bind.immediate.requested: "true"} stays in
   * phase WaitForFirstConsumer, its PVC unbound, until a Pod (here: a Job's pod template) mounts
   * its PVC.
   */
  public void waitForFirstConsumer(boolean wffc) {
    this.waitForFirstConsumer = wffc;
  }

  /** Names (namespace/name) of DataVolumes waiting for a consumer. */
  public Set<String> waitingForConsumer() {
    return Set.copyOf(waitingForConsumer);
  }

  private boolean waitsForConsumer(DataVolume dv) {
    var a = dv.getMetadata().getAnnotations();
    return waitForFirstConsumer
        && (a == null || !"true".equals(a.get(DataVolumes.BIND_IMMEDIATE)))
        && (dv.getStatus() == null || !DataVolume.SUCCEEDED.equals(dv.getStatus().phase));
  }

  private void waitForConsumer(DataVolume dv) {
    String ns = dv.getMetadata().getNamespace();
    String name = dv.getMetadata().getName();
    waitingForConsumer.add(ns + "/" + name);
    editDataVolumeStatus(
        ns,
        name,
        d -> {
          DataVolume.Status s = new DataVolume.Status();
          s.phase = "WaitForFirstConsumer";
          s.progress = "N/A";
          s.claimName = name;
          // As CDI's updateBoundCondition writes it for a Pending claim.
          s.conditions =
              List.of(
                  Map.of(
                      "type", "Bound",
                      "status", "False",
                      "reason", "Pending",
                      "message", "PVC " + name + " Pending"),
                  Map.of("type", "Running", "status", "False", "reason", "", "message", ""),
                  Map.of("type", "Ready", "status", "False", "reason", "", "message", ""));
          d.setStatus(s);
          return d;
        });
  }

  /** A Job's pod consumes the PVCs it mounts: their DataVolumes waiting for a consumer go on. */
  private void consume(Job job) {
    var spec = job.getSpec().getTemplate().getSpec();
    if (spec == null || spec.getVolumes() == null) {
      return;
    }
    String ns = job.getMetadata().getNamespace();
    for (var volume : spec.getVolumes()) {
      if (volume.getPersistentVolumeClaim() != null) {
        consume(ns, volume.getPersistentVolumeClaim().getClaimName());
      }
    }
  }

  /** A pod mounts this PVC (a Job's, or a VM's virt-launcher): its DataVolume goes on. */
  void consume(String ns, String claim) {
    if (waitingForConsumer.remove(ns + "/" + claim)) {
      DataVolume dv = client.resources(DataVolume.class).inNamespace(ns).withName(claim).get();
      if (dv != null) {
        complete(dv);
      }
    }
  }

  /** What deleted GoldenImages owned stays until {@link #collectGarbage()}. */
  public void holdGarbageCollection(boolean hold) {
    this.holdGarbage = hold;
  }

  /** Collects what was held, and collects at once from now on. */
  public void collectGarbage() {
    holdGarbage = false;
    for (GoldenImage gi : List.copyOf(garbage)) {
      collect(gi);
      garbage.remove(gi);
    }
  }

  /** Deletes the build objects (labelled with the image) whose owner is this GoldenImage. */
  private void collect(GoldenImage gi) {
    String ns = gi.getMetadata().getNamespace();
    String uid = gi.getMetadata().getUid();
    buildObjects(client, ns)
        .filter(
            r ->
                r.getMetadata().getOwnerReferences() != null
                    && r.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> uid.equals(o.getUid()))
                    // As the garbage collector: an object of several owners stays while one is
                    // left.
                    && r.getMetadata().getOwnerReferences().stream()
                        .filter(o -> !uid.equals(o.getUid()))
                        .noneMatch(o -> exists(ns, o)))
        .forEach(
            r -> {
              try {
                client.resource(r).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
              } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                  throw e;
                }
              }
            });
  }

  private boolean exists(String ns, io.fabric8.kubernetes.api.model.OwnerReference owner) {
    GoldenImage gi =
        client.resources(GoldenImage.class).inNamespace(ns).withName(owner.getName()).get();
    return gi != null && owner.getUid().equals(gi.getMetadata().getUid());
  }

  /** Every Job, DataVolume, ConfigMap and Secret labelled with a GoldenImage in the namespace. */
  public static Stream<HasMetadata> buildObjects(KubernetesClient client, String ns) {
    return Stream.of(
            client.batch().v1().jobs().inNamespace(ns).withLabel(Labels.GOLDEN_IMAGE).list(),
            client
                .resources(DataVolume.class)
                .inNamespace(ns)
                .withLabel(Labels.GOLDEN_IMAGE)
                .list(),
            client.configMaps().inNamespace(ns).withLabel(Labels.GOLDEN_IMAGE).list(),
            client.secrets().inNamespace(ns).withLabel(Labels.GOLDEN_IMAGE).list())
        .flatMap(list -> list.getItems().stream().map(HasMetadata.class::cast));
  }

  /** Jobs of images matching this fail (every attempt). */
  public void failJobsFor(Predicate<String> image) {
    failJobsFor(image, null);
  }

  /**
   * Jobs of images matching this fail (every attempt), each with a failed pod whose injector
   * container ended with {@code terminationMessage} (none when null), as kubelet reports it.
   */
  public void failJobsFor(Predicate<String> image, String terminationMessage) {
    this.failMessage = terminationMessage;
    this.failImage = image;
  }

  /** New Jobs stay running until {@link #releaseJobs()}. */
  public void holdJobs(boolean hold) {
    this.holdJobs = hold;
  }

  /** Clones report this CDI fallback reason (e.g. no CSI clone between storage classes). */
  public void cloneFallbackReason(String reason) {
    this.cloneFallbackReason = reason;
  }

  /**
   * Host-assisted clones (CDI's fallback: {@link #cloneFallbackReason} set) copy at this rate, so
   * that they take time in proportion to their size; 0 (the default) completes them at once.
   */
  public void hostAssistedCloneRate(long bytesPerSecond) {
    this.hostAssistedBytesPerSecond = bytesPerSecond;
  }

  /**
   * CDI's pod of new clones matching {@code which} fails {@code restarts} times before it succeeds,
   * as CDI reports it: restartCount counts up, Running is False with reason Error and the pod's
   * message, the phase stays CloneInProgress (CDI retries by itself). {@link Integer#MAX_VALUE}: it
   * fails until {@link #stopFailingClones()}.
   */
  public void failClones(Predicate<DataVolume> which, int restarts) {
    this.cloneFailures = restarts;
    this.failClone = which;
  }

  /** Failing clones succeed at their next retry. */
  public void stopFailingClones() {
    this.failClone = dv -> false;
  }

  private static boolean isClone(DataVolume dv) {
    return dv.getSpec() != null && dv.getSpec().source != null && dv.getSpec().source.pvc != null;
  }

  /** What CDI does with a new DataVolume: fail and retry, copy for a while, or complete. */
  private void populate(DataVolume dv) {
    if (isClone(dv) && failClone.test(dv)) {
      failOnce(dv, 1);
    } else if (isClone(dv) && cloneFallbackReason != null && hostAssistedBytesPerSecond > 0) {
      copy(dv);
    } else {
      complete(dv);
    }
  }

  /** CDI's clone pod failed for the n-th time; CDI restarts it. */
  private void failOnce(DataVolume dv, int restart) {
    String pod = "cdi-upload-" + dv.getMetadata().getName();
    boolean written =
        writeStatus(
            dv,
            "CloneInProgress",
            "N/A",
            restart,
            cdiConditions(
                dv.getMetadata().getName(),
                "False",
                "Error",
                "Unable to process data: pod "
                    + pod
                    + " failed: read tcp: connection reset by peer",
                false));
    if (!written) {
      return;
    }
    cdiPods.schedule(
        () -> {
          if (restart < cloneFailures && failClone.test(dv)) {
            failOnce(dv, restart + 1);
          } else if (cloneFallbackReason != null && hostAssistedBytesPerSecond > 0) {
            copy(dv);
          } else {
            complete(dv);
          }
        },
        RESTART_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** A host-assisted copy: in progress for size / rate, then complete. */
  private void copy(DataVolume dv) {
    long bytes = Quantity.getAmountInBytes(new Quantity(size(dv))).longValue();
    long millis = bytes * 1000 / hostAssistedBytesPerSecond;
    writeStatus(
        dv,
        "CloneInProgress",
        "0.00%",
        restarts(dv),
        cdiConditions(dv.getMetadata().getName(), "True", "", "", false));
    cdiPods.schedule(() -> complete(dv), millis, TimeUnit.MILLISECONDS);
  }

  private int restarts(DataVolume dv) {
    DataVolume now =
        client
            .resources(DataVolume.class)
            .inNamespace(dv.getMetadata().getNamespace())
            .withName(dv.getMetadata().getName())
            .get();
    return now == null || now.getStatus() == null || now.getStatus().restartCount == null
        ? 0
        : now.getStatus().restartCount;
  }

  /** Writes a DataVolume's status; false when it is gone. */
  private boolean writeStatus(
      DataVolume dv,
      String phase,
      String progress,
      int restarts,
      List<Map<String, Object>> conditions) {
    return editDataVolumeStatus(
        dv.getMetadata().getNamespace(),
        dv.getMetadata().getName(),
        d -> {
          DataVolume.Status s = new DataVolume.Status();
          s.phase = phase;
          s.progress = progress;
          s.claimName = dv.getMetadata().getName();
          s.restartCount = restarts;
          s.conditions = conditions;
          d.setStatus(s);
          return d;
        });
  }

  /**
   * Bound, Running and Ready as CDI's datavolume/conditions.go writes them: the PVC bound; Running
   * with the pod's state; Ready once done (TransferRunning while the pod runs).
   */
  static List<Map<String, Object>> cdiConditions(
      String claim, String running, String reason, String message, boolean done) {
    String now = Instant.now().toString();
    return List.of(
        Map.of(
            "type", "Bound",
            "status", "True",
            "reason", "Bound",
            "message", "PVC " + claim + " Bound",
            "lastTransitionTime", now),
        Map.of(
            "type", "Running",
            "status", running,
            "reason", reason,
            "message", message,
            "lastTransitionTime", now),
        Map.of(
            "type",
            "Ready",
            "status",
            done ? "True" : "False",
            "reason",
            done || !"True".equals(running) ? "" : "TransferRunning",
            "message",
            "",
            "lastTransitionTime",
            now));
  }

  private static String size(DataVolume dv) {
    if (dv.getSpec() != null
        && dv.getSpec().storage != null
        && dv.getSpec().storage.resources != null
        && dv.getSpec().storage.resources.requests != null) {
      return dv.getSpec().storage.resources.requests.getOrDefault("storage", "10Gi");
    }
    return "10Gi";
  }

  /** New DataVolumes stay in progress. */
  public void holdDataVolumes(boolean hold) {
    this.holdDataVolume = dv -> hold;
  }

  /** New clone DataVolumes stay in progress; imports of base images complete. */
  public void holdClones(boolean hold) {
    this.holdDataVolume =
        dv ->
            hold
                && dv.getSpec() != null
                && dv.getSpec().source != null
                && dv.getSpec().source.pvc != null;
  }

  /** Completes every held DataVolume, and the ones created from now on. */
  public void releaseDataVolumes() {
    holdDataVolume = dv -> false;
    for (String key : List.copyOf(heldDataVolumes)) {
      String[] parts = key.split("/", 2);
      DataVolume dv =
          client.resources(DataVolume.class).inNamespace(parts[0]).withName(parts[1]).get();
      if (dv != null) {
        complete(dv);
      }
      heldDataVolumes.remove(key);
    }
  }

  /** Names (namespace/name) of DataVolumes waiting for {@link #releaseDataVolumes()}. */
  public Set<String> heldDataVolumes() {
    return Set.copyOf(heldDataVolumes);
  }

  /** Completes every held Job successfully. */
  public void releaseJobs() {
    holdJobs = false;
    for (String key : List.copyOf(heldJobs)) {
      String[] parts = key.split("/", 2);
      Job job = client.batch().v1().jobs().inNamespace(parts[0]).withName(parts[1]).get();
      if (job != null) {
        if (shared(job)) {
          sharedPod(job);
        }
        finish(job, true);
      }
      heldJobs.remove(key);
    }
  }

  /** Names (namespace/name) of Jobs waiting for {@link #releaseJobs()}. */
  public Set<String> heldJobs() {
    return Set.copyOf(heldJobs);
  }

  private void complete(DataVolume dv) {
    String ns = dv.getMetadata().getNamespace();
    String name = dv.getMetadata().getName();
    String size = "10Gi";
    if (dv.getSpec() != null
        && dv.getSpec().storage != null
        && dv.getSpec().storage.resources != null
        && dv.getSpec().storage.resources.requests != null) {
      size = dv.getSpec().storage.resources.requests.getOrDefault("storage", size);
    }
    boolean clone =
        dv.getSpec() != null && dv.getSpec().source != null && dv.getSpec().source.pvc != null;
    // As CDI does: how the clone was made, and why it fell back, on the target PVC.
    Map<String, String> annotations = new java.util.LinkedHashMap<>();
    if (clone) {
      String reason = cloneFallbackReason;
      annotations.put("cdi.kubevirt.io/cloneType", reason == null ? "csi-clone" : "copy");
      annotations.put("cdi.kubevirt.io/clonePhase", "Succeeded");
      if (reason != null) {
        annotations.put("cdi.kubevirt.io/cloneFallbackReason", reason);
      }
    }
    try {
      client
          .persistentVolumeClaims()
          .inNamespace(ns)
          .resource(
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .withLabels(dv.getMetadata().getLabels())
                  .withAnnotations(annotations)
                  .endMetadata()
                  .withNewSpec()
                  .withAccessModes("ReadWriteOnce")
                  .withNewResources()
                  .withRequests(Map.of("storage", new Quantity(size)))
                  .endResources()
                  .endSpec()
                  .withNewStatus()
                  .withPhase("Bound")
                  .endStatus()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    if (clone) {
      // CDI also puts the clone type on the DataVolume, before it reports the clone done.
      editDataVolume(ns, name, annotations.get("cdi.kubevirt.io/cloneType"));
    }
    editDataVolumeStatus(
        ns,
        name,
        d -> {
          DataVolume.Status s = new DataVolume.Status();
          s.phase = DataVolume.SUCCEEDED;
          s.progress = "100.0%";
          s.claimName = name;
          if (d.getStatus() != null) {
            s.restartCount = d.getStatus().restartCount;
          }
          s.conditions =
              cdiConditions(
                  name, "False", "Completed", clone ? "Clone Complete" : "Import Complete", true);
          if (costs != null) {
            // Known clone times: Ready comes cloneSeconds after the DataVolume's creation.
            List<Map<String, Object>> timed = new java.util.ArrayList<>();
            for (Map<String, Object> c : s.conditions) {
              timed.add("Ready".equals(c.get("type")) ? readyCondition(d, costs) : c);
            }
            s.conditions = timed;
          }
          d.setStatus(s);
          return d;
        });
  }

  /**
   * Builds take known times from now on: a succeeded injection Job's pod ends with the injector's
   * {@code GRAFT-RESULT} termination message for its image's diff, and a clone DataVolume's Ready
   * condition comes {@link SimulatedCosts#cloneSeconds} after its creation.
   */
  public void simulateCosts(SimulatedCosts costs) {
    this.costs = costs;
  }

  private static Map<String, Object> readyCondition(DataVolume dv, SimulatedCosts costs) {
    Instant created =
        dv.getMetadata().getCreationTimestamp() == null
            ? Instant.now()
            : Instant.parse(dv.getMetadata().getCreationTimestamp());
    long bytes = 0;
    if (dv.getSpec() != null
        && dv.getSpec().storage != null
        && dv.getSpec().storage.resources != null
        && dv.getSpec().storage.resources.requests != null) {
      bytes =
          Quantity.getAmountInBytes(
                  new Quantity(
                      dv.getSpec().storage.resources.requests.getOrDefault("storage", "10Gi")))
              .longValue();
    }
    Instant ready = created.plusMillis((long) (costs.cloneSeconds(bytes) * 1000));
    Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("type", "Ready");
    c.put("status", "True");
    c.put("reason", "Completed");
    c.put("lastTransitionTime", ready.toString());
    return c;
  }

  /** The Job controller's pod, as kubelet leaves it after the injector wrote its result. */
  private void succeededPod(Job job, SimulatedCosts costs) {
    String image = job.getMetadata().getLabels().get(Labels.GOLDEN_IMAGE);
    String ns = job.getMetadata().getNamespace();
    GoldenImage gi = client.resources(GoldenImage.class).inNamespace(ns).withName(image).get();
    if (gi == null) {
      return;
    }
    GoldenImage parent =
        gi.getSpec().parent == null
            ? null
            : client
                .resources(GoldenImage.class)
                .inNamespace(ns)
                .withName(gi.getSpec().parent)
                .get();
    var diff = dev.graft.build.Payloads.diff(gi, parent);
    terminatedPod(
        job,
        0,
        "Completed",
        costs.injectorResult(diff.bytesAdded(), diff.add().size(), diff.remove().size()));
  }

  /** A Job shared by several builds (one appliance launch for all their disks). */
  private static boolean shared(Job job) {
    return dev.graft.build.InjectionJobs.disks(job).size() > 1;
  }

  /**
   * The pod of a Job shared by several builds, as kubelet leaves it: the injector exited 0 and its
   * termination message has a result per disk, in the Job's order; a disk of an image {@link
   * #failJobsFor} matches failed (with its message), the others succeeded.
   */
  private void sharedPod(Job job) {
    String ns = job.getMetadata().getNamespace();
    List<dev.graft.inject.DiskResult> results = new java.util.ArrayList<>();
    for (String disk : dev.graft.build.InjectionJobs.disks(job)) {
      String image = disk.substring(0, disk.lastIndexOf(':'));
      if (failImage.test(image)) {
        String why = failMessage == null ? "simulated injection failure" : failMessage;
        results.add(
            dev.graft.inject.DiskResult.failed(
                why.startsWith(dev.graft.inject.InjectionResults.FAILED)
                    ? why.substring(dev.graft.inject.InjectionResults.FAILED.length())
                    : why));
        continue;
      }
      GoldenImage gi = client.resources(GoldenImage.class).inNamespace(ns).withName(image).get();
      GoldenImage parent =
          gi == null || gi.getSpec().parent == null
              ? null
              : client
                  .resources(GoldenImage.class)
                  .inNamespace(ns)
                  .withName(gi.getSpec().parent)
                  .get();
      var diff = gi == null ? null : dev.graft.build.Payloads.diff(gi, parent);
      long bytes = diff == null ? 0 : diff.bytesAdded();
      int added = diff == null ? 0 : diff.add().size();
      int removed = diff == null ? 0 : diff.remove().size();
      SimulatedCosts c = costs;
      results.add(
          dev.graft.inject.DiskResult.done(
              c == null
                  ? new dev.graft.inject.InjectionReport(bytes, added, removed, 1.0, 0.5)
                  : dev.graft.inject.InjectionReport.parse(c.injectorResult(bytes, added, removed))
                      .orElseThrow()));
    }
    terminatedPod(job, 0, "Completed", dev.graft.inject.InjectionResults.format(results));
  }

  /** The Job controller's pod, as kubelet leaves it after the injector exited 1. */
  private void failedPod(Job job, String message) {
    terminatedPod(job, 1, "Error", message);
  }

  private void terminatedPod(Job job, int exitCode, String reason, String message) {
    String name = job.getMetadata().getName();
    String now = Instant.now().toString();
    io.fabric8.kubernetes.api.model.Pod pod =
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName(name + "-" + Integer.toHexString(name.hashCode() & 0xfffff))
            .withNamespace(job.getMetadata().getNamespace())
            .addToLabels("job-name", name)
            .addToLabels("batch.kubernetes.io/job-name", name)
            .endMetadata()
            .withSpec(job.getSpec().getTemplate().getSpec())
            .build();
    try {
      client.pods().resource(pod).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.setStatus(
                  new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                      .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                      .addNewContainerStatus()
                      .withName(
                          job.getSpec().getTemplate().getSpec().getContainers().get(0).getName())
                      .withImage(
                          job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                      .withImageID("")
                      .withReady(false)
                      .withRestartCount(0)
                      .withNewState()
                      .withNewTerminated()
                      .withExitCode(exitCode)
                      .withReason(reason)
                      .withMessage(message)
                      .withFinishedAt(now)
                      .endTerminated()
                      .endState()
                      .endContainerStatus()
                      .build());
              return p;
            });
  }

  private void finish(Job job, boolean success) {
    String now = Instant.now().toString();
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .editStatus(
              j -> {
                JobStatus s = new JobStatus();
                s.setStartTime(
                    j.getMetadata().getCreationTimestamp() == null
                        ? now
                        : j.getMetadata().getCreationTimestamp());
                JobCondition c =
                    new JobConditionBuilder()
                        .withType(success ? "Complete" : "Failed")
                        .withStatus("True")
                        .withReason(success ? "Completed" : "BackoffLimitExceeded")
                        .withMessage(success ? "" : "Job has reached the specified backoff limit")
                        .withLastTransitionTime(now)
                        .build();
                s.setConditions(List.of(c));
                if (success) {
                  s.setSucceeded(1);
                  s.setCompletionTime(now);
                } else {
                  s.setFailed(1);
                }
                j.setStatus(s);
                return j;
              });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * Plays one run of a CDI DataImportCron: a new import lands in a PVC named {@code pvc} (Bound, as
   * CDI leaves it), and the DataSource {@code dataSource} is pointed at it (created if missing),
   * Ready. What a cluster does each time a new cloud image of a tracked registry tag is published.
   */
  public void importCronUpdate(String namespace, String dataSource, String pvc) {
    try {
      client
          .persistentVolumeClaims()
          .inNamespace(namespace)
          .resource(
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName(pvc)
                  .withNamespace(namespace)
                  .addToLabels("cdi.kubevirt.io/dataImportCron", dataSource)
                  .endMetadata()
                  .withNewSpec()
                  .withAccessModes("ReadWriteOnce")
                  .withNewResources()
                  .withRequests(Map.of("storage", new Quantity("10Gi")))
                  .endResources()
                  .endSpec()
                  .withNewStatus()
                  .withPhase("Bound")
                  .endStatus()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    var sources = client.resources(DataSource.class).inNamespace(namespace);
    DataSource ds = sources.withName(dataSource).get();
    if (ds == null) {
      ds = new DataSource();
      ds.getMetadata().setName(dataSource);
      ds.getMetadata().setNamespace(namespace);
      ds.setSpec(new DataSource.Spec());
      ds.getSpec().source = new DataSource.Source();
      ds.getSpec().source.pvc = new DataVolume.Pvc(namespace, pvc);
      sources.resource(ds).create();
    } else {
      sources
          .withName(dataSource)
          .edit(
              d -> {
                d.setSpec(new DataSource.Spec());
                d.getSpec().source = new DataSource.Source();
                d.getSpec().source.pvc = new DataVolume.Pvc(namespace, pvc);
                return d;
              });
    }
  }

  /**
   * Plays a DataImportCron on storage whose StorageProfile prefers snapshots: the import ends as
   * VolumeSnapshot {@code snapshot} and the DataSource points at it ({@code source.snapshot}).
   */
  public void importCronSnapshot(String namespace, String dataSource, String snapshot) {
    var snapshots =
        client
            .genericKubernetesResources(dev.graft.kubevirt.VolumeSnapshots.CONTEXT)
            .inNamespace(namespace);
    if (snapshots.withName(snapshot).get() == null) {
      var vs = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
      vs.setApiVersion("snapshot.storage.k8s.io/v1");
      vs.setKind("VolumeSnapshot");
      vs.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
      vs.getMetadata().setName(snapshot);
      vs.getMetadata().setNamespace(namespace);
      vs.getMetadata().setLabels(Map.of("cdi.kubevirt.io/dataImportCron", dataSource));
      vs.setAdditionalProperty(
          "spec", Map.of("source", Map.of("persistentVolumeClaimName", snapshot)));
      snapshots.resource(vs).create();
    }
    client
        .resources(DataSource.class)
        .inNamespace(namespace)
        .withName(dataSource)
        .edit(
            d -> {
              d.setSpec(new DataSource.Spec());
              d.getSpec().source = new DataSource.Source();
              d.getSpec().source.snapshot = new DataVolume.Pvc(namespace, snapshot);
              return d;
            });
  }

  @Override
  public void close() {
    cdiPods.shutdownNow();
    kubevirt.close();
    if (dataVolumes != null) {
      dataVolumes.close();
    }
    if (jobs != null) {
      jobs.close();
    }
    if (images != null) {
      images.close();
    }
  }

  /**
   * Edits a DataVolume's status as CDI would. False when it was deleted meanwhile, which is left
   * alone.
   */
  private void editDataVolume(String ns, String name, String cloneType) {
    try {
      client
          .resources(DataVolume.class)
          .inNamespace(ns)
          .withName(name)
          .edit(
              d -> {
                Map<String, String> a = new java.util.LinkedHashMap<>();
                if (d.getMetadata().getAnnotations() != null) {
                  a.putAll(d.getMetadata().getAnnotations());
                }
                a.put("cdi.kubevirt.io/cloneType", cloneType);
                d.getMetadata().setAnnotations(a);
                return d;
              });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private boolean editDataVolumeStatus(String ns, String name, UnaryOperator<DataVolume> edit) {
    try {
      client.resources(DataVolume.class).inNamespace(ns).withName(name).editStatus(edit);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
      return false;
    }
  }
}
