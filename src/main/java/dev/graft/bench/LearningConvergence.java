package dev.graft.bench;

import dev.graft.api.BuildTimings;
import dev.graft.catalog.CostLearning;
import dev.graft.controller.goldenimage.Measure;
import dev.graft.kubevirt.DataVolume;
import dev.graft.planner.CostLearner;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import dev.graft.sim.SimulatedCosts;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Simulated builds with known timings (3% noise) learned from as the operator learns: how close the
 * learned weights and clone times come to the truth as builds accumulate.
 */
public final class LearningConvergence {
  static final double LAUNCH = 16.9;
  static final double PER_BYTE = 1 / 50e6;
  static final double PER_FILE = 0.002;
  static final double PER_REMOVAL = 0.001;
  static final double CSI_CLONE = 3.0;
  static final double COPY_FIXED = 4.0;
  static final double COPY_PER_BYTE = 1 / 120e6;
  static final double NOISE = 0.03;

  private LearningConvergence() {}

  /**
   * Learns from {@code builds} simulated builds, through the operator's own path: each build's
   * injector termination message ({@code GRAFT-RESULT}) and clone DataVolume (its Ready condition's
   * time) become the image's {@code status.timings} ({@link Measure}), which {@link CostLearning}
   * remembers, as after a restart.
   */
  public static CostLearning learn(long seed, int builds) {
    SimulatedCosts inject =
        new SimulatedCosts(LAUNCH, PER_BYTE, PER_FILE, PER_REMOVAL, 0, 0, NOISE, seed);
    SimulatedCosts csi = new SimulatedCosts(0, 0, 0, 0, CSI_CLONE, 0, NOISE, seed + 1);
    SimulatedCosts copy =
        new SimulatedCosts(0, 0, 0, 0, COPY_FIXED, COPY_PER_BYTE, NOISE, seed + 2);
    Random rnd = new Random(seed);
    CostLearning learning = new CostLearning();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < builds; i++) {
      long bytes = (long) (rnd.nextDouble() * 500e6);
      int files = rnd.nextInt(2000);
      int removed = rnd.nextInt(500);
      String terminationMessage = inject.injectorResult(bytes, files, removed);
      long disk = (long) (1e9 + rnd.nextDouble() * 9e9);
      boolean snapshotClass = i % 2 == 0;
      Instant created = start.plusSeconds(600L * i);
      double cloneSeconds = (snapshotClass ? csi : copy).cloneSeconds(disk);
      DataVolume dv =
          cloneDataVolume(
              snapshotClass ? "ceph-rbd" : "local-path",
              created,
              created.plusMillis(Math.round(cloneSeconds * 1000)));
      BuildTimings timings =
          Measure.timings(terminationMessage, dv, disk, created.plusSeconds(300));
      learning.remember("build-" + i, timings, snapshotClass ? "csi-clone" : "copy");
    }
    return learning;
  }

  /** The learner after {@code builds} simulated builds. */
  public static CostLearner simulate(long seed, int builds) {
    return learn(seed, builds).learner();
  }

  /** A clone DataVolume as CDI leaves it: created, then Ready. */
  static DataVolume cloneDataVolume(String storageClass, Instant created, Instant ready) {
    DataVolume dv = new DataVolume();
    dv.getMetadata().setCreationTimestamp(created.toString());
    dv.setSpec(new DataVolume.Spec());
    dv.getSpec().storage = new DataVolume.Storage();
    dv.getSpec().storage.storageClassName = storageClass;
    dv.setStatus(new DataVolume.Status());
    dv.getStatus().phase = DataVolume.SUCCEEDED;
    dv.getStatus().conditions =
        List.of(
            Map.of(
                "type", "Ready",
                "status", "True",
                "reason", "Completed",
                "lastTransitionTime", ready.toString()));
    return dv;
  }

  /** The learned values beside the true ones after 10, 50 and 200 builds. */
  public static void print(PrintWriter out, long seed) {
    out.println(
        "Learning the cost model from simulated builds (3% noise): learned / true, per figure");
    TextTable t =
        new TextTable(
            "BUILDS",
            "LAUNCH S",
            "S PER BYTE",
            "S PER FILE",
            "S PER REMOVAL",
            "CSI CLONE S",
            "COPY S PER BYTE");
    for (int builds : new int[] {10, 50, 200}) {
      CostLearner l = simulate(seed, builds);
      Weights w = l.weights(Weights.DEFAULT).weights();
      t.row(
          String.valueOf(builds),
          ratio(w.perBuild(), LAUNCH),
          ratio(w.missingBytes(), PER_BYTE),
          ratio(w.inject(), PER_FILE),
          ratio(w.remove(), PER_REMOVAL),
          ratio(l.clone("ceph-rbd", "csi-clone").seconds(5_000_000_000L), CSI_CLONE),
          ratio(l.clone("local-path", "copy").secondsPerByte(), COPY_PER_BYTE));
    }
    out.println(t.render());
  }

  private static String ratio(double learned, double truth) {
    return String.format(Locale.ROOT, "%.3f", learned / truth);
  }
}
