package dev.graft.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code graft} command line: local tools beside the operator. */
@Command(
    name = "graft",
    mixinStandardHelpOptions = true,
    version = "graft 0.1.0",
    description = "Golden-image planner and operator for KubeVirt.",
    subcommands = {
      PlanCommand.class,
      BenchCommand.class,
      InjectCommand.class,
      BenchInjectCommand.class,
      DemoCommand.class
    })
public final class GraftCommand implements Runnable {

  /** Exit status for bad input: the message names the field and value. */
  public static final int BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Runs the command line and returns its exit status. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new GraftCommand());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("graft: " + e.getMessage());
          return 1;
        });
    return cli.execute(args);
  }
}
