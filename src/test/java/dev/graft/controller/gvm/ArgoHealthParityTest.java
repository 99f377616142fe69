package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.api.VirtualMachineTemplate;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.ops.ArgoHealthTest;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ArgoCD health check of a GraftedVirtualMachine follows the operator's own verdict for every
 * state KubeVirt reports and every run strategy: the status the operator writes for a VM (from
 * {@link VirtualMachineHealth}) is Healthy (Suspended when it is meant to be stopped) when Ready,
 * Degraded when Degraded (ErrorUnschedulable, CrashLoopBackOff, DataVolumeError...), Progressing
 * otherwise (Provisioning, Starting, a restart onto a new image...).
 */
class ArgoHealthParityTest {
  static final List<String> PRINTABLE =
      Arrays.asList(
          null,
          "Stopped",
          "Provisioning",
          "Starting",
          "Running",
          "Paused",
          "Migrating",
          "Stopping",
          "Terminating",
          "WaitingForVolumeBinding",
          "ErrorUnschedulable",
          "CrashLoopBackOff",
          "ErrImagePull",
          "ImagePullBackOff",
          "ErrorPvcNotFound",
          "ErrorDataVolumeNotFound",
          "DataVolumeError",
          "Unknown");

  static final List<String> STRATEGIES = List.of("Always", "RerunOnFailure", "Halted", "Manual");

  @Test
  void everyVmStateAndRunStrategyGetsTheOperatorsVerdict() throws Exception {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (String strategy : STRATEGIES) {
      for (String printable : PRINTABLE) {
        for (boolean ready : List.of(true, false)) {
          VirtualMachine vm = vm(printable, ready);
          State state = VirtualMachineHealth.of(vm, strategy, "fedora-40-abc");
          String want = expected(state, strategy, printable);
          String have =
              ArgoHealthTest.run(ArgoHealthTest.GVM, gvmYaml(state, strategy, printable, ready))
                  .status();
          checked++;
          if (!want.equals(have)) {
            mismatches.add(
                strategy
                    + "/"
                    + printable
                    + "/ready="
                    + ready
                    + ": operator "
                    + state.reason()
                    + " -> want "
                    + want
                    + ", Lua says "
                    + have);
          }
        }
      }
    }
    assertThat(checked).isEqualTo(STRATEGIES.size() * PRINTABLE.size() * 2);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void aRunningVmWaitingForItsRestartIsProgressingAndKubeVirtErrorsAreDegraded() throws Exception {
    State restart =
        State.progressing(
            Phase.Pending, "RestartRequired", "VirtualMachine web runs image a until it restarts");
    assertThat(ArgoHealthTest.run(ArgoHealthTest.GVM, gvmYaml(restart, "Always", "Running", true)))
        .isEqualTo(
            new ArgoHealthTest.Health(
                "Progressing",
                "Pending: RestartRequired: VirtualMachine web runs image a until it restarts"));
    for (String error : List.of("ErrorUnschedulable", "CrashLoopBackOff", "DataVolumeError")) {
      State s = VirtualMachineHealth.of(vm(error, false), "Always", "img");
      var health = ArgoHealthTest.run(ArgoHealthTest.GVM, gvmYaml(s, "Always", error, false));
      assertThat(health.status()).as(error).isEqualTo("Degraded");
      assertThat(health.message()).as(error).startsWith(error + ": VirtualMachine web is " + error);
    }
  }

  static String expected(State state, String strategy, String printable) {
    if (state.degraded()) {
      return "Degraded";
    }
    if (state.ready()) {
      return "Halted".equals(strategy) || "Stopped".equals(printable) ? "Suspended" : "Healthy";
    }
    return "Progressing";
  }

  static VirtualMachine vm(String printable, boolean ready) {
    VirtualMachine vm = new VirtualMachine();
    vm.getMetadata().setName("web");
    vm.getMetadata().setNamespace("demo");
    if (printable != null) {
      VirtualMachine.Status s = new VirtualMachine.Status();
      s.printableStatus = printable;
      s.ready = ready;
      vm.setStatus(s);
    }
    return vm;
  }

  /** The GraftedVirtualMachine as the operator writes it for this state. */
  static String gvmYaml(State state, String strategy, String printable, boolean ready) {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setName("web");
    g.getMetadata().setNamespace("demo");
    g.getMetadata().setGeneration(2L);
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    g.getSpec().virtualMachineTemplate = new VirtualMachineTemplate();
    g.getSpec().virtualMachineTemplate.spec = new LinkedHashMap<>();
    g.getSpec().virtualMachineTemplate.spec.put("runStrategy", strategy);
    GraftedVirtualMachine.Status status = new GraftedVirtualMachine.Status();
    Conditions.apply(status, state, 2L);
    status.virtualMachine = new GraftedVirtualMachine.VirtualMachineStatus();
    status.virtualMachine.name = "web";
    status.virtualMachine.printableStatus = printable;
    status.virtualMachine.ready = ready;
    g.setStatus(status);
    return Serialization.asYaml(g);
  }
}
