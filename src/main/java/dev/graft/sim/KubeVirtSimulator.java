package dev.graft.sim;

import dev.graft.kubevirt.VirtualMachine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Plays KubeVirt's virt-controller for VirtualMachines, as far as Graft reads them: a VM whose run
 * strategy asks it to run goes through Provisioning and Starting to Running and ready, a Halted one
 * (or one without a strategy) to Stopped, one it is told cannot be scheduled to ErrorUnschedulable
 * with KubeVirt's PodScheduled condition. A running VM keeps the volumes it started with: a spec
 * that changes them gets KubeVirt's RestartRequired condition until {@link #restart} starts it
 * again. status.observedGeneration follows the spec's generation, as KubeVirt's does.
 */
final class KubeVirtSimulator {
  private final KubernetesClient client;
  private final long resyncMillis;
  private final Map<String, List<String>> started = new ConcurrentHashMap<>();
  private volatile Predicate<VirtualMachine> unschedulable = vm -> false;
  private SharedIndexInformer<VirtualMachine> vms;

  KubeVirtSimulator(KubernetesClient client, long resyncMillis) {
    this.client = client;
    this.resyncMillis = resyncMillis;
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
                    settle(vm);
                  }

                  @Override
                  public void onUpdate(VirtualMachine old, VirtualMachine vm) {
                    settle(vm);
                  }

                  @Override
                  public void onDelete(VirtualMachine vm, boolean unknown) {
                    started.remove(key(vm));
                  }
                },
                resyncMillis);
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
    VirtualMachine.Status want = new VirtualMachine.Status();
    want.observedGeneration = vm.getMetadata().getGeneration();
    want.conditions = new ArrayList<>();
    if (run && unschedulable.test(vm)) {
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
      want.conditions.add(condition("DataVolumesReady", "True", null, null));
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
  }
}
