package dev.graft.kubevirt;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What CDI reports of a DataVolume, in words: its phase, progress and restarts, and its conditions
 * (Bound, Running, Ready with their reasons and messages, as CDI's datavolume/conditions.go writes
 * them). A pod of CDI that failed (Running=False with a reason such as Error or CrashLoopBackOff)
 * is retried by CDI, counting restartCount: a failure is transient while the restarts stay below
 * {@link #PERSISTENT_RESTARTS}, and persistent (Graft says DataVolumeError) from there on, until
 * CDI succeeds or the phase turns Failed. Pure.
 */
public record DataVolumeReport(
    String name,
    String phase,
    String progress,
    int restarts,
    Condition bound,
    Condition running,
    Condition ready) {

  /** Restarts of CDI's pod from which a failing DataVolume counts as a persistent failure. */
  public static final int PERSISTENT_RESTARTS = 3;

  /** CDI's Running reasons that say nothing went wrong. */
  private static final List<String> FINE = List.of("", "Completed", "Pending", "TransferRunning");

  /** A condition's status, reason and message ({@code null} when CDI has not written it). */
  public record Condition(String status, String reason, String message) {
    static Condition of(Map<String, Object> c) {
      return new Condition(text(c.get("status")), text(c.get("reason")), text(c.get("message")));
    }

    public boolean isFalse() {
      return "False".equals(status);
    }

    /** {@code Reason: message}, or whichever of the two there is. */
    public String describe() {
      if (reason.isEmpty()) {
        return message;
      }
      return message.isEmpty() ? reason : reason + ": " + message;
    }

    private static String text(Object o) {
      return o == null ? "" : o.toString();
    }
  }

  public static DataVolumeReport of(DataVolume dv) {
    DataVolume.Status s = dv.getStatus();
    String name = dv.getMetadata().getName();
    if (s == null) {
      return new DataVolumeReport(name, "", "", 0, null, null, null);
    }
    return new DataVolumeReport(
        name,
        s.phase == null ? "" : s.phase,
        s.progress == null ? "" : s.progress,
        s.restartCount == null ? 0 : s.restartCount,
        condition(s, "Bound"),
        condition(s, "Running"),
        condition(s, "Ready"));
  }

  private static Condition condition(DataVolume.Status s, String type) {
    if (s.conditions == null) {
      return null;
    }
    return s.conditions.stream()
        .filter(c -> type.equals(c.get("type")))
        .findFirst()
        .map(Condition::of)
        .orElse(null);
  }

  /** CDI's pod failed and CDI retries it (the phase is not Failed, not Succeeded). */
  public boolean failing() {
    return running != null
        && running.isFalse()
        && !FINE.contains(running.reason())
        && !DataVolume.SUCCEEDED.equals(phase)
        && !DataVolume.FAILED.equals(phase);
  }

  /** A failure CDI keeps retrying without success: show it as DataVolumeError. */
  public boolean persistentFailure() {
    return failing() && restarts >= PERSISTENT_RESTARTS;
  }

  /** Why CDI's pod failed, with the restarts so far. */
  public String failure() {
    return "DataVolume "
        + name
        + " "
        + (running == null ? "failed" : running.describe())
        + " ("
        + restarts
        + (restarts == 1 ? " restart" : " restarts")
        + ", CDI retries)";
  }

  /** The phase, progress and what Bound or Running say while it is not done. */
  public String describe() {
    StringBuilder b = new StringBuilder("DataVolume ").append(name);
    b.append(' ').append(phase.isEmpty() ? "Pending" : phase);
    if (!progress.isEmpty() && !"N/A".equals(progress)) {
      b.append(' ').append(progress);
    }
    String detail = detail();
    if (!detail.isEmpty()) {
      b.append("; ").append(detail);
    }
    return b.toString();
  }

  /** What CDI's conditions add: an unbound PVC's Bound, else Running's reason and message. */
  public String detail() {
    if (bound != null && bound.isFalse() && !bound.describe().isEmpty()) {
      return bound.describe();
    }
    if (running != null && !running.describe().isEmpty()) {
      return running.describe();
    }
    return "";
  }

  /** Whether two versions of a DataVolume report the same (phase, restarts and conditions). */
  public static boolean same(DataVolume a, DataVolume b) {
    DataVolumeReport x = of(a);
    DataVolumeReport y = of(b);
    return x.phase.equals(y.phase)
        && x.restarts == y.restarts
        && Objects.equals(reason(x.bound), reason(y.bound))
        && Objects.equals(reason(x.running), reason(y.running))
        && Objects.equals(reason(x.ready), reason(y.ready));
  }

  private static String reason(Condition c) {
    return c == null ? null : c.status() + "/" + c.reason();
  }
}
