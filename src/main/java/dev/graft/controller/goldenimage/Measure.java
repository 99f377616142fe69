package dev.graft.controller.goldenimage;

import dev.graft.api.BuildTimings;
import dev.graft.catalog.CloneCosts;
import dev.graft.inject.InjectionReport;
import dev.graft.kubevirt.DataVolume;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * What a finished build measured, for the cost model: the injector's report (the {@code
 * GRAFT-RESULT} termination message of its Job's pod) and the clone time, from the DataVolume's
 * creation to the last transition of its {@code Ready} condition to True (CDI's conditions are
 * Bound, Running and Ready; Running turns False when the clone ends, so its time is the end too).
 * Null when neither was measured.
 */
public final class Measure {
  private Measure() {}

  static BuildTimings timings(BuildView view) {
    return timings(
        view.injectorResult(), view.dataVolume(), CloneCosts.bytes(view.image()), view.now());
  }

  /**
   * The timings of a build from its injector's termination message, its DataVolume and the size of
   * its disk, registered at {@code now}.
   */
  public static BuildTimings timings(
      String injectorResult, DataVolume dv, long diskBytes, Instant now) {
    BuildTimings t = new BuildTimings();
    boolean measured = false;
    Optional<InjectionReport> report = InjectionReport.parse(injectorResult);
    if (report.isPresent()) {
      InjectionReport r = report.get();
      t.bytesAdded = r.bytesAdded();
      t.filesAdded = r.filesAdded();
      t.filesRemoved = r.filesRemoved();
      t.injectSeconds = r.seconds();
      t.launchSeconds = r.launchSeconds();
      measured = true;
    }
    Double clone = cloneSeconds(dv);
    if (clone != null) {
      t.cloneSeconds = clone;
      DataVolume.Storage storage = dv.getSpec() == null ? null : dv.getSpec().storage;
      t.storageClass = storage == null ? null : storage.storageClassName;
      t.cloneBytes = diskBytes;
      measured = true;
    }
    if (!measured) {
      return null;
    }
    t.finishedAt = now.toString();
    return t;
  }

  /** Seconds from the DataVolume's creation to its Ready condition; null when unknown. */
  public static Double cloneSeconds(DataVolume dv) {
    if (dv == null
        || dv.getStatus() == null
        || dv.getStatus().conditions == null
        || dv.getMetadata().getCreationTimestamp() == null) {
      return null;
    }
    for (Map<String, Object> c : dv.getStatus().conditions) {
      if ("Ready".equals(c.get("type"))
          && "True".equals(c.get("status"))
          && c.get("lastTransitionTime") != null) {
        try {
          Instant created = Instant.parse(dv.getMetadata().getCreationTimestamp());
          Instant ready = Instant.parse(String.valueOf(c.get("lastTransitionTime")));
          return Math.max(0, Duration.between(created, ready).toMillis() / 1000.0);
        } catch (DateTimeParseException e) {
          return null;
        }
      }
    }
    return null;
  }
}
