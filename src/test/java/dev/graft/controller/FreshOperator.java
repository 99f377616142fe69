package dev.graft.controller;

import dev.graft.build.InjectionJobs;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
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

  /**
   * Informers that stopped on an error. A real operator exits then (JOSDK's default), and its pod
   * restarts; here that would end the test JVM, so they are recorded for the test to check.
   */
  final List<String> stoppedInformers = new CopyOnWriteArrayList<>();

  private FreshOperator(
      Config clientConfig, GraftConfig config, InjectionJobs jobs, GraftMetrics metrics) {
    client = new KubernetesClientBuilder().withConfig(clientConfig).build();
    operator =
        new Operator(
            o ->
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
                        }));
    Controllers.standalone(client, config, jobs, metrics).forEach(operator::register);
    operator.start();
  }

  /** Starts an operator on the API server {@code base} points at. */
  static FreshOperator start(
      KubernetesClient base, GraftConfig config, InjectionJobs jobs, GraftMetrics metrics) {
    return new FreshOperator(base.getConfiguration(), config, jobs, metrics);
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
