package dev.graft.cli;

import picocli.CommandLine.Command;

/** {@code graft bench}: placeholder replaced below. */
@Command(name = "bench", description = "Planner benchmarks.")
public final class BenchCommand implements Runnable {
  @Override
  public void run() {}
}
