package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumeReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A VM waiting for (or failing on) its root disk says what CDI reports of it. Plain JUnit. */
class VirtualMachineHealthTest {

  static DataVolumeReport disk(String phase, String progress, int restarts, String runningReason) {
    DataVolume dv = new DataVolume();
    dv.getMetadata().setName("web-root-1");
    dv.setStatus(new DataVolume.Status());
    dv.getStatus().phase = phase;
    dv.getStatus().progress = progress;
    dv.getStatus().restartCount = restarts;
    dv.getStatus().conditions =
        List.of(
            Map.of("type", "Bound", "status", "True", "reason", "Bound", "message", "PVC Bound"),
            Map.of(
                "type",
                "Running",
                "status",
                runningReason.equals("Error") ? "False" : "True",
                "reason",
                runningReason,
                "message",
                runningReason.equals("Error") ? "source pod failed" : ""));
    return DataVolumeReport.of(dv);
  }

  @Test
  void provisioningShowsTheRootDisksProgressAndAFailureItsReason() {
    State provisioning =
        VirtualMachineHealth.of(
            ArgoHealthParityTest.vm("Provisioning", false),
            "Always",
            "img",
            disk("CloneInProgress", "45.00%", 0, "Pod is running"));
    assertThat(provisioning.progressing()).isTrue();
    assertThat(provisioning.message())
        .endsWith("; DataVolume web-root-1 CloneInProgress 45.00%; Pod is running");
    State error =
        VirtualMachineHealth.of(
            ArgoHealthParityTest.vm("DataVolumeError", false),
            "Always",
            "img",
            disk("CloneInProgress", "N/A", 4, "Error"));
    assertThat(error.degraded()).isTrue();
    assertThat(error.reason()).isEqualTo("DataVolumeError");
    assertThat(error.message())
        .contains("DataVolume web-root-1 Error: source pod failed (4 restarts, CDI retries)");
  }

  @Test
  void aVmKubeVirtHasNotReportedYetIsProvisioningWhateverItsDisk() {
    State s =
        VirtualMachineHealth.of(
            ArgoHealthParityTest.vm(null, false), "Always", "img", disk("Pending", "", 0, ""));
    assertThat(s.reason()).isEqualTo("Provisioning");
    assertThat(s.progressing()).isTrue();
  }
}
