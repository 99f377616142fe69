package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.ManifestEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The minimal guestfish script: removals first, then directories, uploads, modes and owners. */
class GuestfishInjectionJobsTest {

  private static ManifestEntry entry(String path, ManifestEntry.Payload payload) {
    ManifestEntry e = new ManifestEntry();
    e.path = path;
    e.mode = "0640";
    e.owner = "0:10";
    e.sha256 = "a".repeat(64);
    e.size = 3L;
    e.digest = "d".repeat(64);
    e.payload = payload;
    e.url = payload == ManifestEntry.Payload.Url ? "https://e.org/x" : null;
    return e;
  }

  @Test
  void scriptRemovesThenUploadsWithModeAndOwner() {
    var diff =
        new InjectionJobs.Diff(
            List.of(entry("/etc/app/a.conf", ManifestEntry.Payload.ConfigMap)),
            List.of(entry("/etc/old", ManifestEntry.Payload.ConfigMap)));
    String script = GuestfishInjectionJobs.guestfishScript(diff);
    assertThat(script.lines().toList())
        .containsExactly(
            "rm-f \"/etc/old\"",
            "mkdir-p \"/etc/app\"",
            "upload \"/payload/" + "d".repeat(64) + "\" \"/etc/app/a.conf\"",
            "chmod 0640 \"/etc/app/a.conf\"",
            "chown 0 10 \"/etc/app/a.conf\"");
  }

  @Test
  void urlFilesAreDownloadedAndChecked() {
    var diff =
        new InjectionJobs.Diff(List.of(entry("/opt/x", ManifestEntry.Payload.Url)), List.of());
    assertThat(GuestfishInjectionJobs.downloadScript(diff))
        .contains("curl")
        .contains("sha256sum -c");
  }
}
