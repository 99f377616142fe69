package dev.graft.controller.goldenimage;

import static dev.graft.controller.goldenimage.BuildFixtures.NOW;
import static dev.graft.controller.goldenimage.BuildFixtures.base;
import static dev.graft.controller.goldenimage.BuildFixtures.child;
import static dev.graft.controller.goldenimage.BuildFixtures.dataVolume;
import static dev.graft.controller.goldenimage.BuildFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.inject.InjectionReport;
import dev.graft.kubevirt.DataVolume;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A registered build keeps what it measured in {@code status.timings}: the injector's report (the
 * succeeded pod's termination message) and the clone time (DataVolume creation to Ready).
 */
class MeasureTest {

  static DataVolume cloned(String created, String ready) {
    DataVolume dv = dataVolume("img", DataVolume.SUCCEEDED, 1);
    dv.getMetadata().setCreationTimestamp(created);
    dv.setSpec(new DataVolume.Spec());
    dv.getSpec().storage = new DataVolume.Storage();
    dv.getSpec().storage.storageClassName = "ceph-rbd";
    dv.getStatus().conditions =
        List.of(
            Map.of("type", "Bound", "status", "True", "lastTransitionTime", created),
            Map.of("type", "Running", "status", "False", "lastTransitionTime", ready),
            Map.of("type", "Ready", "status", "True", "lastTransitionTime", ready));
    return dv;
  }

  @Test
  void registerKeepsTheInjectorReportAndTheCloneTime() {
    GoldenImage gi = child(Phase.Injecting, "/etc/a", "/etc/b");
    gi.getStatus().buildStartedAt = NOW.minusSeconds(30).toString();
    gi.getStatus().cloneMethod = "csi-clone";
    String result =
        "progress\n" + new InjectionReport(2048, 2, 1, 17.25, 16.5).toResultLine() + "\n";
    new Register()
        .decide(
            view(gi)
                .parent(base(Phase.Ready))
                .dv(cloned("2026-11-30T11:59:30Z", "2026-11-30T11:59:33.500Z"))
                .result(result)
                .build(),
            gi.getStatus());
    var t = gi.getStatus().timings;
    assertThat(t).isNotNull();
    assertThat(t.bytesAdded).isEqualTo(2048);
    assertThat(t.filesAdded).isEqualTo(2);
    assertThat(t.filesRemoved).isEqualTo(1);
    assertThat(t.injectSeconds).isEqualTo(17.25);
    assertThat(t.launchSeconds).isEqualTo(16.5);
    assertThat(t.cloneSeconds).isEqualTo(3.5);
    assertThat(t.storageClass).isEqualTo("ceph-rbd");
    assertThat(t.cloneBytes).isPositive();
    assertThat(t.finishedAt).isEqualTo(NOW.toString());
  }

  @Test
  void nothingMeasuredNoTimings() {
    GoldenImage gi = child(Phase.Injecting, "/etc/a");
    gi.getStatus().buildStartedAt = NOW.minusSeconds(30).toString();
    new Register().decide(view(gi).parent(base(Phase.Ready)).build(), gi.getStatus());
    assertThat(gi.getStatus().timings).isNull();
  }

  @Test
  void aCloneNotReadyYetOrAFailureMessageIsNoMeasurement() {
    DataVolume dv = cloned("2026-11-30T11:59:30Z", "2026-11-30T11:59:33Z");
    dv.getStatus().conditions = List.of(Map.of("type", "Ready", "status", "False"));
    assertThat(Measure.cloneSeconds(dv)).isNull();
    assertThat(Measure.timings("graft: files[0].owner: no user", dv, 1, NOW)).isNull();
  }
}
