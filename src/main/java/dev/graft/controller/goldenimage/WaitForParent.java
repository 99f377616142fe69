package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import java.time.Duration;
import java.util.Optional;

/** A derived image builds only from a Ready parent; a failed parent fails it. */
public final class WaitForParent implements BuildPhase {
  static final Duration RECHECK = Duration.ofSeconds(30);

  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    String parentName = view.image().getSpec().parent;
    if (view.parent() == null) {
      return Optional.of(
          Decision.of(
                  State.degraded(
                      Phase.Pending, "ParentNotFound", "parent image " + parentName + " not found"))
              .recheckAfter(RECHECK));
    }
    InjectionJobs.Diff diff = view.diff();
    status.filesAdded = diff.add().size();
    status.filesRemoved = diff.remove().size();
    status.bytesAdded = diff.bytesAdded();
    Phase parentPhase = view.parent().getStatus() == null ? null : view.parent().getStatus().phase;
    if (parentPhase == Phase.Failed) {
      String message = "parent image " + parentName + " failed";
      return Optional.of(
          Decision.of(
              State.degraded(Phase.Failed, "ParentFailed", message),
              Action.warning(view.image(), "ParentFailed", message)));
    }
    if (parentPhase != Phase.Ready) {
      return BuildPhase.waiting(
          Phase.Pending, "WaitingForParent", "waiting for " + parentName, RECHECK);
    }
    return Optional.empty();
  }
}
