package dev.graft.k8s;

import dev.graft.api.GraftStatus;
import dev.graft.api.Phase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one place where conditions are built. Every status carries {@code Ready}, {@code Progressing}
 * and {@code Degraded}; {@code lastTransitionTime} is kept when a condition's status does not
 * change, so an unchanged state yields an equal status and no patch.
 */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  /** On a GoldenImage: built on an older generation of its os's base than the newest. */
  public static final String OUTDATED = "Outdated";

  /** What a reconcile concluded: the phase, a reason and a message. */
  public record State(
      Phase phase,
      boolean ready,
      boolean progressing,
      boolean degraded,
      String reason,
      String message) {

    public static State ready(Phase phase, String reason, String message) {
      return new State(phase, true, false, false, reason, message);
    }

    public static State progressing(Phase phase, String reason, String message) {
      return new State(phase, false, true, false, reason, message);
    }

    /** Not ready because of a problem that a retry or a user change may fix. */
    public static State degraded(Phase phase, String reason, String message) {
      return new State(phase, false, phase != Phase.Failed, true, reason, message);
    }
  }

  private Conditions() {}

  /**
   * Writes phase, observedGeneration and the three conditions of {@code state} into status; other
   * conditions (e.g. a GoldenImage's {@code Outdated}) are kept after them.
   */
  public static void apply(GraftStatus status, State state, Long generation) {
    status.phase = state.phase();
    status.observedGeneration = generation;
    List<Condition> previous = status.conditions == null ? List.of() : status.conditions;
    List<Condition> next = new ArrayList<>();
    String okReason = state.ready() ? state.reason() : "NotReady";
    next.add(
        condition(previous, READY, state.ready(), state.reason(), state.message(), generation));
    next.add(
        condition(
            previous,
            PROGRESSING,
            state.progressing(),
            state.progressing() ? state.reason() : okReason,
            state.progressing() ? state.message() : "",
            generation));
    next.add(
        condition(
            previous,
            DEGRADED,
            state.degraded(),
            state.degraded() ? state.reason() : "AsExpected",
            state.degraded() ? state.message() : "",
            generation));
    previous.stream()
        .filter(c -> !Set.of(READY, PROGRESSING, DEGRADED).contains(c.getType()))
        .forEach(next::add);
    status.conditions = next;
  }

  /** Sets one condition besides the three of a state, keeping its transition time if unchanged. */
  public static void set(
      GraftStatus status, String type, boolean value, String reason, String message, Long gen) {
    List<Condition> previous = status.conditions == null ? List.of() : status.conditions;
    List<Condition> next = new ArrayList<>();
    previous.stream().filter(c -> !type.equals(c.getType())).forEach(next::add);
    next.add(condition(previous, type, value, reason, message, gen));
    status.conditions = next;
  }

  /** Whether a state is news against the last status: a new phase or a new reason. */
  public static boolean changes(GraftStatus before, State state) {
    if (before == null || before.phase != state.phase()) {
      return true;
    }
    Condition ready = get(before, READY);
    return ready == null || !state.reason().equals(ready.getReason());
  }

  /** The condition of a type, or null. */
  public static Condition get(GraftStatus status, String type) {
    if (status == null || status.conditions == null) {
      return null;
    }
    return status.conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /** Whether the condition of a type is True. */
  public static boolean isTrue(GraftStatus status, String type) {
    Condition c = get(status, type);
    return c != null && "True".equals(c.getStatus());
  }

  private static Condition condition(
      List<Condition> previous,
      String type,
      boolean value,
      String reason,
      String message,
      Long generation) {
    String status = value ? "True" : "False";
    String since =
        previous.stream()
            .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .findFirst()
            .orElse(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message == null ? "" : message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}
