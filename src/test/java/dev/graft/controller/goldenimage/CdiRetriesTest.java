package dev.graft.controller.goldenimage;

import static dev.graft.controller.goldenimage.BuildFixtures.base;
import static dev.graft.controller.goldenimage.BuildFixtures.child;
import static dev.graft.controller.goldenimage.BuildFixtures.dataVolume;
import static dev.graft.controller.goldenimage.BuildFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Decision;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumeReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A build's DataVolume whose CDI pod failed, as CDI reports it (Running=False, reason Error,
 * restartCount): Progressing DataVolumeRetrying while the restarts are few, Degraded
 * DataVolumeError once they are {@link DataVolumeReport#PERSISTENT_RESTARTS}; never a failed
 * attempt, never a deleted clone. Plain JUnit.
 */
class CdiRetriesTest {

  static DataVolume failing(String name, int restarts) {
    DataVolume dv = dataVolume(name, "CloneInProgress", 1);
    dv.getStatus().restartCount = restarts;
    dv.getStatus().conditions =
        List.of(
            Map.of("type", "Bound", "status", "True", "reason", "Bound", "message", "PVC Bound"),
            Map.of(
                "type",
                "Running",
                "status",
                "False",
                "reason",
                "Error",
                "message",
                "Unable to process data: source pod failed"),
            Map.of("type", "Ready", "status", "False", "reason", "", "message", ""));
    return dv;
  }

  @Test
  void aFewRestartsAreProgressingAndManyAreDegradedButNeverAFailedAttempt() {
    GoldenImage gi = child(Phase.Cloning, "/etc/a");
    String name = gi.getMetadata().getName();
    for (int restarts = 1; restarts <= 5; restarts++) {
      GoldenImage.Status status = new GoldenImage.Status();
      status.attempts = 1;
      Decision d =
          new Clone().decide(view(gi).dv(failing(name, restarts)).build(), status).orElseThrow();
      boolean persistent = restarts >= DataVolumeReport.PERSISTENT_RESTARTS;
      assertThat(d.state().reason())
          .as("%d restarts", restarts)
          .isEqualTo(persistent ? "DataVolumeError" : "DataVolumeRetrying");
      assertThat(d.state().degraded()).isEqualTo(persistent);
      assertThat(d.state().progressing()).isTrue();
      assertThat(d.state().phase()).isEqualTo(Phase.Cloning);
      assertThat(d.state().message())
          .contains("Error: Unable to process data: source pod failed", restarts + " restart");
      assertThat(d.described()).noneMatch(a -> a.startsWith("delete"));
      assertThat(status.attempts).isEqualTo(1);
    }
  }

  @Test
  void aBaseImportRetriedByCdiIsNotFailed() {
    GoldenImage gi = base(Phase.Importing);
    GoldenImage.Status status = new GoldenImage.Status();
    status.buildStartedAt = BuildFixtures.NOW.toString();
    Decision d =
        new Import()
            .decide(view(gi).dv(failing(gi.getMetadata().getName(), 4)).build(), status)
            .orElseThrow();
    assertThat(d.state().reason()).isEqualTo("DataVolumeError");
    assertThat(d.state().phase()).isEqualTo(Phase.Importing);
  }

  @Test
  void aCloneInProgressSaysWhatCdisConditionsSay() {
    GoldenImage gi = child(Phase.Cloning, "/etc/a");
    String name = gi.getMetadata().getName();
    DataVolume dv = dataVolume(name, "CloneScheduled", 1);
    dv.getStatus().progress = "N/A";
    dv.getStatus().conditions =
        List.of(
            Map.of(
                "type",
                "Bound",
                "status",
                "False",
                "reason",
                "Pending",
                "message",
                "PVC " + name + " Pending"),
            Map.of("type", "Running", "status", "False", "reason", "", "message", ""));
    Decision d =
        new Clone().decide(view(gi).dv(dv).build(), new GoldenImage.Status()).orElseThrow();
    assertThat(d.state().reason()).isEqualTo("Cloning");
    assertThat(d.state().message()).endsWith("N/A (Pending: PVC " + name + " Pending)");
  }

  @Test
  void aCompletedDataVolumeIsNotFailingWhateverItsRestarts() {
    DataVolume dv = dataVolume("x", DataVolume.SUCCEEDED, 1);
    dv.getStatus().restartCount = 7;
    dv.getStatus().conditions =
        List.of(Map.of("type", "Running", "status", "False", "reason", "Completed"));
    assertThat(DataVolumeReport.of(dv).failing()).isFalse();
  }
}
