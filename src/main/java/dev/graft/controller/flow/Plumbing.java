package dev.graft.controller.flow;

import dev.graft.api.GraftStatus;
import dev.graft.k8s.EventRecorder;
import dev.graft.k8s.StatusCopies;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.BiFunction;

/**
 * What every reconciler shares around its own decide step: copy the status, let the decide step
 * fill the copy, act, conclude the status; and the one error path ({@link Failures}).
 */
@ApplicationScoped
public class Plumbing {
  private final Act act;
  private final Failures failures;

  public Plumbing(Act act, Failures failures) {
    this.act = act;
    this.failures = failures;
  }

  /** Without CDI: the same parts, built from the client's event recorder. */
  public static Plumbing of(EventRecorder events, GraftMetrics metrics) {
    return new Plumbing(new Act(events, metrics), new Failures(events, metrics));
  }

  /**
   * One reconcile: {@code decide} gets the resource and a copy of its status to fill, and returns
   * the decision whose actions run before the status is concluded.
   */
  public <P extends CustomResource<?, S>, S extends GraftStatus> UpdateControl<P> reconcile(
      P resource, Context<P> ctx, Class<S> statusType, BiFunction<P, S, Decision> decide) {
    S before = resource.getStatus();
    S status = StatusCopies.copy(before, statusType);
    Decision decision = decide.apply(resource, status);
    act.run(ctx, decision.actions());
    if (Statuses.conclude(resource, before, status, decision)) {
      return StatusWrite.patch(resource, before, ctx, decision.recheck());
    }
    UpdateControl<P> control = UpdateControl.noUpdate();
    return decision.recheck() == null ? control : control.rescheduleAfter(decision.recheck());
  }

  public <P extends CustomResource<?, S>, S extends GraftStatus> ErrorStatusUpdateControl<P> failed(
      P resource, Context<P> ctx, Exception failure, Class<S> statusType) {
    S before = resource.getStatus();
    return StatusWrite.patchOnError(
        resource, before, ctx, failures.handle(resource, failure, statusType, ctx.getRetryInfo()));
  }

  public Act act() {
    return act;
  }
}
