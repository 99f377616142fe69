package dev.graft.bench;

import dev.graft.planner.CostLearner;
import dev.graft.planner.TextTable;
import dev.graft.planner.Weights;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Random;

/**
 * Simulated builds with known timings (3% noise) fed to {@link CostLearner}: how close the learned
 * weights and clone times come to the truth as builds accumulate.
 */
public final class LearningConvergence {
  static final double LAUNCH = 16.9;
  static final double PER_BYTE = 1 / 50e6;
  static final double PER_FILE = 0.002;
  static final double PER_REMOVAL = 0.001;
  static final double CSI_CLONE = 3.0;
  static final double COPY_FIXED = 4.0;
  static final double COPY_PER_BYTE = 1 / 120e6;

  private LearningConvergence() {}

  /** Learns from {@code builds} simulated builds. */
  public static CostLearner simulate(long seed, int builds) {
    Random rnd = new Random(seed);
    CostLearner learner = new CostLearner();
    for (int i = 0; i < builds; i++) {
      long bytes = (long) (rnd.nextDouble() * 500e6);
      int files = rnd.nextInt(2000);
      int removed = rnd.nextInt(500);
      double launch = LAUNCH * (1 + 0.03 * rnd.nextGaussian());
      double write =
          (bytes * PER_BYTE + files * PER_FILE + removed * PER_REMOVAL)
              * (1 + 0.03 * rnd.nextGaussian());
      learner.injected(
          new CostLearner.InjectionSample(bytes, files, removed, launch + write, launch));
      long image = (long) (1e9 + rnd.nextDouble() * 9e9);
      learner.cloned(
          i % 2 == 0
              ? new CostLearner.CloneSample(
                  "ceph-rbd", "csi-clone", image, CSI_CLONE * (1 + 0.03 * rnd.nextGaussian()))
              : new CostLearner.CloneSample(
                  "local-path",
                  "copy",
                  image,
                  (COPY_FIXED + image * COPY_PER_BYTE) * (1 + 0.03 * rnd.nextGaussian())));
    }
    return learner;
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
