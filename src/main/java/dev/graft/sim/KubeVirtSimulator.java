package dev.graft.sim;

import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumeReport;
import dev.graft.kubevirt.VirtualMachine;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Plays KubeVirt's virt-controller for VirtualMachines, as far as Graft reads them: when asked
 * ({@link #dataVolumeTemplates}) it creates the DataVolumes of a VM's dataVolumeTemplates (owned by
 * the VM, with the template's labels and annotations) and reports DataVolumesReady from them; a VM
 * whose run strategy asks it to run stays Provisioning until its DataVolumes succeeded
 * (WaitingForVolumeBinding while one waits for its first consumer, which its virt-launcher pod then
 * is; DataVolumeError while one fails persistently), then goes through Starting to Running and
 * ready, a Halted one (or one without a strategy) to Stopped, one it is told cannot be scheduled to
 * ErrorUnschedulable with KubeVirt's PodScheduled condition. A running VM keeps the volumes it
 * started with: a spec that changes them gets KubeVirt's RestartRequired condition until {@link
 * #restart} starts it again. status.observedGeneration follows the spec's generation, as KubeVirt's
 * does.
 */
final class KubeVirtSimulator {
  private final KubernetesClient client;
  private final long resyncMillis;
  private final Map<String, List<String>> started = new ConcurrentHashMap<>();
  private volatile Predicate<VirtualMachine> unschedulable = vm -> false;
  private SharedIndexInformer<VirtualMachine> vms;
  private SharedIndexInformer<DataVolume> dataVolumes;

  /** Whether it also plays the garbage collector for the DataVolumes a deleted VM owned. */
  private final boolean collectGarbage;

  private volatile boolean dataVolumeTemplates;

  /** A virt-launcher pod mounts a PVC (namespace, claim): what binds WaitForFirstConsumer ones. */
  private final BiConsumer<String, String> mount;

  KubeVirtSimulator(
      KubernetesClient client,
      long resyncMillis,
      boolean collectGarbage,
      BiConsumer<String, String> mount) {
    this.client = client;
    this.resyncMillis = resyncMillis;
    this.collectGarbage = collectGarbage;
    this.mount = mount;
  }

  void start() {
    vms =
        client
            .resources(VirtualMachine.class)
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(VirtualMachine vm) {
                    enqueue(vm);
                  }

                  @Override
                  public void onUpdate(VirtualMachine old, VirtualMachine vm) {
                    enqueue(vm);
                  }

                  @Override
                  public void onDelete(VirtualMachine vm, boolean unknown) {
                    started.remove(key(vm));
                    if (collectGarbage) {
                      collect(vm);
                    }
                  }
                },
                resyncMillis);
    // A VM's DataVolume that changes (CDI finished, or failed) settles the VM again.
    dataVolumes =
        client
            .resources(DataVolume.class)
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(DataVolume dv) {
                    owner(dv);
                  }

                  @Override
                  public void onUpdate(DataVolume old, DataVolume dv) {
                    owner(dv);
                  }

                  @Override
                  public void onDelete(DataVolume dv, boolean unknown) {}
                },
                resyncMillis);
  }

  /**
   * Against a real API server (periodic resync on), VMs are settled as a controller's work queue
   * does: one pending settle per VM (a resync of thousands of VMs every 2 s queued a write per VM
   * per resync, serially: at 5,000 VMs the backlog grew without end), on a few threads, each VM
   * always on the same one, from the informer's latest copy. Without resync (the mock server), in
   * the informer's thread as before.
   */
  private void enqueue(VirtualMachine vm) {
    if (resyncMillis == 0) {
      settle(vm);
      return;
    }
    String key = vm.getMetadata().getNamespace() + "/" + vm.getMetadata().getName();
    if (!queued.add(key)) {
      return;
    }
    workers[Math.floorMod(key.hashCode(), workers.length)].execute(
        () -> {
          queued.remove(key);
          VirtualMachine latest = vms.getStore().getByKey(key);
          if (latest != null) {
            try {
              settle(latest);
            } catch (RuntimeException e) {
              // The next event or resync settles it again, as virt-controller would retry.
            }
          }
        });
  }

  private final java.util.Set<String> queued = ConcurrentHashMap.newKeySet();

  private final java.util.concurrent.ExecutorService[] workers = workers(4);

  private static java.util.concurrent.ExecutorService[] workers(int n) {
    java.util.concurrent.ExecutorService[] out = new java.util.concurrent.ExecutorService[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          java.util.concurrent.Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "simulated-virt-controller");
                t.setDaemon(true);
                return t;
              });
    }
    return out;
  }

  private void owner(DataVolume dv) {
    if (vms == null || dv.getMetadata().getOwnerReferences() == null) {
      return;
    }
    for (var o : dv.getMetadata().getOwnerReferences()) {
      if ("VirtualMachine".equals(o.getKind())) {
        VirtualMachine vm =
            vms.getStore().getByKey(dv.getMetadata().getNamespace() + "/" + o.getName());
        if (vm != null) {
          enqueue(vm);
        }
      }
    }
  }

  /** Whether it creates the DataVolumes of dataVolumeTemplates and waits for them (off: ready). */
  void dataVolumeTemplates(boolean on) {
    this.dataVolumeTemplates = on;
  }

  void unschedulable(Predicate<VirtualMachine> which) {
    this.unschedulable = which;
    if (vms != null) {
      vms.getStore().list().forEach(this::settle);
    }
  }

  /** A restart (virtctl restart): the VM starts again from the volumes its spec names now. */
  void restart(String namespace, String name) {
    VirtualMachine vm =
        client.resources(VirtualMachine.class).inNamespace(namespace).withName(name).get();
    if (vm != null) {
      started.put(key(vm), volumes(vm));
      settle(vm);
    }
  }

  /** The DataVolumes the VM runs from (empty when it does not run). */
  List<String> runningVolumes(String namespace, String name) {
    return started.getOrDefault(namespace + "/" + name, List.of());
  }

  private void settle(VirtualMachine vm) {
    if (vm.getMetadata().getDeletionTimestamp() != null || vm.getSpec() == null) {
      return;
    }
    String strategy = vm.getSpec().runStrategy;
    if (strategy == null) {
      strategy = Boolean.TRUE.equals(vm.getSpec().running) ? "Always" : "Halted";
    }
    boolean run = !strategy.equals("Halted") && !strategy.equals("Manual");
    String disks = "";
    if (dataVolumeTemplates) {
      createDataVolumes(vm);
      disks = dataVolumes(vm);
    }
    VirtualMachine.Status want = new VirtualMachine.Status();
    want.observedGeneration = vm.getMetadata().getGeneration();
    want.conditions = new ArrayList<>();
    boolean startsNow = !started.containsKey(key(vm));
    if (run && startsNow && disks.startsWith(WAITING_FOR_BINDING)) {
      // KubeVirt starts the VMI anyway: its virt-launcher pod is the first consumer.
      want.printableStatus = "WaitingForVolumeBinding";
      want.ready = false;
      want.conditions.add(
          condition(
              "DataVolumesReady",
              "False",
              "NotReady",
              disks.substring(WAITING_FOR_BINDING.length())));
      want.conditions.add(condition("Ready", "False", "PodNotExists", "virt-launcher is Pending"));
      dataVolumeVolumes(vm).forEach(name -> mount.accept(vm.getMetadata().getNamespace(), name));
    } else if (run && startsNow && disks.startsWith(ERROR)) {
      want.printableStatus = "DataVolumeError";
      want.ready = false;
      want.conditions.add(
          condition(
              "DataVolumesReady", "False", "DataVolumeError", disks.substring(ERROR.length())));
      want.conditions.add(condition("Ready", "False", "DataVolumeError", "a DataVolume failed"));
    } else if (run && startsNow && !disks.isEmpty()) {
      want.printableStatus = "Provisioning";
      want.ready = false;
      want.conditions.add(condition("DataVolumesReady", "False", "NotReady", disks));
      want.conditions.add(condition("Ready", "False", "PodNotExists", "the VM is provisioning"));
    } else if (run && unschedulable.test(vm)) {
      started.remove(key(vm));
      want.printableStatus = "ErrorUnschedulable";
      want.ready = false;
      want.conditions.add(
          condition(
              "PodScheduled",
              "False",
              "Unschedulable",
              "0/3 nodes are available: 3 Insufficient memory."));
      want.conditions.add(condition("Ready", "False", "PodNotExists", "virt-launcher is Pending"));
    } else if (run && !started.containsKey(key(vm)) && !"Starting".equals(printable(vm))) {
      // A VM that starts goes through Provisioning (its DataVolumes) and Starting (its pod), one
      // status write each, before Running, as virt-controller reports it.
      want.printableStatus = "Provisioning".equals(printable(vm)) ? "Starting" : "Provisioning";
      want.ready = false;
      want.conditions.add(condition("Ready", "False", "PodNotExists", "the VM is starting"));
    } else if (run) {
      List<String> volumes = volumes(vm);
      List<String> running = started.computeIfAbsent(key(vm), k -> volumes);
      want.printableStatus = "Running";
      want.ready = true;
      want.conditions.add(condition("Ready", "True", null, null));
      want.conditions.add(
          disks.isEmpty()
              ? condition(
                  "DataVolumesReady",
                  "True",
                  "AllDVsReady",
                  "All of the VMI's DVs are bound and ready")
              : condition("DataVolumesReady", "False", "NotReady", disks));
      if (!running.equals(volumes)) {
        want.conditions.add(
            condition(
                "RestartRequired",
                "True",
                null,
                "a non-live-updatable field was changed in the template spec"));
      }
    } else {
      started.remove(key(vm));
      want.printableStatus = "Stopped";
      want.ready = false;
    }
    VirtualMachine.Status is = vm.getStatus();
    if (is != null
        && Objects.equals(is.printableStatus, want.printableStatus)
        && Objects.equals(is.observedGeneration, want.observedGeneration)
        && Objects.equals(types(is.conditions), types(want.conditions))) {
      return;
    }
    try {
      client
          .resources(VirtualMachine.class)
          .inNamespace(vm.getMetadata().getNamespace())
          .withName(vm.getMetadata().getName())
          .editStatus(
              v -> {
                v.setStatus(want);
                return v;
              });
    } catch (KubernetesClientException e) {
      // Gone meanwhile (editStatus reads it first), or changed: the next event settles it again.
      if (e.getCode() != 404 && e.getCode() != 409 && e.getCode() != 0) {
        throw e;
      }
    }
  }

  private static final String ERROR = "error: ";
  private static final String WAITING_FOR_BINDING = "binding: ";

  /**
   * Creates the DataVolumes of the VM's dataVolumeTemplates that do not exist, as virt-controller
   * does: owned by the VM, labelled created-by its uid, with the template's labels and annotations.
   */
  private void createDataVolumes(VirtualMachine vm) {
    if (vm.getSpec().dataVolumeTemplates == null || dataVolumes == null) {
      return;
    }
    String ns = vm.getMetadata().getNamespace();
    for (VirtualMachine.DataVolumeTemplate t : vm.getSpec().dataVolumeTemplates) {
      if (t.metadata == null || t.metadata.name == null) {
        continue;
      }
      if (dataVolumes.getStore().getByKey(ns + "/" + t.metadata.name) != null) {
        continue;
      }
      DataVolume dv = new DataVolume();
      dv.getMetadata().setName(t.metadata.name);
      dv.getMetadata().setNamespace(ns);
      Map<String, String> labels = new LinkedHashMap<>();
      if (t.metadata.labels != null) {
        labels.putAll(t.metadata.labels);
      }
      labels.put("kubevirt.io/created-by", vm.getMetadata().getUid());
      dv.getMetadata().setLabels(labels);
      if (t.metadata.annotations != null) {
        dv.getMetadata().setAnnotations(new LinkedHashMap<>(t.metadata.annotations));
      }
      dv.getMetadata()
          .setOwnerReferences(
              List.of(
                  new OwnerReferenceBuilder()
                      .withApiVersion("kubevirt.io/v1")
                      .withKind("VirtualMachine")
                      .withName(vm.getMetadata().getName())
                      .withUid(vm.getMetadata().getUid())
                      .withController(true)
                      .withBlockOwnerDeletion(true)
                      .build()));
      dv.setSpec(t.spec);
      try {
        client.resource(dv).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  /**
   * Empty when every DataVolume the VM's volumes name has succeeded; else what is not ready,
   * prefixed {@code "binding: "} when one waits for its first consumer, or {@code "error: ..."}
   * when one of them fails persistently (CDI keeps retrying) or failed.
   */
  private String dataVolumes(VirtualMachine vm) {
    if (dataVolumes == null) {
      return "";
    }
    List<String> waiting = new ArrayList<>();
    boolean binding = false;
    for (String name : dataVolumeVolumes(vm)) {
      DataVolume dv = dataVolumes.getStore().getByKey(vm.getMetadata().getNamespace() + "/" + name);
      if (dv == null) {
        waiting.add("DataVolume " + name + " not found");
        continue;
      }
      DataVolumeReport report = DataVolumeReport.of(dv);
      if (dv.failed() || report.persistentFailure()) {
        return ERROR + report.failure();
      }
      if (!dv.succeeded()) {
        waiting.add(report.describe());
      }
      if ("WaitForFirstConsumer".equals(report.phase())) {
        binding = true;
      }
    }
    return (binding ? WAITING_FOR_BINDING : "") + String.join("; ", waiting);
  }

  private static List<String> dataVolumeVolumes(VirtualMachine vm) {
    if (vm.getSpec().template == null
        || vm.getSpec().template.spec == null
        || vm.getSpec().template.spec.volumes == null) {
      return List.of();
    }
    return vm.getSpec().template.spec.volumes.stream()
        .filter(v -> v.dataVolume != null && v.dataVolume.name != null)
        .map(v -> v.dataVolume.name)
        .toList();
  }

  /** The garbage collector's part: the DataVolumes a deleted VM owned go with it. */
  void collect(VirtualMachine vm) {
    if (dataVolumes == null) {
      return;
    }
    String uid = vm.getMetadata().getUid();
    for (DataVolume dv : dataVolumes.getStore().list()) {
      if (dv.getMetadata().getOwnerReferences() != null
          && dv.getMetadata().getOwnerReferences().stream()
              .anyMatch(o -> uid != null && uid.equals(o.getUid()))) {
        try {
          client.resource(dv).delete();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
        }
      }
    }
  }

  private static String printable(VirtualMachine vm) {
    return vm.getStatus() == null ? null : vm.getStatus().printableStatus;
  }

  private static List<String> types(List<VirtualMachine.Condition> conditions) {
    return conditions == null
        ? List.of()
        : conditions.stream().map(c -> c.type + "=" + c.status).toList();
  }

  private static List<String> volumes(VirtualMachine vm) {
    if (vm.getSpec().template == null
        || vm.getSpec().template.spec == null
        || vm.getSpec().template.spec.volumes == null) {
      return List.of();
    }
    return vm.getSpec().template.spec.volumes.stream()
        .map(v -> v.dataVolume == null ? v.name : v.dataVolume.name)
        .toList();
  }

  private static VirtualMachine.Condition condition(
      String type, String status, String reason, String message) {
    VirtualMachine.Condition c = new VirtualMachine.Condition();
    c.type = type;
    c.status = status;
    c.reason = reason;
    c.message = message;
    return c;
  }

  private static String key(VirtualMachine vm) {
    return vm.getMetadata().getNamespace() + "/" + vm.getMetadata().getName();
  }

  void close() {
    if (vms != null) {
      vms.close();
    }
    if (dataVolumes != null) {
      dataVolumes.close();
    }
  }
}
