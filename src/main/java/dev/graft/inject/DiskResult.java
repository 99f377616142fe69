package dev.graft.inject;

/**
 * What became of one disk of an injection run: its report, or why it failed (the engine's message,
 * without the {@code graft: } prefix). Exactly one of the two is set.
 */
public record DiskResult(InjectionReport report, String failure) {

  public DiskResult {
    if ((report == null) == (failure == null)) {
      throw new IllegalArgumentException("a disk has either a report or a failure");
    }
  }

  public static DiskResult done(InjectionReport report) {
    return new DiskResult(report, null);
  }

  public static DiskResult failed(String failure) {
    return new DiskResult(null, failure);
  }

  public boolean succeeded() {
    return report != null;
  }
}
