package dev.graft.controller;

import dev.graft.build.InjectionJobs;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An operator process as a test sees it: fresh reconcilers, empty caches and a client of its own,
 * optionally talking to the API server through a fault proxy. Starting one after stopping another
 * is a restart.
 */
final class FreshOperator implements AutoCloseable {
  final KubernetesClient client;
  private final Operator operator;

  /** This process's planner: what it learned from measured builds. */
  final dev.graft.catalog.CatalogPlanner planner;

  /**
   * Informers that stopped on an error. A real operator exits then (JOSDK's default), and its pod
   * restarts; here that would end the test JVM, so they are recorded for the test to check.
   */
  final List<String> stoppedInformers = new CopyOnWriteArrayList<>();

  private FreshOperator(
      Config clientConfig, GraftConfig config, InjectionJobs jobs, GraftMetrics metrics) {
    this(clientConfig, config, jobs, metrics, null, null);
  }

  private FreshOperator(
      Config clientConfig,
      GraftConfig config,
      InjectionJobs jobs,
      GraftMetrics metrics,
      LeaderElectionConfiguration leaderElection,
      String namespace) {
    client = new KubernetesClientBuilder().withConfig(clientConfig).build();
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withCloseClientOnStop(false)
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(2))
                  .withInformerStoppedHandler(
                      (informer, error) -> {
                        if (error != null) {
                          stoppedInformers.add(
                              informer.getApiTypeClass().getSimpleName() + ": " + error);
                        }
                      });
              if (leaderElection != null) {
                o.withLeaderElectionConfiguration(leaderElection);
              }
            });
    planner = new dev.graft.catalog.CatalogPlanner(config, metrics);
    for (Reconciler<?> reconciler :
        Controllers.standalone(client, config, jobs, metrics, planner)) {
      register(reconciler, namespace);
    }
    operator.start();
  }

  private <P extends HasMetadata> void register(Reconciler<P> reconciler, String namespace) {
    operator.register(
        reconciler,
        o -> {
          if (namespace != null) {
            o.settingNamespaces(namespace);
          }
          // as QOSDK does: a cluster-scoped resource's controller watches the whole cluster
          if (reconciler
              instanceof io.quarkiverse.operatorsdk.runtime.api.ConfigurableReconciler<P> c) {
            c.updateConfigurationFrom(o);
          }
        });
  }

  /** Starts an operator on the API server {@code base} points at. */
  static FreshOperator start(
      KubernetesClient base, GraftConfig config, InjectionJobs jobs, GraftMetrics metrics) {
    return new FreshOperator(base.getConfiguration(), config, jobs, metrics);
  }

  /**
   * Starts an operator that reconciles only {@code namespace}, and only while it holds the Lease of
   * {@code leaderElection}.
   */
  static FreshOperator startElected(
      Config clientConfig,
      LeaderElectionConfiguration leaderElection,
      String namespace,
      GraftConfig config,
      InjectionJobs jobs,
      GraftMetrics metrics) {
    return new FreshOperator(clientConfig, config, jobs, metrics, leaderElection, namespace);
  }

  /**
   * Starts an operator whose requests go to {@code url} (a fault proxy). Failed requests are not
   * retried by the client, and a request without an answer times out after {@code timeoutMillis}:
   * every fault reaches the reconcilers, which must cope on their own.
   */
  static FreshOperator startVia(
      String url,
      int timeoutMillis,
      KubernetesClient base,
      GraftConfig config,
      InjectionJobs jobs,
      GraftMetrics metrics) {
    Config viaProxy =
        new ConfigBuilder(base.getConfiguration())
            .withMasterUrl(url)
            .withRequestTimeout(timeoutMillis)
            .withRequestRetryBackoffLimit(0)
            .build();
    return new FreshOperator(viaProxy, config, jobs, metrics);
  }

  @Override
  public void close() {
    operator.stop();
    client.close();
  }
}
