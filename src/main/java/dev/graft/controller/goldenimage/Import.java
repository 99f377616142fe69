package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolumes;
import java.util.Optional;

/** A base image imports its disk into a DataVolume of its name. */
public final class Import implements BuildPhase {
  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    if (status.buildStartedAt == null) {
      status.buildStartedAt = view.now().toString();
      status.attempts = 1;
    }
    String name = view.name();
    var dv = view.dataVolume();
    if (dv == null) {
      return Optional.of(
          Decision.of(
              State.progressing(Phase.Importing, "Importing", "importing the base disk"),
              new Action.Create(DataVolumes.importFor(view.image(), view.settings().storage())),
              Action.normal(
                  view.image(), "Importing", "DataVolume " + name + " imports the base disk")));
    }
    if (dv.failed()) {
      String message = "DataVolume " + name + " failed";
      return Optional.of(
          Decision.of(
              State.degraded(Phase.Failed, "ImportFailed", message),
              Action.warning(view.image(), "ImportFailed", message)));
    }
    Optional<Decision> retrying = CdiRetries.decide(view, Phase.Importing);
    if (retrying.isPresent()) {
      return retrying;
    }
    if (!dv.succeeded()) {
      return Optional.of(
          Decision.of(
              State.progressing(Phase.Importing, "Importing", "importing: " + Clone.progress(dv))));
    }
    return Optional.empty();
  }
}
