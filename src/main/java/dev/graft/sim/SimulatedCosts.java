package dev.graft.sim;

import dev.graft.inject.InjectionReport;
import java.util.Random;

/**
 * Known build timings for the simulator, so that what the operator learns can be checked against
 * the truth: an injection takes {@code launch + perByte·bytes + perFile·files +
 * perRemoval·removed}, a clone {@code cloneFixed + clonePerByte·diskBytes}; every time gets a
 * Gaussian relative {@code noise} (launch and write apart, as the injector measures them).
 */
public final class SimulatedCosts {
  public final double launch;
  public final double perByte;
  public final double perFile;
  public final double perRemoval;
  public final double cloneFixed;
  public final double clonePerByte;
  private final double noise;
  private final Random random;

  public SimulatedCosts(
      double launch,
      double perByte,
      double perFile,
      double perRemoval,
      double cloneFixed,
      double clonePerByte,
      double noise,
      long seed) {
    this.launch = launch;
    this.perByte = perByte;
    this.perFile = perFile;
    this.perRemoval = perRemoval;
    this.cloneFixed = cloneFixed;
    this.clonePerByte = clonePerByte;
    this.noise = noise;
    this.random = new Random(seed);
  }

  /** The {@code GRAFT-RESULT} line an injector would end with for this much work. */
  public String injectorResult(long bytes, int files, int removed) {
    double launchSeconds = launch * factor();
    double write = (perByte * bytes + perFile * files + perRemoval * removed) * factor();
    return new InjectionReport(bytes, files, removed, launchSeconds + write, launchSeconds)
        .toResultLine();
  }

  /** Seconds the clone of a disk of {@code bytes} takes. */
  public double cloneSeconds(long bytes) {
    return (cloneFixed + clonePerByte * bytes) * factor();
  }

  private synchronized double factor() {
    return Math.max(0.5, 1 + noise * random.nextGaussian());
  }
}
