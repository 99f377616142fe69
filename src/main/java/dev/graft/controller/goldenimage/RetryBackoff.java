package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Conditions.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** After a failed attempt, the next one waits until {@code status.retryAfter}. */
public final class RetryBackoff implements BuildPhase {
  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    status.attempts = Attempts.current(status);
    if (status.retryAfter == null) {
      return Optional.empty();
    }
    Instant at = Instant.parse(status.retryAfter);
    if (!view.now().isBefore(at)) {
      status.retryAfter = null;
      return Optional.empty();
    }
    var c = Conditions.get(status, Conditions.DEGRADED);
    State waiting =
        c == null
            ? State.degraded(Phase.Pending, "RetryBackoff", "waiting to retry")
            : State.degraded(Phase.Pending, c.getReason(), c.getMessage());
    return Optional.of(
        Decision.of(waiting).recheckAfter(Duration.between(view.now(), at).plusMillis(200)));
  }
}
