package dev.graft.cli;

import dev.graft.GraftMain;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.runtime.Quarkus;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graft demo}: an embedded API server (the fabric8 mock server, CRUD mode), the operator and
 * a simulator playing CDI and the Job controller, in one process; applies the sample fleet, waits
 * until every VM is Ready and prints what was built from what, at what cost.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the operator against an embedded API server on the sample fleet and print the plan.")
public final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--scenario",
      paramLabel = "FILE",
      description =
          "Multi-document YAML of resources to apply (default: config/samples/fleet.yaml)")
  Path scenario;

  @Option(
      names = "--dump-objects",
      paramLabel = "DIR",
      description = "Write every object as <kind>-<namespace>-<name>.yaml into DIR at the end")
  Path dumpObjects;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long to wait for every VM to be Ready (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    try {
      String url = "http://" + server.getHostName() + ":" + server.getPort();
      System.setProperty("quarkus.kubernetes-client.api-server-url", url);
      System.setProperty("quarkus.kubernetes-client.trust-certs", "true");
      System.setProperty("quarkus.kubernetes-client.namespace", "default");
      System.setProperty("quarkus.http.port", "0");
      System.setProperty("quarkus.log.level", "WARN");
      System.setProperty("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
      // The client settings above are runtime values here; Quarkus warns they differ from the
      // build.
      System.setProperty(
          "quarkus.log.category.\"io.quarkus.runtime.configuration\".level", "ERROR");
      System.setProperty(
          "quarkus.log.category.\"io.fabric8.kubernetes.client.dsl.internal\".level", "ERROR");
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
          .setLevel(java.util.logging.Level.WARNING);
      System.setProperty("graft.planner.calibrate", "false");
      System.setProperty("graft.build.retry-backoff", "1s");
      System.setProperty("graft.planner.batch-window", "1s");
      System.setProperty("graftdemo.timeout-seconds", Integer.toString(timeoutSeconds));
      if (scenario != null) {
        System.setProperty("graftdemo.scenario", scenario.toAbsolutePath().toString());
      }
      if (dumpObjects != null) {
        System.setProperty("graftdemo.dump-objects", dumpObjects.toAbsolutePath().toString());
      }
      AtomicInteger status = new AtomicInteger();
      Quarkus.run(
          GraftMain.class,
          (code, error) -> {
            if (error != null) {
              System.err.println("graft demo: " + error);
              error.printStackTrace();
            }
            status.set(error != null ? 1 : code);
          },
          "demo");
      return status.get();
    } finally {
      server.destroy();
    }
  }
}
