package dev.graft.planner;

/**
 * The tunable weights of the cost model. Immutable: a new value replaces the old one when the
 * operator re-tunes the model at run time, so a plan in progress never sees a half-changed set.
 */
public record Weights(
    double missingBytes, double inject, double remove, double excessBytes, double perBuild) {

  /** The defaults of the plan format. */
  public static final Weights DEFAULT = new Weights(1.0, 1.0, 1.0, 0.0, 0.0);

  public Weights {
    check("missingBytes", missingBytes);
    check("inject", inject);
    check("remove", remove);
    check("excessBytes", excessBytes);
    check("perBuild", perBuild);
  }

  private static void check(String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "weights." + field + ": must be a finite number >= 0, got " + value);
    }
  }
}
