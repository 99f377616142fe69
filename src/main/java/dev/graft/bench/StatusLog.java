package dev.graft.bench;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftStatus;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the operator's writes said, seen by the harness: every status change of the
 * GraftedVirtualMachines and GoldenImages of a namespace (from a watch: each is one status patch),
 * by kind, phase and Ready reason; and, at the end, the Events by kind and reason. The harness's
 * own requests are not counted as the operator's.
 */
final class StatusLog implements AutoCloseable {
  private final Map<String, String> last = new ConcurrentHashMap<>();
  private final Map<String, Integer> changes = new ConcurrentHashMap<>();
  private final Set<String> ready = ConcurrentHashMap.newKeySet();
  private final List<Watch> watches;
  private final KubernetesSerialization json = new KubernetesSerialization();

  StatusLog(KubernetesClient client, String ns) {
    watches =
        List.of(
            client.resources(GraftedVirtualMachine.class).inNamespace(ns).watch(watcher()),
            client.resources(GoldenImage.class).inNamespace(ns).watch(watcher()));
  }

  private <T extends CustomResource<?, ? extends GraftStatus>> Watcher<T> watcher() {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        if (action == Action.DELETED || resource.getStatus() == null) {
          return;
        }
        String key = resource.getKind() + "/" + resource.getMetadata().getName();
        if (resource instanceof GraftedVirtualMachine) {
          if (resource.getStatus().phase == Phase.Ready) {
            ready.add(key);
          } else {
            ready.remove(key);
          }
        }
        String status = json.asJson(resource.getStatus());
        if (Objects.equals(last.put(key, status), status)) {
          return;
        }
        GraftStatus s = resource.getStatus();
        var ready = Conditions.get(s, Conditions.READY);
        changes.merge(
            "status "
                + resource.getKind()
                + " "
                + s.phase
                + " "
                + (ready == null ? "-" : ready.getReason()),
            1,
            Integer::sum);
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  /** How many GraftedVirtualMachines the watch last saw Ready. */
  int ready() {
    return ready.size();
  }

  /** Status changes by "status Kind phase reason", then Events by "event Kind reason". */
  Map<String, Integer> writes(KubernetesClient client, String ns) {
    Map<String, Integer> out = new TreeMap<>(changes);
    for (Event e : client.v1().events().inNamespace(ns).list().getItems()) {
      out.merge(
          "event " + e.getInvolvedObject().getKind() + " " + e.getReason(),
          e.getCount() == null ? 1 : e.getCount(),
          Integer::sum);
    }
    return out;
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }
}
