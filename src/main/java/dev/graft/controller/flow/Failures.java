package dev.graft.controller.flow;

import dev.graft.api.GraftStatus;
import dev.graft.api.Phase;
import dev.graft.k8s.ApiRejection;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Conditions.State;
import dev.graft.k8s.EventRecorder;
import dev.graft.k8s.StatusCopies;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The one error path of every reconciler. Each failed reconcile is counted. A transient failure is
 * retried with the back-off of {@code Retries}. A permanent one ({@link ApiRejection}: 400, 403,
 * 404 on a referenced object, 422) would fail the same way every time: the resource gets {@code
 * Degraded} with the reason and the server's message (secrets masked) and one Warning event, and
 * waits for a change (an edit, an event of what it references, or the periodic resync) instead of
 * retrying blindly.
 *
 * <p>A 403 is shown the same way but also retried a few times first: an API server that has just
 * restarted refuses requests until its authorizer has synced, and a new RoleBinding takes a moment
 * to reach it. Without the retry such a refusal stayed until the next resync (10 minutes).
 */
@ApplicationScoped
public class Failures {
  /**
   * Attempts at a reconcile refused with 403 before it waits for a change: with the back-off of
   * {@code Retries} (0.5 s doubling to 30 s) about 90 s, which covers an authorizer's warm-up.
   */
  static final int FORBIDDEN_ATTEMPTS = 8;

  private final EventRecorder events;
  private final GraftMetrics metrics;

  public Failures(EventRecorder events, GraftMetrics metrics) {
    this.events = events;
    this.metrics = metrics;
  }

  public <P extends CustomResource<?, S>, S extends GraftStatus> ErrorStatusUpdateControl<P> handle(
      P resource, Exception failure, Class<S> statusType, Optional<RetryInfo> retry) {
    metrics.reconcileError(resource.getKind());
    Optional<ApiRejection> rejection = ApiRejection.of(failure, resource);
    if (rejection.isEmpty()) {
      return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
    S before = resource.getStatus();
    S status = StatusCopies.copy(before, statusType);
    State state = rejected(before, rejection.get());
    if (Conditions.changes(before, state)) {
      events.warning(resource, state.reason(), state.message());
    }
    Conditions.apply(status, state, resource.getMetadata().getGeneration());
    resource.setStatus(status);
    ErrorStatusUpdateControl<P> patch = ErrorStatusUpdateControl.patchStatus(resource);
    return retriesLeft(rejection.get(), retry) ? patch : patch.withNoRetry();
  }

  /** Only a 403 is retried, and only for its first attempts. */
  static boolean retriesLeft(ApiRejection rejection, Optional<RetryInfo> retry) {
    int attempts = retry.map(RetryInfo::getAttemptCount).orElse(0);
    return rejection.code() == 403 && attempts < FORBIDDEN_ATTEMPTS;
  }

  /** Degraded in the phase the resource was in, naming what the API server refused. */
  public static State rejected(GraftStatus before, ApiRejection rejection) {
    Phase phase = before == null || before.phase == null ? Phase.Pending : before.phase;
    if (phase == Phase.Ready) {
      phase = Phase.Pending;
    }
    return State.degraded(
        phase,
        rejection.reason(),
        "the API server refused a write (" + rejection.code() + "): " + rejection.message());
  }
}
