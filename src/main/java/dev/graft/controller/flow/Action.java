package dev.graft.controller.flow;

import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One change a decide step asks for; {@link Act} carries it out. Actions are data, so a decide step
 * is tested by the actions it returns, without a client.
 */
public sealed interface Action {

  /** A short description, stable enough for table tests: {@code create DataVolume web-1}. */
  String describe();

  /**
   * Creates an object (409: it was already there, e.g. from before a restart). {@code then} gives
   * the actions that follow, from the object as it is now in the API and whether this created it.
   */
  record Create(HasMetadata object, Function<Created, List<Action>> then, boolean cached)
      implements Action {
    /** Nothing follows: a create that finds the object already there does not read it. */
    public static final Function<Created, List<Action>> NOTHING = c -> List.of();

    public Create(HasMetadata object, Function<Created, List<Action>> then) {
      this(object, then, true);
    }

    public Create(HasMetadata object) {
      this(object, NOTHING, true);
    }

    /**
     * A create the controller's caches never see (the object is outside its informers' selectors):
     * not put in the SDK's cache of recent writes, where it would stay.
     */
    public static Create uncached(HasMetadata object) {
      return new Create(object, NOTHING, false);
    }

    @Override
    public String describe() {
      return "create " + object.getKind() + " " + object.getMetadata().getName();
    }
  }

  /** What a {@link Create} found: the object, and whether this call created it. */
  record Created(HasMetadata object, boolean fresh) {}

  /**
   * Applies a JSON Patch (RFC 6902) to an object: the fields it names change, every other field (of
   * another writer, or one Graft does not model) stays as it is.
   */
  record Patch(HasMetadata object, String jsonPatch) implements Action {
    @Override
    public String describe() {
      return "patch " + object.getKind() + " " + object.getMetadata().getName();
    }
  }

  /**
   * Restarts a KubeVirt VirtualMachine through its {@code restart} subresource (what {@code virtctl
   * restart} calls): KubeVirt stops its instance and starts a new one from the VM's spec.
   */
  record RestartVm(String namespace, String name) implements Action {
    @Override
    public String describe() {
      return "restart VirtualMachine " + name;
    }
  }

  /** Deletes an object by type, namespace and name (404: already gone). */
  record Delete(Class<? extends HasMetadata> type, String namespace, String name)
      implements Action {
    @Override
    public String describe() {
      return "delete " + type.getSimpleName() + " " + name;
    }
  }

  /** Records an Event on {@code about}. */
  record Emit(HasMetadata about, boolean warning, String reason, String message) implements Action {
    @Override
    public String describe() {
      return (warning ? "warning " : "event ") + reason + ": " + message;
    }
  }

  /** Counts a metric ({@code what} names it for tests). */
  record Count(String what, Consumer<GraftMetrics> count) implements Action {
    @Override
    public String describe() {
      return "count " + what;
    }
  }

  /** Hands work to a service outside the reconcile (e.g. a use to the catalog's ledger). */
  record Tell(String what, Runnable send) implements Action {
    @Override
    public String describe() {
      return "tell " + what;
    }
  }

  static Emit normal(HasMetadata about, String reason, String message) {
    return new Emit(about, false, reason, message);
  }

  static Emit warning(HasMetadata about, String reason, String message) {
    return new Emit(about, true, reason, message);
  }
}
