package dev.graft.cli;

import dev.graft.inject.DiskBuild;
import dev.graft.inject.DiskResult;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.InjectionResults;
import dev.graft.inject.InjectionSpec;
import dev.graft.inject.local.LocalInjector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graft inject}: applies an injection spec to a local disk image with libguestfs; several
 * {@code --disk}/{@code --spec} pairs share one appliance launch, and one disk's failure fails only
 * that disk.
 */
@Command(
    name = "inject",
    mixinStandardHelpOptions = true,
    description = "Write and remove files in a local disk image (raw or qcow2) with libguestfs.")
public final class InjectCommand implements Callable<Integer> {

  @Option(
      names = "--disk",
      required = true,
      paramLabel = "IMAGE",
      description =
          "Disk image; repeat --disk and --spec in pairs to build several disks in one appliance"
              + " launch.")
  List<Path> disks;

  @Option(
      names = "--spec",
      required = true,
      paramLabel = "SPEC.yaml",
      description =
          "files (path, mode, owner as uid:gid or user:group, content|contentBase64), remove,"
              + " mtime (optional); - reads stdin. One per --disk, in the same order.")
  List<String> specFiles;

  @Option(
      names = "--format",
      paramLabel = "raw|qcow2",
      description = "Image format (default: detected by libguestfs).")
  String format;

  @CommandLine.Mixin KvmOption kvm;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (disks.size() != specFiles.size()) {
      throw new InjectionInputException(
          "--spec",
          "given "
              + specFiles.size()
              + " times for "
              + disks.size()
              + " --disk (one spec per disk, in the same order)");
    }
    LocalInjector injector =
        new LocalInjector(
            kvm.mode(),
            line -> {
              out.println("graft inject: " + line);
              out.flush();
            });
    if (disks.size() == 1) {
      InjectionSpec injection = InjectionSpec.read(readSpec(specFiles.get(0), "--spec"));
      InjectionReport report =
          injector.inject(
              disks.get(0), format, injection.files(), injection.remove(), injection.mtime());
      out.println("graft inject: " + done(report));
      out.println(report.toResultLine());
      out.flush();
      return 0;
    }
    return several(injector, out);
  }

  /** Several pairs: one launch; a line per disk; exit 1 when any disk failed. */
  private int several(LocalInjector injector, PrintWriter out) {
    if (specFiles.stream().filter("-"::equals).count() > 1) {
      throw new InjectionInputException("--spec", "only one spec can be read from stdin (-)");
    }
    // A bad spec is bad input for the whole command, before anything launches.
    List<DiskBuild> builds = new ArrayList<>();
    for (int i = 0; i < disks.size(); i++) {
      String field = "--spec[" + i + "]";
      try {
        InjectionSpec injection = InjectionSpec.read(readSpec(specFiles.get(i), field));
        DiskBuild build =
            new DiskBuild(
                disks.get(i),
                format,
                injection.files(),
                injection.remove(),
                injection.mtime(),
                disks.get(i).toString());
        LocalInjector.check(build);
        builds.add(build);
      } catch (InjectionInputException e) {
        String problem = e.getMessage().substring(e.field().length() + 2);
        throw e.field().startsWith("--spec[")
            ? e
            : new InjectionInputException(
                e.field().startsWith("--") ? e.field() + "[" + i + "]" : field + " " + e.field(),
                problem);
      }
    }
    List<DiskResult> results = injector.injectAll(builds);
    boolean failed = false;
    for (int i = 0; i < results.size(); i++) {
      DiskResult r = results.get(i);
      failed |= !r.succeeded();
      out.println(
          "graft inject: "
              + disks.get(i)
              + ": "
              + (r.succeeded() ? done(r.report()) : "FAILED: " + r.failure()));
    }
    out.println(InjectionResults.format(results));
    out.flush();
    return failed ? 1 : 0;
  }

  private static String done(InjectionReport report) {
    return String.format(
        Locale.ROOT,
        "done in %.1f s (launch %.1f s): %d files added, %d bytes, %d removed, SELinux labels: %s",
        report.seconds(),
        report.launchSeconds(),
        report.filesAdded(),
        report.bytesAdded(),
        report.filesRemoved(),
        report.selinux());
  }

  private static String readSpec(String file, String field) {
    try {
      return InputFiles.read(file);
    } catch (IOException e) {
      throw new InjectionInputException(field, InputFiles.cannotRead(file, e));
    }
  }
}
