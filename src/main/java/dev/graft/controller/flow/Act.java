package dev.graft.controller.flow;

import dev.graft.k8s.EventRecorder;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The act step of every reconciler: carries out a decision's actions in order. Writes go through
 * the SDK's resource operations, so the controller's informer caches see them at once (a second
 * reconcile never misses what the first created). The only place reconcilers write to the API.
 */
@ApplicationScoped
public class Act {
  private final EventRecorder events;
  private final GraftMetrics metrics;

  public Act(EventRecorder events, GraftMetrics metrics) {
    this.events = events;
    this.metrics = metrics;
  }

  public void run(Context<?> ctx, List<Action> actions) {
    Deque<Action> todo = new ArrayDeque<>(actions);
    while (!todo.isEmpty()) {
      Action action = todo.pollFirst();
      List<Action> next = run(ctx, action);
      for (int i = next.size() - 1; i >= 0; i--) {
        todo.addFirst(next.get(i));
      }
    }
  }

  private List<Action> run(Context<?> ctx, Action action) {
    if (action instanceof Action.Create c) {
      Action.Created created = create(ctx, c, c.then() != Action.Create.NOTHING);
      return c.then().apply(created);
    } else if (action instanceof Action.Patch p) {
      ctx.getClient().resource(p.object()).patch(PatchContext.of(PatchType.JSON), p.jsonPatch());
    } else if (action instanceof Action.RestartVm r) {
      ctx.getClient()
          .raw(
              "/apis/subresources.kubevirt.io/v1/namespaces/"
                  + r.namespace()
                  + "/virtualmachines/"
                  + r.name()
                  + "/restart",
              "PUT",
              java.util.Map.of());
    } else if (action instanceof Action.Delete d) {
      delete(ctx, d);
    } else if (action instanceof Action.Emit e) {
      if (e.warning()) {
        events.warning(e.about(), e.reason(), e.message());
      } else {
        events.normal(e.about(), e.reason(), e.message());
      }
    } else if (action instanceof Action.Count c) {
      c.count().accept(metrics);
    } else if (action instanceof Action.Tell t) {
      t.send().run();
    }
    return List.of();
  }

  private static Action.Created create(Context<?> ctx, Action.Create c, boolean readExisting) {
    HasMetadata object = c.object();
    try {
      HasMetadata created =
          c.cached()
              ? ctx.resourceOperations().create(object)
              : ctx.getClient().resource(object).create();
      return new Action.Created(created, true);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Already there: an earlier reconcile (maybe before a restart) created it.
      if (!readExisting) {
        return new Action.Created(object, false);
      }
      HasMetadata existing =
          ctx.getClient()
              .resources(object.getClass())
              .inNamespace(object.getMetadata().getNamespace())
              .withName(object.getMetadata().getName())
              .get();
      return new Action.Created(existing == null ? object : existing, false);
    }
  }

  private static void delete(Context<?> ctx, Action.Delete d) {
    try {
      ctx.getClient().resources(d.type()).inNamespace(d.namespace()).withName(d.name()).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
