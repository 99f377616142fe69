package dev.graft.catalog;

import dev.graft.k8s.EventRecorder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Planner settings changed at run time, without a restart: the ConfigMap {@value #NAME} in the
 * operator's namespace ({@code POD_NAMESPACE}), watched (one informer on that one object). Its keys
 * pin weights and switch learning ({@link WeightOverrides}). A bad key or value keeps the previous
 * settings and becomes a Warning event {@code InvalidPlannerWeights} on the ConfigMap naming the
 * key and the value; a good change is a Normal event {@code PlannerWeightsApplied}. Deleting the
 * ConfigMap drops every pin. Each planning round reads the latest settings.
 */
@ApplicationScoped
public class RuntimeWeights {
  private static final Logger LOG = Logger.getLogger(RuntimeWeights.class);

  /** The ConfigMap's name. */
  public static final String NAME = "graft-planner-weights";

  private final KubernetesClient client;
  private final String namespace;
  private final EventRecorder events;
  private volatile WeightOverrides current = WeightOverrides.NONE;
  private SharedIndexInformer<ConfigMap> informer;

  @Inject
  public RuntimeWeights(
      KubernetesClient client,
      EventRecorder events,
      @ConfigProperty(name = "pod.namespace") Optional<String> namespace) {
    this(client, events, namespace.filter(n -> !n.isBlank()).orElse(null));
  }

  public RuntimeWeights(KubernetesClient client, EventRecorder events, String namespace) {
    this.client = client;
    this.events = events;
    this.namespace = namespace;
  }

  /** Not watched: no overrides ever (offline tools, tests). */
  public static RuntimeWeights none() {
    return new RuntimeWeights(null, null, (String) null);
  }

  /** The settings in force now. */
  public WeightOverrides current() {
    return current;
  }

  /** Starts the watch without waiting; without a namespace (not in a pod) there is none. */
  public synchronized void start() {
    if (namespace == null || client == null || informer != null) {
      return;
    }
    informer = client.configMaps().inNamespace(namespace).withName(NAME).runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            apply(cm);
          }

          @Override
          public void onUpdate(ConfigMap old, ConfigMap cm) {
            if (!java.util.Objects.equals(old.getData(), cm.getData())) {
              apply(cm);
            }
          }

          @Override
          public void onDelete(ConfigMap cm, boolean unknown) {
            current = WeightOverrides.NONE;
            LOG.infof("ConfigMap %s/%s deleted: no weight is pinned", namespace, NAME);
          }
        });
    informer
        .start()
        .exceptionally(
            e -> {
              // Planning goes on with the startup and learned weights (e.g. watchNamespaces
              // leaves the operator's namespace out, so configmaps there may not be read).
              LOG.warnf(e, "cannot watch ConfigMap %s/%s: no run-time weights", namespace, NAME);
              return null;
            });
  }

  /** Takes the ConfigMap's settings, or keeps the previous ones if any key is bad. */
  void apply(ConfigMap cm) {
    WeightOverrides parsed;
    try {
      parsed = WeightOverrides.parse(cm.getData());
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() + "; the previous planner weights stay in use";
      LOG.warnf("ConfigMap %s/%s: %s", namespace, NAME, message);
      if (events != null) {
        events.warning(cm, "InvalidPlannerWeights", message);
      }
      return;
    }
    current = parsed;
    String message = "pinned " + parsed.pinned() + ", calibrate " + parsed.calibrate();
    LOG.infof("ConfigMap %s/%s: %s", namespace, NAME, message);
    if (events != null) {
      events.normal(cm, "PlannerWeightsApplied", message);
    }
  }

  synchronized void onStop(@Observes ShutdownEvent event) {
    if (informer != null) {
      informer.stop();
      informer = null;
    }
  }
}
