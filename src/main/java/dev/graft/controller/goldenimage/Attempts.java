package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolume;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.time.Duration;
import java.util.List;

/** Build attempts: which one this is, and what a failed one does. */
final class Attempts {
  private Attempts() {}

  static int current(GoldenImage.Status status) {
    return status.attempts == null ? 1 : status.attempts;
  }

  /** The attempt a build object was made for (its annotation; 1 when it has none). */
  static int of(HasMetadata r) {
    var a = r.getMetadata().getAnnotations();
    try {
      return a == null || a.get(Annotations.ATTEMPT) == null
          ? 1
          : Integer.parseInt(a.get(Annotations.ATTEMPT));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /**
   * A failed attempt: the partial clone goes (DataVolume and PVC: the mock and some clusters do not
   * cascade); a retry after a back-off doubling per attempt, or Failed after the last one.
   */
  static Decision fail(BuildView view, GoldenImage.Status status, String reason, String message) {
    int attempt = current(status);
    int max = view.settings().maxAttempts();
    String ns = view.namespace();
    List<Action> cleanup =
        List.of(
            new Action.Delete(DataVolume.class, ns, view.name()),
            new Action.Delete(PersistentVolumeClaim.class, ns, view.name()),
            new Action.Count(
                "buildFailed " + view.os() + " " + reason, m -> m.buildFailed(view.os(), reason)));
    if (attempt >= max) {
      String msg = message + "; gave up after " + attempt + " attempts";
      return Decision.of(State.degraded(Phase.Failed, reason, msg), cleanup)
          .and(List.of(Action.warning(view.image(), reason, msg)));
    }
    Duration backoff = view.settings().retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 10));
    status.attempts = attempt + 1;
    status.buildStartedAt = null;
    status.retryAfter = view.now().plus(backoff).toString();
    String msg =
        message
            + " (attempt "
            + attempt
            + " of "
            + max
            + "); retrying in "
            + backoff.toSeconds()
            + "s";
    return Decision.of(State.degraded(Phase.Pending, reason, msg), cleanup)
        .and(List.of(Action.warning(view.image(), reason, msg)))
        .recheckAfter(backoff.plusMillis(200));
  }
}
