package dev.graft.cli;

import dev.graft.inject.InjectionInputException;
import dev.graft.planner.PlanInputException;
import java.io.PrintWriter;
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
      DemoCommand.class,
      WeightsCommand.class
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
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output streams (for tests and embedding). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new GraftCommand());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // One line naming the command, never a stack trace.
          commandLine
              .getErr()
              .println("graft " + commandLine.getCommandName() + ": " + e.getMessage());
          commandLine.getErr().flush();
          return exitStatus(e);
        });
    return cli.execute(args);
  }

  /** 2 for bad input (the message names the field and value), 1 for any other failure. */
  static int exitStatus(Exception e) {
    return e instanceof PlanInputException || e instanceof InjectionInputException ? BAD_INPUT : 1;
  }
}
