package dev.graft.planner;

import java.util.List;

/**
 * Fits the cost model to measured builds (the patent's dynamic weight tuning): non-negative least
 * squares of {@code seconds ≈ perBuild + missingBytes·bytesAdded + inject·filesAdded +
 * remove·filesRemoved}. With each file's injectCost and removeCost set to 1, plan costs are then
 * predicted build seconds. Four unknowns, so the exact NNLS optimum is found by solving the normal
 * equations on every subset of free variables and keeping the best feasible one.
 */
public final class Calibration {

  /** One observed build. */
  public record Measurement(long bytesAdded, int filesAdded, int filesRemoved, double seconds) {}

  /** The fitted weights and how well they explain the measurements. */
  public record Fit(Weights weights, double rmsErrorSeconds, int samples) {}

  private static final int VARS = 4;

  private Calibration() {}

  /** Fits weights; {@code excessBytes} keeps the value from {@code base}. */
  public static Fit fit(List<Measurement> measurements, Weights base) {
    if (measurements.isEmpty()) {
      throw new IllegalArgumentException("measurements: at least one is needed to calibrate");
    }
    double[][] x = new double[measurements.size()][];
    double[] y = new double[measurements.size()];
    for (int i = 0; i < x.length; i++) {
      Measurement m = measurements.get(i);
      x[i] = new double[] {1, m.bytesAdded(), m.filesAdded(), m.filesRemoved()};
      y[i] = m.seconds();
    }
    double[] best = new double[VARS];
    double bestError = residual(x, y, best);
    for (int mask = 1; mask < (1 << VARS); mask++) {
      double[] beta = solveSubset(x, y, mask);
      if (beta != null && feasible(beta)) {
        double error = residual(x, y, beta);
        if (error < bestError - 1e-12) {
          best = beta;
          bestError = error;
        }
      }
    }
    Weights weights = new Weights(best[1], best[2], best[3], base.excessBytes(), best[0]);
    return new Fit(weights, Math.sqrt(bestError / x.length), x.length);
  }

  private static boolean feasible(double[] beta) {
    for (double b : beta) {
      if (b < 0 || Double.isNaN(b)) {
        return false;
      }
    }
    return true;
  }

  private static double residual(double[][] x, double[] y, double[] beta) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double r = y[i];
      for (int j = 0; j < VARS; j++) {
        r -= x[i][j] * beta[j];
      }
      sum += r * r;
    }
    return sum;
  }

  /** Least squares restricted to the variables in {@code mask}; null when singular. */
  private static double[] solveSubset(double[][] x, double[] y, int mask) {
    int[] cols = new int[Integer.bitCount(mask)];
    for (int j = 0, k = 0; j < VARS; j++) {
      if ((mask & (1 << j)) != 0) {
        cols[k++] = j;
      }
    }
    int k = cols.length;
    // Scale columns so bytes (1e8) and counts (1e2) do not ruin the conditioning.
    double[] scale = new double[k];
    for (int a = 0; a < k; a++) {
      for (double[] row : x) {
        scale[a] = Math.max(scale[a], Math.abs(row[cols[a]]));
      }
      if (scale[a] == 0) {
        return null;
      }
    }
    double[][] m = new double[k][k + 1];
    for (double[] row : x) {
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          m[a][b] += row[cols[a]] / scale[a] * row[cols[b]] / scale[b];
        }
      }
    }
    for (int a = 0; a < k; a++) {
      for (int i = 0; i < x.length; i++) {
        m[a][k] += x[i][cols[a]] / scale[a] * y[i];
      }
    }
    double[] solution = gauss(m);
    if (solution == null) {
      return null;
    }
    double[] beta = new double[VARS];
    for (int a = 0; a < k; a++) {
      beta[cols[a]] = solution[a] / scale[a];
    }
    return beta;
  }

  /** Gaussian elimination with partial pivoting on an augmented matrix; null when singular. */
  private static double[] gauss(double[][] m) {
    int n = m.length;
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
          pivot = r;
        }
      }
      if (Math.abs(m[pivot][c]) < 1e-12) {
        return null;
      }
      double[] t = m[c];
      m[c] = m[pivot];
      m[pivot] = t;
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = m[r][c] / m[c][c];
          for (int j = c; j <= n; j++) {
            m[r][j] -= f * m[c][j];
          }
        }
      }
    }
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = m[i][n] / m[i][i];
    }
    return s;
  }
}
