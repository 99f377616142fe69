package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import java.time.Duration;
import java.util.Optional;

/**
 * One step of a GoldenImage build. Given the view and the status being written, a phase either
 * decides (the build stops here for now) or passes to the next phase (empty). Pure: no client
 * calls; what should change is in the decision's actions.
 */
public interface BuildPhase {
  Optional<Decision> decide(BuildView view, GoldenImage.Status status);

  /**
   * The build waits (Progressing) for something outside it, and looks again after {@code recheck}.
   */
  static Optional<Decision> waiting(Phase phase, String reason, String message, Duration recheck) {
    return Optional.of(
        Decision.of(State.progressing(phase, reason, message)).recheckAfter(recheck));
  }
}
