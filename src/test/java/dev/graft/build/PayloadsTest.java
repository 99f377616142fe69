package dev.graft.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.inject.KvmMode;
import dev.graft.inject.job.InjectionConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One ConfigMap per build (issue 17, item 4): the payload ConfigMap written at planning also holds
 * the injection Job's script when both fit in one ConfigMap, and the Job reads both from it.
 */
class PayloadsTest {
  static final LibguestfsInjectionJobs JOBS =
      new LibguestfsInjectionJobs(LibguestfsInjectionJobsTest.settings(KvmMode.AUTO));

  static ManifestEntry entry(String path, char digest, ManifestEntry.Payload payload, long size) {
    ManifestEntry e = new ManifestEntry();
    e.path = path;
    e.mode = "0644";
    e.owner = "0:0";
    e.sha256 = "a".repeat(64);
    e.size = size;
    e.digest = String.valueOf(digest).repeat(64);
    e.payload = payload;
    return e;
  }

  @Test
  void thePayloadConfigMapHoldsTheScriptAndTheJobReadsBothFromIt() {
    GoldenImage gi = LibguestfsInjectionJobsTest.image();
    var diff =
        new InjectionJobs.Diff(
            List.of(
                entry("/etc/a.conf", 'b', ManifestEntry.Payload.ConfigMap, 3),
                entry("/etc/token", 'c', ManifestEntry.Payload.Secret, 4)),
            List.of(entry("/etc/old", 'e', ManifestEntry.Payload.ConfigMap, 1)));
    Map<String, byte[]> content =
        Map.of("b".repeat(64), bytes("a=1"), "c".repeat(64), bytes("s3cr"));
    List<HasMetadata> out = Payloads.desired(gi, diff, content, JOBS.script(gi, diff));

    assertThat(out).hasSize(2);
    ConfigMap cm = (ConfigMap) out.get(0);
    assertThat(cm.getMetadata().getName()).isEqualTo("fedora-40-0123456789-payload");
    assertThat(cm.getBinaryData()).containsOnlyKeys("b".repeat(64));
    assertThat(cm.getData()).containsOnlyKeys("spec.json", "run.sh");
    assertThat(cm.getData().get("spec.json")).contains("/etc/a.conf", "/etc/token", "/etc/old");
    assertThat(InjectionConfigMap.holdsScript(cm)).isTrue();
    assertThat(cm.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-1"));
    // Secret content never goes into the ConfigMap.
    assertThat(out.get(1)).isInstanceOf(Secret.class);
    assertThat(String.valueOf(cm.getData()) + cm.getBinaryData()).doesNotContain("czNjcg");

    String holder = InjectionJobs.scriptHolder(gi, Optional.of(cm), Optional.empty());
    assertThat(holder).isEqualTo(cm.getMetadata().getName());
    Job job = JOBS.job(gi, diff, 1, holder);
    List<Volume> volumes = job.getSpec().getTemplate().getSpec().getVolumes();
    assertThat(volumes)
        .filteredOn(v -> "script".equals(v.getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo(holder));
    assertThat(volumes)
        .filteredOn(v -> "payloads".equals(v.getName()))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getProjected().getSources())
                    .anySatisfy(p -> assertThat(p.getConfigMap().getName()).isEqualTo(holder)));
  }

  @Test
  void aBuildWithoutConfigMapContentStillHasOneConfigMapForItsScript() {
    GoldenImage gi = LibguestfsInjectionJobsTest.image();
    var diff =
        new InjectionJobs.Diff(
            List.of(), List.of(entry("/etc/old", 'e', ManifestEntry.Payload.ConfigMap, 1)));
    List<HasMetadata> out = Payloads.desired(gi, diff, Map.of(), JOBS.script(gi, diff));
    assertThat(out).singleElement().isInstanceOf(ConfigMap.class);
    assertThat(InjectionConfigMap.holdsScript((ConfigMap) out.get(0))).isTrue();
    // Without a script (an older plan, or none given) nothing at all, as before.
    assertThat(Payloads.desired(gi, diff, Map.of())).isEmpty();
  }

  @Test
  void contentTooLargeToShareAConfigMapLeavesTheScriptToItsOwn() {
    GoldenImage gi = LibguestfsInjectionJobsTest.image();
    int size = (int) (Payloads.ONE_CONFIG_MAP_BYTES * 3 / 4);
    var diff =
        new InjectionJobs.Diff(
            List.of(entry("/opt/big", 'b', ManifestEntry.Payload.ConfigMap, size)), List.of());
    List<HasMetadata> out =
        Payloads.desired(gi, diff, Map.of("b".repeat(64), new byte[size]), JOBS.script(gi, diff));
    ConfigMap cm = (ConfigMap) out.get(0);
    assertThat(InjectionConfigMap.holdsScript(cm)).isFalse();
    assertThat(cm.getData()).isNullOrEmpty();
    // The build then creates its own script ConfigMap, and its Job reads the script there.
    assertThat(InjectionJobs.scriptHolder(gi, Optional.of(cm), Optional.empty())).isNull();
    ConfigMap own = JOBS.script(gi, diff);
    assertThat(InjectionJobs.scriptHolder(gi, Optional.of(cm), Optional.of(own)))
        .isEqualTo("fedora-40-0123456789-script");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
