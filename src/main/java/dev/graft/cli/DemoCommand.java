package dev.graft.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
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
      description = "Multi-document YAML of resources to apply (default: config/demo/fleet.yaml)")
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
    Map<String, String> properties = new HashMap<>();
    properties.put("graftdemo.timeout-seconds", Integer.toString(timeoutSeconds));
    if (scenario != null) {
      properties.put("graftdemo.scenario", scenario.toAbsolutePath().toString());
    }
    if (dumpObjects != null) {
      properties.put("graftdemo.dump-objects", dumpObjects.toAbsolutePath().toString());
    }
    return EmbeddedOperator.run(properties, "demo");
  }
}
