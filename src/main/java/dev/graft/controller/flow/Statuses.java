package dev.graft.controller.flow;

import dev.graft.api.GraftStatus;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Conditions.State;
import dev.graft.k8s.StatusCopies;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;

/** The status half of every reconcile: conditions from the state, a patch only on a change. */
public final class Statuses {
  private Statuses() {}

  /**
   * Applies the decision's state to {@code status}; whether to write it: only when it differs from
   * {@code before} (and, for a decision that is {@link Decision#quietWhileNew}, only when there was
   * a status before). A status to write is set on {@code resource}.
   */
  public static <P extends CustomResource<?, S>, S extends GraftStatus> boolean conclude(
      P resource, S before, S status, Decision decision) {
    Conditions.apply(status, decision.state(), resource.getMetadata().getGeneration());
    if (StatusCopies.same(before, status) || (decision.quietWhileNew() && before == null)) {
      return false;
    }
    resource.setStatus(status);
    return true;
  }

  /**
   * One event per new phase or new reason (a missing Secret that appears without its key is a new
   * problem), never one per reconcile: Warning when degraded.
   */
  public static List<Action> announce(HasMetadata about, GraftStatus before, State state) {
    if (!Conditions.changes(before, state)) {
      return List.of();
    }
    return List.of(
        state.degraded()
            ? Action.warning(about, state.reason(), state.message())
            : Action.normal(about, state.reason(), state.message()));
  }
}
