package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumeReport;
import dev.graft.kubevirt.DataVolumes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A derived image's attempt starts with a fresh clone of its parent's PVC. */
public final class Clone implements BuildPhase {
  /**
   * CDI's annotations on the clone's PVC (not on the DataVolume): the clone method it used, and why
   * it fell back to the host-assisted copy (CDI's AnnCloneType, AnnCloneFallbackReason).
   */
  static final String CLONE_TYPE = "cdi.kubevirt.io/cloneType";

  static final String CLONE_FALLBACK = "cdi.kubevirt.io/cloneFallbackReason";

  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    int attempt = Attempts.current(status);
    String name = view.name();
    String parent = view.image().getSpec().parent;
    DataVolume dv = view.dataVolume();
    if (dv != null && Attempts.of(dv) < attempt) {
      // The clone of a failed attempt is still being deleted; a fresh one follows.
      return Optional.of(
          Decision.of(
                  State.progressing(
                      Phase.Cloning, "Cleaning", "removing the clone of attempt " + (attempt - 1)))
              .recheckAfter(Duration.ofSeconds(2)));
    }
    if (dv == null) {
      if (status.buildStartedAt == null) {
        status.buildStartedAt = view.now().toString();
      }
      String os = view.os();
      // The clone opens an attempt; when it was already there, an earlier reconcile counted it.
      Action clone =
          new Action.Create(
              DataVolumes.cloneFor(view.image(), parent, attempt, view.settings().storage()),
              c ->
                  c.fresh()
                      ? List.of(new Action.Count("buildStarted " + os, m -> m.buildStarted(os)))
                      : List.of());
      // The message of the clone's first report (no progress yet): no second patch. No Normal
      // event: the phase, attempt and clone are in the status, and CDI's controller records the
      // DataVolume's own events.
      return Optional.of(
          Decision.of(
              State.progressing(Phase.Cloning, "Cloning", "cloning " + parent + ": N/A"), clone));
    }
    var claim = view.claimAnnotations();
    if (claim != null && claim.get(CLONE_TYPE) != null) {
      status.cloneMethod = claim.get(CLONE_TYPE);
      // CDI fell back to the host-assisted copy: say why.
      status.cloneFallbackReason = claim.get(CLONE_FALLBACK);
    }
    if (dv.failed()) {
      return Optional.of(
          Attempts.fail(view, status, "CloneFailed", "DataVolume " + name + " failed"));
    }
    Optional<Decision> retrying = CdiRetries.decide(view, Phase.Cloning);
    if (retrying.isPresent()) {
      return retrying;
    }
    if (!dv.succeeded()) {
      return Optional.of(
          Decision.of(
              State.progressing(
                  Phase.Cloning, "Cloning", "cloning " + parent + ": " + progress(dv))));
    }
    return Optional.empty();
  }

  /** CDI's progress, and what its conditions say (e.g. a PVC waiting to be bound). */
  static String progress(DataVolume dv) {
    String progress =
        dv.getStatus() == null || dv.getStatus().progress == null ? "N/A" : dv.getStatus().progress;
    String detail = DataVolumeReport.of(dv).detail();
    return detail.isEmpty() ? progress : progress + " (" + detail + ")";
  }
}
