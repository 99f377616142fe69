package dev.graft.inject.job;

import dev.graft.inject.Payload;
import dev.graft.inject.script.PayloadLocator;

/**
 * Where things are inside the injection pod: the script ConfigMap, the projected payloads, the
 * scratch emptyDir (appliance cache, TMPDIR, downloads) and the termination message file. A record,
 * so tests can run the generated shell against a temporary directory.
 */
record JobLayout(String scriptDir, String payloadDir, String workDir, String terminationLog) {

  static final JobLayout POD =
      new JobLayout("/graft/script", "/graft/payloads", "/graft/work", "/dev/termination-log");

  /** Key and file name of the injection spec the engine reads ({@code graft inject}'s format). */
  static final String SPEC = "spec.json";

  /** Key and file name of the shell entry point. */
  static final String RUN = "run.sh";

  String downloadDir() {
    return workDir + "/downloads";
  }

  /** Payload file of the {@code index}-th file: downloads for URLs, projections otherwise. */
  PayloadLocator locator() {
    return (index, file) ->
        (file.payload() instanceof Payload.Url ? downloadDir() : payloadDir)
            + "/"
            + payloadName(index);
  }

  /** Payload file names are indexes, so no user-chosen name ever reaches a script. */
  static String payloadName(int index) {
    return PayloadLocator.fileName(index);
  }

  /** The ConfigMap key holding the inline bytes of the {@code index}-th file. */
  static String inlineKey(int index) {
    return "payload-" + payloadName(index);
  }
}
