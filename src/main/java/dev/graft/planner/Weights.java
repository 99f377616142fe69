package dev.graft.planner;

/**
 * The tunable weights of the cost model. Immutable: a new value replaces the old one when the
 * operator re-tunes the model at run time, so a plan in progress never sees a half-changed set.
 *
 * <p>A build's fixed cost is {@link #fixedCost()}: {@code perBuild}, plus {@code perDisk} (what one
 * more disk adds to a shared appliance launch: its inspection, mount and unmount), plus its share
 * of one launch, {@code perLaunch / disksPerLaunch}, when the builds of a wave are grouped up to
 * {@code disksPerLaunch} disks per launch. With the defaults ({@code perLaunch = perDisk = 0},
 * {@code disksPerLaunch = 1}) it is {@code perBuild}, as before these terms existed.
 */
public record Weights(
    double missingBytes,
    double inject,
    double remove,
    double excessBytes,
    double perBuild,
    double perLaunch,
    double perDisk,
    int disksPerLaunch) {

  /** The defaults of the plan format. */
  public static final Weights DEFAULT = new Weights(1.0, 1.0, 1.0, 0.0, 0.0);

  /** Weights without launch sharing: every build pays {@code perBuild} alone. */
  public Weights(
      double missingBytes, double inject, double remove, double excessBytes, double perBuild) {
    this(missingBytes, inject, remove, excessBytes, perBuild, 0, 0, 1);
  }

  public Weights {
    check("missingBytes", missingBytes);
    check("inject", inject);
    check("remove", remove);
    check("excessBytes", excessBytes);
    check("perBuild", perBuild);
    check("perLaunch", perLaunch);
    check("perDisk", perDisk);
    if (disksPerLaunch < 1) {
      throw new IllegalArgumentException(
          "weights.disksPerLaunch: must be an integer >= 1, got " + disksPerLaunch);
    }
  }

  /** These weights with a launch of {@code perLaunch} shared by up to {@code disks} builds. */
  public Weights withLaunches(double perLaunch, double perDisk, int disks) {
    return new Weights(
        missingBytes, inject, remove, excessBytes, perBuild, perLaunch, perDisk, disks);
  }

  /** The fixed cost of one build: {@code perBuild + perDisk + perLaunch / disksPerLaunch}. */
  public double fixedCost() {
    return perBuild + perDisk + perLaunch / disksPerLaunch;
  }

  /**
   * What {@code builds} builds cost in launches and disks when run {@code disksPerLaunch} at a
   * time: {@code ceil(builds / disksPerLaunch) * perLaunch + builds * perDisk}.
   */
  public double launchCost(int builds) {
    int launches = (builds + disksPerLaunch - 1) / disksPerLaunch;
    return launches * perLaunch + builds * perDisk;
  }

  private static void check(String field, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "weights." + field + ": must be a finite number >= 0, got " + value);
    }
  }
}
