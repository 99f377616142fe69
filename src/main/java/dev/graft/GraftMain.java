package dev.graft;

import dev.graft.cli.GraftCommand;
import dev.graft.demo.DemoRunner;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The one entry point. {@code graft operator} (the default, what the container runs) boots Quarkus
 * and with it the operator. Every other command is plain Java run before Quarkus would start, so
 * {@code plan}, {@code inject} and {@code bench} can never reach a cluster. {@code graft demo}
 * starts an embedded API server first, then boots Quarkus against it and runs {@link DemoRunner};
 * {@code graft bench --suite load} does the same and runs the load benchmark.
 */
@QuarkusMain
public class GraftMain implements QuarkusApplication {

  public static void main(String... args) {
    if (args.length == 0 || args[0].equals("operator")) {
      Quarkus.run(GraftMain.class, args);
      return;
    }
    System.exit(GraftCommand.execute(args));
  }

  @Override
  public int run(String... args) {
    if (args.length > 0 && args[0].equals("demo")) {
      // Started by `graft demo` with the embedded API server already up.
      return Arc.container().instance(DemoRunner.class).get().runFromSystemProperties();
    }
    if (args.length > 0 && args[0].equals("bench")) {
      // `graft bench --suite load` booted the operator against an embedded API server: run the
      // same command again, now in the running application.
      return GraftCommand.execute(args);
    }
    Quarkus.waitForExit();
    return 0;
  }
}
