package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Decision;
import java.time.Duration;
import java.util.Optional;

/**
 * A build object of this image's name that belongs to an earlier image of the same name (deleted
 * and planned again before the garbage collector removed what it owned) is never taken over: using
 * it would take another build's clone, script, payload or Job for this one's.
 */
public final class WaitForCleanup implements BuildPhase {
  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    if (view.stale() == null) {
      return Optional.empty();
    }
    return BuildPhase.waiting(
        Phase.Pending,
        "WaitingForCleanup",
        view.stale() + " of an earlier image of this name is still being deleted",
        Duration.ofSeconds(2));
  }
}
