package dev.graft.inject.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.build.InjectionJobs;
import dev.graft.build.LibguestfsInjectionJobs;
import dev.graft.config.GraftConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator's build step uses this package's Job: restricted, create-only, payloads by digest.
 */
class OperatorJobWiringTest {

  private static ManifestEntry entry(String path, char digit, ManifestEntry.Payload payload) {
    ManifestEntry e = new ManifestEntry();
    e.path = path;
    e.mode = "0600";
    e.owner = "999:999";
    e.sha256 = "a".repeat(64);
    e.size = 5L;
    e.digest = String.valueOf(digit).repeat(64);
    e.payload = payload;
    e.url = payload == ManifestEntry.Payload.Url ? "https://example.org/x" : null;
    return e;
  }

  @Test
  void jobIsRestrictedNamedPerAttemptAndReadsThePayloadsByDigest() {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName("fedora-40-0123456789");
    gi.getMetadata().setNamespace("catalog");
    gi.getMetadata().setUid("uid-1");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().manifestDigest = "f".repeat(64);
    var diff =
        new InjectionJobs.Diff(
            List.of(
                entry("/etc/a.conf", 'b', ManifestEntry.Payload.ConfigMap),
                entry("/etc/secret", 'c', ManifestEntry.Payload.Secret),
                entry("/opt/tool", 'd', ManifestEntry.Payload.Url)),
            List.of(entry("/etc/old", 'e', ManifestEntry.Payload.ConfigMap)));
    var jobs =
        new LibguestfsInjectionJobs(
            InjectorSettings.from(ConfigDefaults.of(GraftConfig.Injector.class)));

    Job job = jobs.job(gi, diff, 2);
    assertThat(job.getMetadata().getName()).isEqualTo("fedora-40-0123456789-inject-2");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("graft.dev/golden-image", gi.getMetadata().getName());
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("graft.dev/manifest-digest", "f".repeat(64));
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
    assertThat(job.getSpec().getBackoffLimit()).isNotNull();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isNotNull();
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isNotNull();
    assertThat(RestrictedPodSecurity.violations(job.getSpec().getTemplate().getSpec())).isEmpty();
    String json = Serialization.asJson(job);
    assertThat(json)
        .contains("fedora-40-0123456789-payload")
        .contains("b".repeat(64))
        .contains("c".repeat(64));

    ConfigMap script = jobs.script(gi, diff);
    assertThat(script.getMetadata().getName()).isEqualTo("fedora-40-0123456789-script");
    assertThat(String.join("\n", script.getData().values()))
        .contains("/etc/old")
        .contains("/opt/tool");
  }
}
