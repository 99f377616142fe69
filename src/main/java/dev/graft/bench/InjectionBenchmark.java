package dev.graft.bench;

import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import dev.graft.inject.Quoted;
import dev.graft.inject.local.DiskImages;
import dev.graft.inject.local.LocalInjector;
import dev.graft.inject.local.Scratch;
import dev.graft.planner.Calibration;
import dev.graft.planner.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures real injections of N files totalling B bytes plus M removals, each on a fresh qcow2
 * overlay of one base image, and fits the planner's cost weights to them.
 */
public final class InjectionBenchmark {

  /** One benchmark case. */
  public record Scenario(int files, long bytes, int removes) {
    private static final Pattern FORM = Pattern.compile("(\\d+):(\\d+)([KMG]?):(\\d+)");

    /** Parses {@code FILES:BYTES[K|M|G]:REMOVES}, e.g. {@code 100:10M:50}. */
    public static Scenario parse(String text) {
      Matcher m = FORM.matcher(text.trim());
      if (!m.matches()) {
        throw new InjectionInputException(
            "--scenario",
            "must be FILES:BYTES[K|M|G]:REMOVES like 100:10M:50, got " + Quoted.of(text));
      }
      int shift =
          switch (m.group(3)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
          };
      Scenario s =
          new Scenario(
              Integer.parseInt(m.group(1)),
              Long.parseLong(m.group(2)) << shift,
              Integer.parseInt(m.group(4)));
      if (s.files() == 0 && s.bytes() > 0) {
        throw new InjectionInputException("--scenario", "bytes need files, got " + Quoted.of(text));
      }
      return s;
    }
  }

  /** One measured case. */
  public record Result(Scenario scenario, InjectionReport report) {}

  /** The default cases: up to 1,000 files and 200 MiB; about 8 minutes under TCG on 2 cores. */
  public static final List<Scenario> DEFAULT =
      List.of(
          new Scenario(0, 0, 0),
          new Scenario(10, 1L << 20, 0),
          new Scenario(100, 10L << 20, 0),
          new Scenario(1000, 10L << 20, 0),
          new Scenario(10, 100L << 20, 0),
          new Scenario(10, 200L << 20, 0),
          new Scenario(0, 0, 100),
          new Scenario(0, 0, 1000),
          new Scenario(100, 50L << 20, 500));

  private final KvmMode kvm;
  private final Consumer<String> progress;

  public InjectionBenchmark(KvmMode kvm, Consumer<String> progress) {
    this.kvm = kvm;
    this.progress = progress;
  }

  /** Runs every scenario on its own overlay of a base image holding files to remove. */
  public List<Result> run(List<Scenario> scenarios) {
    Path work = Scratch.create("graft-bench-inject-");
    try {
      int removable = scenarios.stream().mapToInt(Scenario::removes).max().orElse(0);
      long biggest = scenarios.stream().mapToLong(Scenario::bytes).max().orElse(0);
      Path base = baseImage(work, removable, biggest);
      List<Result> results = new ArrayList<>();
      LocalInjector injector = new LocalInjector(kvm, line -> progress.accept("  " + line));
      // The first launch after a while also fills the page cache with the appliance; not timed.
      progress.accept("warm-up launch (not measured)");
      Path warmUp = work.resolve("warm-up.qcow2");
      DiskImages.qcow2Overlay(base, warmUp);
      injector.inject(warmUp, "qcow2", List.of(), List.of());
      Scratch.delete(warmUp);
      for (int i = 0; i < scenarios.size(); i++) {
        Scenario s = scenarios.get(i);
        progress.accept(
            String.format(
                Locale.ROOT,
                "scenario %d/%d: %d files, %d bytes, %d removals",
                i + 1,
                scenarios.size(),
                s.files(),
                s.bytes(),
                s.removes()));
        Path overlay = work.resolve("run-" + i + ".qcow2");
        DiskImages.qcow2Overlay(base, overlay);
        InjectionReport report =
            injector.inject(overlay, "qcow2", files(s, new Random(i)), removals(s));
        results.add(new Result(s, report));
        Scratch.delete(overlay);
      }
      return results;
    } finally {
      Scratch.delete(work);
    }
  }

  /**
   * The weights that best explain the results ({@code excessBytes} stays 0). The launch time varies
   * by several seconds from run to run, independently of the build, and would leak into the
   * per-file weights (a few milliseconds each), so the time after the launch is fitted on its own;
   * {@code perBuild} is the mean launch plus that fit's fixed part. The rms error is the fit's, on
   * the time after the launch.
   */
  public static Calibration.Fit fit(List<Result> results) {
    Calibration.Fit afterLaunch =
        Calibration.fit(
            results.stream()
                .map(r -> r.report())
                .map(
                    m ->
                        new Calibration.Measurement(
                            m.bytesAdded(),
                            m.filesAdded(),
                            m.filesRemoved(),
                            m.seconds() - m.launchSeconds()))
                .toList(),
            new Weights(0, 0, 0, 0, 0));
    double launch =
        results.stream().mapToDouble(r -> r.report().launchSeconds()).average().orElse(0);
    Weights w = afterLaunch.weights();
    return new Calibration.Fit(
        new Weights(
            w.missingBytes(), w.inject(), w.remove(), w.excessBytes(), launch + w.perBuild()),
        afterLaunch.rmsErrorSeconds(),
        afterLaunch.samples());
  }

  /** A Markdown table of the results with the fit's prediction for each. */
  public static String table(List<Result> results, Calibration.Fit fit) {
    Weights w = fit.weights();
    StringBuilder out =
        new StringBuilder(
            "| files added | bytes added | files removed | launch s | total s | predicted s |\n"
                + "|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      InjectionReport m = r.report();
      double predicted =
          w.perBuild()
              + w.missingBytes() * m.bytesAdded()
              + w.inject() * m.filesAdded()
              + w.remove() * m.filesRemoved();
      out.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %d | %.1f | %.1f | %.1f |%n",
              m.filesAdded(),
              m.bytesAdded(),
              m.filesRemoved(),
              m.launchSeconds(),
              m.seconds(),
              predicted));
    }
    return out.toString();
  }

  /** The fitted weights, as the {@code graft.planner.weights.*} defaults. */
  public static String weights(Calibration.Fit fit) {
    Weights w = fit.weights();
    return String.format(
        Locale.ROOT,
        "perBuild %.2f s, inject %.4g s/file, remove %.4g s/file, missingBytes %.4g s/byte"
            + " (%.3f s/MiB); rms error %.2f s after the launch over %d runs",
        w.perBuild(),
        w.inject(),
        w.remove(),
        w.missingBytes(),
        w.missingBytes() * (1 << 20),
        fit.rmsErrorSeconds(),
        fit.samples());
  }

  private Path baseImage(Path work, int removable, long biggest) {
    long started = System.nanoTime();
    Path root = work.resolve("rootfs");
    try {
      DiskImages.linuxLikeRoot(root, "Graft Bench");
      Path old = root.resolve("var/lib/graft-bench/old");
      Files.createDirectories(old);
      byte[] kib = new byte[1024];
      for (int i = 0; i < removable; i++) {
        Files.write(old.resolve(String.format("f%05d", i)), kib);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path image = work.resolve("base.img");
    DiskImages.makeExt4(root, image, biggest * 2 + (64L << 20));
    progress.accept(
        String.format(
            Locale.ROOT,
            "base image with %d removable files (%.1f s)",
            removable,
            (System.nanoTime() - started) / 1e9));
    return image;
  }

  private static List<FileToInject> files(Scenario s, Random random) {
    List<FileToInject> files = new ArrayList<>();
    for (int i = 0; i < s.files(); i++) {
      // Sizes differ by at most one byte; random bytes, so nothing compresses.
      long size = s.bytes() / s.files() + (i < s.bytes() % s.files() ? 1 : 0);
      byte[] bytes = new byte[(int) size];
      random.nextBytes(bytes);
      String path = String.format("/opt/graft-bench/d%02d/f%05d", i % 16, i);
      files.add(new FileToInject(path, "0644", "1000:1000", new Payload.Inline(bytes)));
    }
    return files;
  }

  private static List<String> removals(Scenario s) {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < s.removes(); i++) {
      paths.add(String.format("/var/lib/graft-bench/old/f%05d", i));
    }
    return paths;
  }
}
