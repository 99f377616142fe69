package dev.graft.build;

import dev.graft.config.GraftConfig;
import dev.graft.inject.KvmMode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/** A read-only cache of the cluster's Nodes, watched only when {@code graft.injector.kvm=auto}. */
@ApplicationScoped
public class ClusterNodes {
  private static final Logger LOG = Logger.getLogger(ClusterNodes.class);

  private final KubernetesClient client;
  private final boolean needed;
  private SharedIndexInformer<Node> informer;

  @Inject
  public ClusterNodes(KubernetesClient client, GraftConfig config) {
    this.client = client;
    // Only auto decides per cluster; always and never do not look at nodes, so they need no watch.
    this.needed = KvmMode.parse("graft.injector.kvm", config.injector().kvm()) == KvmMode.AUTO;
  }

  /** Starts the watch without waiting: until the first list arrives, no node offers KVM. */
  public synchronized void start() {
    if (!needed || informer != null) {
      return;
    }
    informer = client.nodes().runnableInformer(0);
    informer
        .start()
        .exceptionally(
            e -> {
              // Jobs still build without KVM (slower), so a missing permission is not fatal.
              LOG.warnf(e, "cannot watch nodes; injection Jobs use software emulation");
              return null;
            });
  }

  synchronized void onStop(@Observes ShutdownEvent event) {
    if (informer != null) {
      informer.stop();
      informer = null;
    }
  }

  /** The cached nodes; empty when not watched. */
  public synchronized List<Node> list() {
    return informer == null ? List.of() : informer.getStore().list();
  }
}
