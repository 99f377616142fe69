package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.catalog.CacheClock;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolumes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The build is done: the image enters the catalog (Ready) with its PVC, size, build time and its
 * first eviction priority; a derived build's measurements ({@link Measure}: the injector's report,
 * the clone time) are kept in {@code status.timings} and teach the planner its costs.
 */
public final class Register {
  public Decision decide(BuildView view, GoldenImage.Status status) {
    GoldenImage gi = view.image();
    Instant started =
        status.buildStartedAt == null ? view.now() : Instant.parse(status.buildStartedAt);
    status.buildSeconds = Math.max(0, Duration.between(started, view.now()).toMillis() / 1000.0);
    status.pvc = view.name();
    status.size = DataVolumes.size(gi.getSpec().storage);
    status.retryAfter = null;
    if (status.hits == null) {
      status.hits = 0;
    }
    // Becoming Ready is the image's first use: its eviction priority starts from today's clock.
    status.cachePriority = CacheClock.priority(view.clock(), status);
    if (gi.getSpec().requestedBy != null && !gi.getSpec().requestedBy.isEmpty()) {
      // The requests it was built for use it now: their first uses (no hits) are in this patch,
      // not in a second one (VirtualMachineStep.recordedAtReady).
      status.lastUsed = view.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
    List<Action> actions = new ArrayList<>();
    if (view.isBase()) {
      actions.add(Action.normal(gi, "Ready", "base image imported into PVC " + view.name()));
      return Decision.of(
          State.ready(Phase.Ready, "Ready", "imported into PVC " + view.name()), actions);
    }
    String parent = gi.getSpec().parent;
    InjectionJobs.Diff diff = view.diff();
    double seconds = status.buildSeconds;
    String os = view.os();
    status.timings = Measure.timings(view);
    var timings = status.timings;
    String cloneMethod = status.cloneMethod;
    String key = gi.getMetadata().getUid();
    actions.add(
        new Action.Tell(
            "measured " + diff.add().size() + " files",
            () -> view.settings().measurements().measured(key, timings, cloneMethod)));
    actions.add(
        new Action.Count(
            "buildSucceeded " + os,
            m -> m.buildSucceeded(os, seconds, diff.bytesAdded(), diff.add().size())));
    actions.add(
        Action.normal(
            gi,
            "Ready",
            String.format(
                Locale.ROOT,
                "built from %s in %.1fs (attempt %d)",
                parent,
                seconds,
                Attempts.current(status))));
    return Decision.of(State.ready(Phase.Ready, "Ready", "built from " + parent), actions);
  }
}
