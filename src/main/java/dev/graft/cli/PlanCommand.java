package dev.graft.cli;

import dev.graft.planner.Plan;
import dev.graft.planner.PlanInputException;
import dev.graft.planner.PlanInputReader;
import dev.graft.planner.PlanWriter;
import dev.graft.planner.Problem;
import dev.graft.planner.Strategy;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft plan}: plans builds for a plan-format.md input, entirely offline. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Choose the source image of every requested image at the lowest total cost.")
public final class PlanCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    json,
    dot,
    table
  }

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "Plan input (plan-format.md JSON); - reads standard input.")
  String input;

  @Option(
      names = "--strategy",
      defaultValue = "optimal",
      description = "optimal, nearest, exact-only or base-only (default: ${DEFAULT-VALUE}).")
  String strategy;

  @Option(
      names = "--format",
      defaultValue = "json",
      description = "json, dot or table (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--compare", description = "Print the total cost of every strategy instead.")
  boolean compare;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Problem problem = PlanInputReader.read(readInput());
    if (compare) {
      Map<Strategy, Plan> plans = new EnumMap<>(Strategy.class);
      for (Strategy s : Strategy.values()) {
        plans.put(s, s.plan(problem));
      }
      out.print(PlanWriter.compare(plans));
    } else {
      Plan plan = Strategy.fromId(strategy).plan(problem);
      out.print(
          switch (format) {
            case json -> PlanWriter.json(plan);
            case dot -> PlanWriter.dot(plan);
            case table -> PlanWriter.table(plan);
          });
    }
    out.flush();
    return 0;
  }

  private String readInput() {
    try {
      return InputFiles.read(input);
    } catch (IOException e) {
      throw new PlanInputException("--input", InputFiles.cannotRead(input, e));
    }
  }
}
