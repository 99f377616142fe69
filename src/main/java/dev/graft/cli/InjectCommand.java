package dev.graft.cli;

import dev.graft.inject.InjectionInputException;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.InjectionSpec;
import dev.graft.inject.KvmMode;
import dev.graft.inject.local.LocalInjector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft inject}: applies an injection spec to a local disk image with libguestfs. */
@Command(
    name = "inject",
    mixinStandardHelpOptions = true,
    description = "Write and remove files in a local disk image (raw or qcow2) with libguestfs.")
public final class InjectCommand implements Callable<Integer> {

  @Option(names = "--disk", required = true, paramLabel = "IMAGE", description = "Disk image.")
  Path disk;

  @Option(
      names = "--spec",
      required = true,
      paramLabel = "SPEC.yaml",
      description =
          "files (path, mode, owner as uid:gid or user:group, content|contentBase64), remove,"
              + " mtime (optional); - reads stdin.")
  String specFile;

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
    KvmMode mode = kvm.mode();
    InjectionSpec injection = InjectionSpec.read(readSpec());
    LocalInjector injector =
        new LocalInjector(
            mode,
            line -> {
              out.println("graft inject: " + line);
              out.flush();
            });
    InjectionReport report =
        injector.inject(disk, format, injection.files(), injection.remove(), injection.mtime());
    out.println(
        String.format(
            Locale.ROOT,
            "graft inject: done in %.1f s (launch %.1f s): %d files added, %d bytes, %d removed,"
                + " SELinux labels: %s",
            report.seconds(),
            report.launchSeconds(),
            report.filesAdded(),
            report.bytesAdded(),
            report.filesRemoved(),
            report.selinux()));
    out.println(report.toResultLine());
    out.flush();
    return 0;
  }

  private String readSpec() {
    try {
      return InputFiles.read(specFile);
    } catch (IOException e) {
      throw new InjectionInputException("--spec", InputFiles.cannotRead(specFile, e));
    }
  }
}
