package dev.graft.bench;

import dev.graft.inject.DiskBuild;
import dev.graft.inject.DiskResult;
import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import dev.graft.inject.local.DiskImages;
import dev.graft.inject.local.LocalInjector;
import dev.graft.inject.local.Scratch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Times N disks built in one appliance launch ({@link LocalInjector#injectAll}) against the same N
 * disks built one launch each, for each N asked. Every disk is a fresh qcow2 overlay of one small
 * base image and gets the same small build (3 files, 1 removal), so the difference is the launches.
 * The shared launch runs before and after the single ones and counts as their mean.
 */
public final class MultiDiskBenchmark {

  /** One size: wall time of the shared launch and of the single launches. */
  public record Row(int disks, double sharedSeconds, double singleSeconds) {
    public double ratio() {
      return sharedSeconds / singleSeconds;
    }
  }

  public static final List<Integer> DEFAULT_SIZES = List.of(1, 4, 10);

  private final KvmMode kvm;
  private final Consumer<String> progress;

  public MultiDiskBenchmark(KvmMode kvm, Consumer<String> progress) {
    this.kvm = kvm;
    this.progress = progress;
  }

  public List<Row> run(List<Integer> sizes) {
    Path work = Scratch.create("graft-bench-multidisk-");
    try {
      Path root = work.resolve("rootfs");
      DiskImages.linuxLikeRoot(root, "Graft Bench");
      java.nio.file.Files.writeString(root.resolve("etc/old.conf"), "old\n");
      Path base = work.resolve("base.img");
      DiskImages.makeExt4(root, base, 4L << 20);
      LocalInjector injector = new LocalInjector(kvm, line -> {});
      // The shared launches tell their steps: where the time of a disk goes.
      LocalInjector sharedInjector = new LocalInjector(kvm, line -> progress.accept("  " + line));
      progress.accept("warm-up launch (not measured)");
      check(injector.injectAll(List.of(build(overlay(base, work, "warm-up"), 0))));
      List<Row> rows = new ArrayList<>();
      int n = 0;
      for (int disks : sizes) {
        List<DiskBuild> shared = new ArrayList<>();
        List<DiskBuild> single = new ArrayList<>();
        List<DiskBuild> again = new ArrayList<>();
        for (int i = 0; i < disks; i++) {
          shared.add(build(overlay(base, work, "s" + n + "-" + i), i));
          single.add(build(overlay(base, work, "o" + n + "-" + i), i));
          again.add(build(overlay(base, work, "a" + n + "-" + i), i));
        }
        n++;
        // Shared, single launches, shared again: on a machine whose load drifts, the mean of the
        // two shared runs brackets the single ones in time.
        double first = shared(sharedInjector, shared);
        long started = System.nanoTime();
        for (DiskBuild b : single) {
          injector.inject(b);
        }
        double singleSeconds = (System.nanoTime() - started) / 1e9;
        progress.accept(
            String.format(
                Locale.ROOT, "%d disks in %d launches: %.1f s", disks, disks, singleSeconds));
        double second = shared(sharedInjector, again);
        rows.add(new Row(disks, (first + second) / 2, singleSeconds));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Scratch.delete(work);
    }
  }

  private double shared(LocalInjector injector, List<DiskBuild> builds) {
    long started = System.nanoTime();
    check(injector.injectAll(builds));
    double seconds = (System.nanoTime() - started) / 1e9;
    progress.accept(
        String.format(Locale.ROOT, "%d disks in one launch: %.1f s", builds.size(), seconds));
    return seconds;
  }

  /** A Markdown table: one launch against N launches, and their ratio. */
  public static String table(List<Row> rows) {
    StringBuilder out =
        new StringBuilder(
            "| disks | one launch s | one launch per disk s | ratio | s per disk (one launch) |\n"
                + "|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %d | %.1f | %.1f | %.2fx | %.1f |%n",
              r.disks(),
              r.sharedSeconds(),
              r.singleSeconds(),
              r.ratio(),
              r.sharedSeconds() / r.disks()));
    }
    return out.toString();
  }

  /**
   * The planner's launch terms from the shared launches: {@code seconds ≈ perLaunch + perDisk · N},
   * a least-squares line through the rows (null with fewer than two disk counts).
   */
  public static double[] launchTerms(List<Row> rows) {
    int n = rows.size();
    double mx = rows.stream().mapToDouble(Row::disks).average().orElse(0);
    double my = rows.stream().mapToDouble(Row::sharedSeconds).average().orElse(0);
    double sxx = 0;
    double sxy = 0;
    for (Row r : rows) {
      sxx += (r.disks() - mx) * (r.disks() - mx);
      sxy += (r.disks() - mx) * (r.sharedSeconds() - my);
    }
    if (n < 2 || sxx == 0) {
      return null;
    }
    double perDisk = sxy / sxx;
    return new double[] {my - perDisk * mx, perDisk};
  }

  /** {@code perLaunch X s, perDisk Y s}, or a note when there are too few sizes. */
  public static String terms(List<Row> rows) {
    double[] t = launchTerms(rows);
    return t == null
        ? "(give two disk counts or more to fit perLaunch and perDisk)"
        : String.format(
            Locale.ROOT,
            "fit of the shared launches: perLaunch %.1f s, perDisk %.1f s (weights.perLaunch,"
                + " weights.perDisk)",
            t[0],
            t[1]);
  }

  private static void check(List<DiskResult> results) {
    for (DiskResult r : results) {
      if (!r.succeeded()) {
        throw new InjectionFailedException("a benchmark disk failed: " + r.failure());
      }
    }
  }

  private static Path overlay(Path base, Path work, String name) {
    Path overlay = work.resolve(name + ".qcow2");
    DiskImages.qcow2Overlay(base, overlay);
    return overlay;
  }

  /** 3 small files and 1 removal, the same for every disk but for its number. */
  private static DiskBuild build(Path disk, int i) {
    List<FileToInject> files =
        List.of(
            file("/etc/graft/host.conf", "host " + i + "\n"),
            file("/etc/graft/agent.yaml", "agent: {interval: 30s}\n"),
            file("/opt/graft/bin/hello", "#!/bin/sh\necho hello\n"));
    return new DiskBuild(
        disk, "qcow2", files, List.of("/etc/old.conf"), 1_700_000_000L, disk.toString());
  }

  private static FileToInject file(String path, String content) {
    return new FileToInject(
        path, "0644", "0:0", new Payload.Inline(content.getBytes(StandardCharsets.UTF_8)));
  }
}
