package dev.graft.cli;

import dev.graft.GraftMain;
import dev.graft.bench.LoadRunner;
import dev.graft.sim.AuthorizingDispatcher;
import dev.graft.sim.IndexedCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.runtime.Quarkus;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts an embedded API server (the fabric8 mock server, CRUD mode), boots Quarkus and with it the
 * operator against it, and runs {@link GraftMain#run} with the given arguments: how {@code graft
 * demo} and {@code graft bench --suite load} run without a cluster.
 */
final class EmbeddedOperator {
  private final Map<String, String> previous = new HashMap<>();

  private EmbeddedOperator() {}

  /** Returns the exit status of the application run. */
  static int run(Map<String, String> properties, String... args) {
    return new EmbeddedOperator().start(properties, args);
  }

  private int start(Map<String, String> properties, String... args) {
    MockWebServer web = new MockWebServer();
    // The mock server's store, indexed: its own scans every object per request (O(N²) a run).
    KubernetesCrudDispatcher store = new IndexedCrudDispatcher();
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), web, new HashMap<>(), store, false);
    server.init();
    AuthorizingDispatcher.install(web, store);
    try {
      String url = "http://" + server.getHostName() + ":" + server.getPort();
      set("quarkus.kubernetes-client.api-server-url", url);
      set("quarkus.kubernetes-client.trust-certs", "true");
      set("quarkus.kubernetes-client.namespace", "default");
      set("quarkus.http.port", "0");
      set("quarkus.log.level", "WARN");
      set("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
      // The client settings above are runtime values here; Quarkus warns they differ from the
      // build.
      set("quarkus.log.category.\"io.quarkus.runtime.configuration\".level", "ERROR");
      set("quarkus.log.category.\"io.fabric8.kubernetes.client.dsl.internal\".level", "ERROR");
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
          .setLevel(java.util.logging.Level.WARNING);
      set("graft.planner.calibrate", "false");
      set("graft.build.retry-backoff", "1s");
      set("graft.planner.batch-window", "1s");
      properties.forEach(this::set);
      LoadRunner.recordFrom(server);
      AtomicInteger status = new AtomicInteger();
      Quarkus.run(
          GraftMain.class,
          (code, error) -> {
            if (error != null) {
              System.err.println("graft " + args[0] + ": " + error);
              error.printStackTrace();
            }
            status.set(error != null ? 1 : code);
          },
          args);
      return status.get();
    } finally {
      server.destroy();
      restore();
    }
  }

  /** Sets a system property for this run; the old value comes back after it. */
  private void set(String key, String value) {
    previous.putIfAbsent(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  /** Puts back the system properties of before the run: a JVM that goes on sees none of them. */
  private void restore() {
    previous.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
    previous.clear();
  }
}
