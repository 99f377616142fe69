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
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The one error path of every reconciler. Each failed reconcile is counted. A transient failure is
 * retried with the back-off of {@link Retries}. A permanent one ({@link ApiRejection}: 400, 403,
 * 404 on a referenced object, 422) would fail the same way every time: the resource gets {@code
 * Degraded} with the reason and the server's message (secrets masked) and one Warning event, and
 * waits for a change (an edit, an event of what it references, or the periodic resync) instead of
 * retrying blindly.
 */
@ApplicationScoped
public class Failures {
  private final EventRecorder events;
  private final GraftMetrics metrics;

  public Failures(EventRecorder events, GraftMetrics metrics) {
    this.events = events;
    this.metrics = metrics;
  }

  public <P extends CustomResource<?, S>, S extends GraftStatus> ErrorStatusUpdateControl<P> handle(
      P resource, Exception failure, Class<S> statusType) {
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
    return ErrorStatusUpdateControl.patchStatus(resource).withNoRetry();
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
