package dev.graft.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.planner.Calibration;
import java.util.Locale;
import java.util.Optional;

/**
 * What one injection did and how long it took: the planner's calibration input. The Job prints it
 * as a final {@code GRAFT-RESULT {json}} line (also its termination message) for the operator.
 *
 * @param bytesAdded payload bytes written into the image
 * @param filesAdded files written
 * @param filesRemoved paths removed (missing ones included: the command ran)
 * @param seconds wall time of the guestfish run, appliance launch included
 * @param launchSeconds the part of {@code seconds} until the disk was mounted
 * @param selinux what was done for SELinux labels: {@code none} (the guest does not enforce
 *     SELinux), {@code relabeled} (from the guest's own file_contexts), {@code autorelabel} (the
 *     guest ships no policy here: relabel at first boot)
 */
public record InjectionReport(
    long bytesAdded,
    int filesAdded,
    int filesRemoved,
    double seconds,
    double launchSeconds,
    String selinux) {

  /** SELinux not enabled in the guest: nothing to label. */
  public static final String SELINUX_NONE = "none";

  /** A report without SELinux work. */
  public InjectionReport(
      long bytesAdded, int filesAdded, int filesRemoved, double seconds, double launchSeconds) {
    this(bytesAdded, filesAdded, filesRemoved, seconds, launchSeconds, SELINUX_NONE);
  }

  /** Prefix of the machine-readable result line. */
  public static final String PREFIX = "GRAFT-RESULT ";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The measurement {@link Calibration#fit} takes. */
  public Calibration.Measurement toMeasurement() {
    return new Calibration.Measurement(bytesAdded, filesAdded, filesRemoved, seconds);
  }

  /** {@code GRAFT-RESULT {"bytesAdded":...}} on one line ({@code selinux} only when not none). */
  public String toResultLine() {
    return String.format(
        Locale.ROOT,
        PREFIX
            + "{\"bytesAdded\":%d,\"filesAdded\":%d,\"filesRemoved\":%d,\"seconds\":%.3f,"
            + "\"launchSeconds\":%.3f%s}",
        bytesAdded,
        filesAdded,
        filesRemoved,
        seconds,
        launchSeconds,
        SELINUX_NONE.equals(selinux) ? "" : ",\"selinux\":\"" + selinux + "\"");
  }

  /** The last result line of a pod log or termination message, if there is a well-formed one. */
  public static Optional<InjectionReport> parse(String log) {
    if (log == null) {
      return Optional.empty();
    }
    int at = log.lastIndexOf(PREFIX);
    if (at < 0) {
      return Optional.empty();
    }
    int end = log.indexOf('\n', at);
    String json = log.substring(at + PREFIX.length(), end < 0 ? log.length() : end).trim();
    try {
      JsonNode node = JSON.readTree(json);
      for (String field :
          new String[] {"bytesAdded", "filesAdded", "filesRemoved", "seconds", "launchSeconds"}) {
        if (node == null || !node.path(field).isNumber()) {
          return Optional.empty();
        }
      }
      return Optional.of(
          new InjectionReport(
              node.get("bytesAdded").asLong(),
              node.get("filesAdded").asInt(),
              node.get("filesRemoved").asInt(),
              node.get("seconds").asDouble(),
              node.get("launchSeconds").asDouble(),
              node.path("selinux").asText(SELINUX_NONE)));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
