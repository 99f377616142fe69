package dev.graft.cli;

import dev.graft.bench.InjectionBenchmark;
import dev.graft.bench.MultiDiskBenchmark;
import dev.graft.bench.UploadCrossover;
import dev.graft.planner.Calibration;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft bench-inject}: times real libguestfs injections and fits the cost weights. */
@Command(
    name = "bench-inject",
    mixinStandardHelpOptions = true,
    description =
        "Inject N files totalling B bytes and remove M into fresh overlays of a scratch image,"
            + " and fit the planner weights (s/file, s/byte, launch s) to the timings.")
public final class BenchInjectCommand implements Callable<Integer> {

  @Option(
      names = "--scenario",
      paramLabel = "FILES:BYTES:REMOVES",
      description =
          "A case such as 100:10M:50; repeatable (default: 9 cases up to 1000 files, 200M).")
  List<String> scenarios;

  @Option(
      names = "--upload-crossover",
      description =
          "Instead: time one file through tar-in and through upload for sizes 64K..32M in one"
              + " launch, and print where upload starts to win.")
  boolean uploadCrossover;

  @Option(
      names = "--multi-disk",
      paramLabel = "N[,N...]",
      split = ",",
      arity = "0..1",
      description =
          "Instead: build N disks in one appliance launch and the same N disks one launch each,"
              + " for each N (default 1,4,10), and print the times and their ratio.")
  List<Integer> multiDisk;

  @CommandLine.Mixin KvmOption kvm;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (multiDisk != null) {
      List<Integer> sizes = multiDisk.isEmpty() ? MultiDiskBenchmark.DEFAULT_SIZES : multiDisk;
      for (int n : sizes) {
        if (n < 1) {
          throw new dev.graft.inject.InjectionInputException(
              "--multi-disk", "disk counts must be at least 1, got " + n);
        }
      }
      List<MultiDiskBenchmark.Row> rows =
          new MultiDiskBenchmark(
                  kvm.mode(),
                  line -> {
                    out.println("graft bench-inject: " + line);
                    out.flush();
                  })
              .run(sizes);
      out.println();
      out.print(MultiDiskBenchmark.table(rows));
      out.println();
      out.println(MultiDiskBenchmark.terms(rows));
      out.flush();
      return 0;
    }
    if (uploadCrossover) {
      List<UploadCrossover.Row> rows =
          new UploadCrossover(
                  kvm.mode(),
                  line -> {
                    out.println("graft bench-inject: " + line);
                    out.flush();
                  })
              .run(UploadCrossover.DEFAULT_SIZES, 5);
      out.println();
      out.print(UploadCrossover.table(rows));
      out.flush();
      return 0;
    }
    List<InjectionBenchmark.Scenario> cases =
        scenarios == null
            ? InjectionBenchmark.DEFAULT
            : scenarios.stream().map(InjectionBenchmark.Scenario::parse).toList();
    InjectionBenchmark bench =
        new InjectionBenchmark(
            kvm.mode(),
            line -> {
              out.println("graft bench-inject: " + line);
              out.flush();
            });
    List<InjectionBenchmark.Result> results = bench.run(cases);
    Calibration.Fit fit = InjectionBenchmark.fit(results);
    out.println();
    out.print(InjectionBenchmark.table(results, fit));
    out.println();
    out.println("fit: " + InjectionBenchmark.weights(fit));
    out.flush();
    return 0;
  }
}
