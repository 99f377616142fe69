package dev.graft.bench;

import dev.graft.inject.KvmMode;
import dev.graft.inject.local.DiskImages;
import dev.graft.inject.local.GuestfishSession;
import dev.graft.inject.local.KvmProbe;
import dev.graft.inject.local.Scratch;
import dev.graft.inject.script.GuestfishCommand;
import dev.graft.inject.script.UstarWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Where one file is cheaper through {@code upload} (plus the {@code chmod}, {@code chown} and
 * {@code utimens} it needs) than as a member of the build's {@code tar-in} archive: both timed in
 * one appliance launch for growing sizes, each minus its fixed cost (a {@code tar-in} of an empty
 * member, a command round trip), median of the repeats.
 */
public final class UploadCrossover {

  /** One size: marginal seconds through tar-in and through upload. */
  public record Row(long bytes, double tarInSeconds, double uploadSeconds) {
    public double ratio() {
      return tarInSeconds / uploadSeconds;
    }
  }

  public static final List<Long> DEFAULT_SIZES =
      List.of(64L << 10, 256L << 10, 1L << 20, 2L << 20, 4L << 20, 8L << 20, 16L << 20, 32L << 20);

  private final KvmMode kvm;
  private final Consumer<String> progress;

  public UploadCrossover(KvmMode kvm, Consumer<String> progress) {
    this.kvm = kvm;
    this.progress = progress;
  }

  public List<Row> run(List<Long> sizes, int repeats) {
    Path work = Scratch.create("graft-bench-upload-");
    try {
      Path root = work.resolve("rootfs");
      DiskImages.linuxLikeRoot(root, "Graft Bench");
      Path disk = work.resolve("base.img");
      long biggest = sizes.stream().mapToLong(Long::longValue).max().orElse(0);
      DiskImages.makeExt4(root, disk, biggest * 3 + (64L << 20));
      try (GuestfishSession session =
          GuestfishSession.open(
              disk, "raw", GuestfishCommand.environment(KvmProbe.useKvm(kvm)), work, 3600)) {
        session.run("mkdir-p /opt/t\n");
        double roundTrip = median(repeats * 2, () -> session.run("echo\n"));
        Path empty = archive(work, 0);
        double tarFixed =
            median(repeats, () -> session.run("tar-in " + empty + " /\nrm-f /opt/t/x\n"));
        progress.accept(
            String.format(
                Locale.ROOT,
                "round trip %.3f s, tar-in of an empty member %.3f s",
                roundTrip,
                tarFixed));
        List<Row> rows = new ArrayList<>();
        for (long size : sizes) {
          Path tar = archive(work, size);
          Path file = work.resolve("file-" + size);
          Files.write(file, bytes(size));
          double tarIn =
              median(repeats, () -> session.run("tar-in " + tar + " /\nrm-f /opt/t/x\n"));
          double upload =
              median(
                  repeats,
                  () ->
                      session.run(
                          "upload "
                              + file
                              + " /opt/t/y\nchmod 0644 /opt/t/y\nchown 0 0 /opt/t/y\n"
                              + "utimens /opt/t/y 1 0 1 0\nrm-f /opt/t/y\n"));
          Row row = new Row(size, tarIn - tarFixed, upload - roundTrip);
          progress.accept(
              String.format(
                  Locale.ROOT,
                  "%d bytes: tar-in %.3f s, upload %.3f s",
                  size,
                  row.tarInSeconds(),
                  row.uploadSeconds()));
          rows.add(row);
          Files.delete(tar);
          Files.delete(file);
        }
        return rows;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Scratch.delete(work);
    }
  }

  /** A Markdown table, and the crossover: the smallest size from which upload always wins. */
  public static String table(List<Row> rows) {
    StringBuilder out =
        new StringBuilder(
            "| file size | tar-in s (marginal) | upload+chmod+chown+utimens s (marginal) |"
                + " tar-in / upload |\n|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %.3f | %.2f |%n",
              human(r.bytes()),
              r.tarInSeconds(),
              r.uploadSeconds(),
              r.ratio()));
    }
    Long crossover = null;
    for (int i = rows.size() - 1; i >= 0 && rows.get(i).ratio() >= 1; i--) {
      crossover = rows.get(i).bytes();
    }
    out.append(
        crossover == null
            ? "\nupload never won here\n"
            : "\nupload wins from " + human(crossover) + " on\n");
    return out.toString();
  }

  private static String human(long bytes) {
    return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
  }

  private static Path archive(Path work, long size) throws IOException {
    Path tar = work.resolve("a-" + size + ".tar");
    try (UstarWriter writer =
        new UstarWriter(new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16))) {
      writer.add("opt/t/x", 0644, 0, 0, 1, bytes(size));
    }
    return tar;
  }

  private static byte[] bytes(long size) {
    byte[] b = new byte[(int) size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static double median(int repeats, Runnable task) {
    double[] t = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      task.run();
      t[i] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(t);
    return t[repeats / 2];
  }
}
