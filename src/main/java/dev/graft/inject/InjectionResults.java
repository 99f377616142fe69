package dev.graft.inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The injector's results as its container's termination message, the one place that writes and
 * reads them. One disk: its {@code GRAFT-RESULT {json}} line, or {@code graft: MESSAGE} (the format
 * of single-disk Jobs, unchanged). Several disks: a header line {@code GRAFT-RESULTS n}, then one
 * line per disk, in the order the disks were given: {@code i GRAFT-RESULT {json}} or {@code i
 * graft: MESSAGE}. Failure messages are cut so that the whole stays within what kubelet keeps.
 */
public final class InjectionResults {

  /** Prefix of a failure, in the log and the termination message. */
  public static final String FAILED = "graft: ";

  /** Header of a several-disk message. */
  public static final String HEADER = "GRAFT-RESULTS ";

  /** kubelet keeps at most 4096 bytes of a termination message; keep a margin. */
  public static final int MAX_BYTES = 4000;

  private InjectionResults() {}

  /** The termination message for {@code results} (one per disk, in order). */
  public static String format(List<DiskResult> results) {
    if (results.size() == 1) {
      DiskResult r = results.get(0);
      return r.succeeded() ? r.report().toResultLine() : truncate(FAILED + r.failure(), MAX_BYTES);
    }
    StringBuilder out = new StringBuilder(HEADER).append(results.size()).append('\n');
    List<String> successes = new ArrayList<>();
    int failures = 0;
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).succeeded()) {
        successes.add(i + " " + results.get(i).report().toResultLine());
      } else {
        failures++;
      }
    }
    int fixed = bytes(out.toString()) + successes.stream().mapToInt(s -> bytes(s) + 1).sum();
    // Each failure gets an equal share of what is left (a result line is ~150 bytes).
    int share = failures == 0 ? 0 : Math.max(40, (MAX_BYTES - fixed) / failures - 1);
    for (int i = 0; i < results.size(); i++) {
      DiskResult r = results.get(i);
      String line =
          r.succeeded()
              ? i + " " + r.report().toResultLine()
              : truncate(i + " " + FAILED + oneLine(r.failure()), share);
      out.append(line).append('\n');
    }
    return out.toString().stripTrailing();
  }

  /**
   * The result of the {@code index}-th of {@code disks} disks in a termination message, if it has
   * one. A one-disk message is read as the single-disk format; a failure is its last {@code graft:}
   * reason.
   */
  public static Optional<DiskResult> read(String message, int index, int disks) {
    if (message == null || message.isBlank()) {
      return Optional.empty();
    }
    if (disks == 1 && !message.startsWith(HEADER)) {
      Optional<InjectionReport> report = InjectionReport.parse(message);
      if (report.isPresent()) {
        return Optional.of(DiskResult.done(report.get()));
      }
      int at = message.lastIndexOf(FAILED);
      return at < 0
          ? Optional.empty()
          : Optional.of(DiskResult.failed(message.substring(at + FAILED.length()).strip()));
    }
    String prefix = index + " ";
    for (String line : message.split("\n")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      String rest = line.substring(prefix.length());
      if (rest.startsWith(FAILED)) {
        return Optional.of(DiskResult.failed(rest.substring(FAILED.length()).strip()));
      }
      Optional<InjectionReport> report = InjectionReport.parse(rest);
      if (report.isPresent()) {
        return Optional.of(DiskResult.done(report.get()));
      }
    }
    return Optional.empty();
  }

  /** {@code line} cut to {@code max} UTF-8 bytes on a character boundary, marked with "...". */
  public static String truncate(String line, int max) {
    if (bytes(line) <= max) {
      return line;
    }
    String cut =
        new String(line.getBytes(StandardCharsets.UTF_8), 0, max - 4, StandardCharsets.UTF_8);
    return cut.substring(0, cut.length() - 1) + " ...";
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s*\\n\\s*", " ").strip();
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
