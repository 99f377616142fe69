package dev.graft.controller.flow;

import dev.graft.k8s.Conditions.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a decide step concluded: the state for the conditions, the actions for {@link Act}, and when
 * to look again (null: on the next event). {@code quietWhileNew}: a short wait that a resource
 * without a status yet does not get a status patch for (it shows no status until the next state).
 */
public record Decision(State state, List<Action> actions, Duration recheck, boolean quietWhileNew) {
  public Decision {
    actions = List.copyOf(actions);
  }

  public Decision(State state, List<Action> actions, Duration recheck) {
    this(state, actions, recheck, false);
  }

  /** The same, not written as the resource's first status (see {@link Statuses#conclude}). */
  public Decision unwrittenWhileNew() {
    return new Decision(state, actions, recheck, true);
  }

  public static Decision of(State state, Action... actions) {
    return new Decision(state, List.of(actions), null);
  }

  public static Decision of(State state, List<Action> actions) {
    return new Decision(state, actions, null);
  }

  /** The same, looked at again after {@code delay}. */
  public Decision recheckAfter(Duration delay) {
    return new Decision(state, actions, delay, quietWhileNew);
  }

  /** The same with {@code more} actions after these. */
  public Decision and(List<Action> more) {
    List<Action> all = new ArrayList<>(actions);
    all.addAll(more);
    return new Decision(state, all, recheck, quietWhileNew);
  }

  /** The actions described, for table tests. */
  public List<String> described() {
    return actions.stream().map(Action::describe).toList();
  }
}
