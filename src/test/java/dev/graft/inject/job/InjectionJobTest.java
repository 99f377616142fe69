package dev.graft.inject.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.config.GraftConfig;
import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InjectionJobTest {

  static final String SHA = "ab".repeat(32);

  static final List<FileToInject> FILES =
      List.of(
          FileToInject.of("/etc/motd", new Payload.Inline("hi\n".getBytes(StandardCharsets.UTF_8))),
          new FileToInject(
              "/etc/app/app.yaml",
              "0640",
              "0:1000",
              new Payload.ConfigMapKey("app-config", "app.yaml")),
          new FileToInject(
              "/etc/app/token", "0600", "1000:1000", new Payload.SecretKey("app-secret", "token")),
          new FileToInject(
              "/opt/tool.bin",
              "0755",
              null,
              new Payload.Url("https://example.com/tool?v=1&x='y'", SHA, 1234)));

  static final InjectorSettings SETTINGS =
      InjectorSettings.from(ConfigDefaults.of(GraftConfig.Injector.class));

  static InjectionJobRequest request(boolean block, boolean kvmNodes, List<FileToInject> files) {
    return new InjectionJobRequest(
        "images",
        "gi-fedora-40-1a2b3c-inject",
        "gi-fedora-40-1a2b3c-script",
        "gi-fedora-40-1a2b3c",
        block,
        Map.of(
            "app.kubernetes.io/managed-by", "graft", "graft.dev/golden-image", "fedora-40-1a2b3c"),
        Map.of("graft.dev/manifest-digest", "sha256:0123"),
        files,
        List.of("/etc/old.conf"),
        kvmNodes);
  }

  static InjectorSettings kvm(KvmMode mode) {
    InjectorSettings s = SETTINGS;
    return new InjectorSettings(
        s.image(),
        s.cpuRequest(),
        s.cpuLimit(),
        s.memoryRequest(),
        s.memoryLimit(),
        mode,
        s.activeDeadlineSeconds(),
        s.backoffLimit(),
        s.ttlSecondsAfterFinished(),
        s.runAsUser());
  }

  static Container container(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static Map<String, String> env(Job job) {
    return container(job).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void settingsComeFromTheOperatorConfiguration() {
    assertThat(SETTINGS.image()).isEqualTo("ghcr.io/graft-dev/graft-injector:0.1.0");
    assertThat(SETTINGS.kvm()).isEqualTo(KvmMode.AUTO);
    assertThat(SETTINGS.runAsUser()).isEqualTo(107);
    assertThat(SETTINGS.activeDeadlineSeconds()).isEqualTo(1800);
  }

  @Test
  void podIsAdmittedUnderRestrictedPodSecurity() {
    for (boolean block : new boolean[] {false, true}) {
      for (KvmMode mode : KvmMode.values()) {
        Job job = InjectionJob.build(request(block, true, FILES), kvm(mode));
        assertThat(RestrictedPodSecurity.violations(job.getSpec().getTemplate().getSpec()))
            .as("block=%s kvm=%s", block, mode)
            .isEmpty();
      }
    }
    PodSpec pod =
        InjectionJob.build(request(false, false, FILES), SETTINGS)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(107L);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(
            container(InjectionJob.build(request(false, false, FILES), SETTINGS))
                .getSecurityContext()
                .getReadOnlyRootFilesystem())
        .isTrue();
  }

  @Test
  void serializesToAValidBatchV1JobAndBack() {
    Job job = InjectionJob.build(request(false, false, FILES), SETTINGS);
    String yaml = Serialization.asYaml(job);
    Job parsed = Serialization.unmarshal(yaml, Job.class);
    assertThat(parsed).isEqualTo(job);
    assertThat(yaml).startsWith("---\napiVersion: \"batch/v1\"\nkind: \"Job\"\n");
    assertNoUnknownFields(parsed);
    assertThat(parsed.getMetadata().getName()).isEqualTo("gi-fedora-40-1a2b3c-inject");
    assertThat(parsed.getMetadata().getNamespace()).isEqualTo("images");
    assertThat(parsed.getMetadata().getAnnotations())
        .containsEntry("graft.dev/manifest-digest", "sha256:0123");
    assertThat(parsed.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("graft.dev/golden-image", "fedora-40-1a2b3c");
    assertThat(parsed.getSpec().getBackoffLimit()).isEqualTo(2);
    assertThat(parsed.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
    assertThat(parsed.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
    PodSpec pod = parsed.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertStructurallyValid(pod);
    Container c = container(parsed);
    assertThat(c.getCommand()).containsExactly("/bin/sh", "/graft/script/run.sh");
    assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(c.getResources().getRequests())
        .containsEntry("cpu", new Quantity("500m"))
        .containsEntry("memory", new Quantity("1Gi"));
    assertThat(c.getResources().getLimits())
        .containsEntry("cpu", new Quantity("2"))
        .containsEntry("memory", new Quantity("2Gi"));
  }

  @Test
  void filesystemModeMountsThePvcAndBlockModeAttachesADevice() {
    Job fs = InjectionJob.build(request(false, false, FILES), SETTINGS);
    assertThat(container(fs).getVolumeMounts())
        .extracting(VolumeMount::getName, VolumeMount::getMountPath)
        .contains(org.assertj.core.groups.Tuple.tuple("disk", "/graft/disk"));
    assertThat(container(fs).getVolumeDevices()).isEmpty();
    assertThat(volume(fs, "disk").getPersistentVolumeClaim().getClaimName())
        .isEqualTo("gi-fedora-40-1a2b3c");
    assertThat(InjectionConfigMap.build(request(false, false, FILES)).getData().get("run.sh"))
        .contains("--disk '/graft/disk/disk.img' --spec '/graft/script/spec.json'");

    Job block = InjectionJob.build(request(true, false, FILES), SETTINGS);
    assertThat(container(block).getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain("disk");
    assertThat(container(block).getVolumeDevices())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getName()).isEqualTo("disk");
              assertThat(d.getDevicePath()).isEqualTo("/dev/graft-disk");
            });
    assertThat(InjectionConfigMap.build(request(true, false, FILES)).getData().get("run.sh"))
        .contains("--disk '/dev/graft-disk'");
  }

  @Test
  void theEntryPointCarriesTheDownloadAllowList() {
    assertThat(InjectionConfigMap.build(request(false, false, FILES)).getData().get("run.sh"))
        .as("empty: any host")
        .contains("ALLOWED_HOSTS=''");
    var hosts =
        dev.graft.inject.DownloadHosts.parse(
            "graft.downloads.allowed-hosts", List.of("images.example.org", "*.cdn.example.net"));
    assertThat(
            InjectionConfigMap.build(request(false, false, FILES), hosts).getData().get("run.sh"))
        .contains("ALLOWED_HOSTS='images.example.org *.cdn.example.net'")
        .contains("set -f");
  }

  @Test
  void kvmModes() {
    Job never = InjectionJob.build(request(false, true, FILES), kvm(KvmMode.NEVER));
    assertThat(env(never))
        .containsEntry("LIBGUESTFS_BACKEND", "direct")
        .containsEntry("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
    assertThat(container(never).getResources().getLimits()).doesNotContainKey(KvmNodes.RESOURCE);

    Job always = InjectionJob.build(request(false, false, FILES), kvm(KvmMode.ALWAYS));
    assertThat(env(always))
        .containsEntry("LIBGUESTFS_BACKEND", "direct")
        .doesNotContainKey("LIBGUESTFS_BACKEND_SETTINGS");
    assertThat(container(always).getResources().getLimits())
        .containsEntry(KvmNodes.RESOURCE, new Quantity("1"));
    assertThat(container(always).getResources().getRequests())
        .containsEntry(KvmNodes.RESOURCE, new Quantity("1"));

    Job autoWithKvmNodes = InjectionJob.build(request(false, true, FILES), kvm(KvmMode.AUTO));
    assertThat(container(autoWithKvmNodes).getResources().getLimits())
        .containsKey(KvmNodes.RESOURCE);
    Job autoWithout = InjectionJob.build(request(false, false, FILES), kvm(KvmMode.AUTO));
    assertThat(env(autoWithout)).containsEntry("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
    assertThat(container(autoWithout).getResources().getLimits())
        .doesNotContainKey(KvmNodes.RESOURCE);

    assertThat(env(never))
        .containsEntry("TMPDIR", "/graft/work")
        .containsEntry("LIBGUESTFS_CACHEDIR", "/graft/work")
        .containsEntry("XDG_RUNTIME_DIR", "/graft/work")
        .containsEntry("HOME", "/graft/work");
  }

  @Test
  void kvmNodesAreThoseAdvertisingTheKubevirtDevice() {
    Node plain =
        new NodeBuilder()
            .withNewStatus()
            .addToAllocatable("cpu", new Quantity("4"))
            .endStatus()
            .build();
    Node zero =
        new NodeBuilder()
            .withNewStatus()
            .addToAllocatable(KvmNodes.RESOURCE, new Quantity("0"))
            .endStatus()
            .build();
    Node kvm =
        new NodeBuilder()
            .withNewStatus()
            .addToAllocatable(KvmNodes.RESOURCE, new Quantity("1k"))
            .endStatus()
            .build();
    Node cordoned = new NodeBuilder(kvm).withNewSpec().withUnschedulable(true).endSpec().build();
    assertThat(KvmNodes.offered(List.of(plain, zero))).isFalse();
    assertThat(KvmNodes.offered(List.of(plain, cordoned))).isFalse();
    assertThat(KvmNodes.offered(List.of(plain, kvm))).isTrue();
    assertThat(KvmNodes.offered(List.of())).isFalse();
  }

  @Test
  void payloadsAreProjectedAndSecretsStayInSecrets() {
    Job job = InjectionJob.build(request(false, false, FILES), SETTINGS);
    Volume payloads = volume(job, "payloads");
    assertThat(payloads.getProjected().getDefaultMode()).isEqualTo(0440);
    List<VolumeProjection> sources = payloads.getProjected().getSources();
    assertThat(sources).hasSize(3);
    assertThat(sources.get(0).getConfigMap().getName()).isEqualTo("app-config");
    assertThat(sources.get(0).getConfigMap().getItems())
        .singleElement()
        .satisfies(
            k -> assertThat(List.of(k.getKey(), k.getPath())).containsExactly("app.yaml", "0001"));
    assertThat(sources.get(1).getSecret().getName()).isEqualTo("app-secret");
    assertThat(sources.get(1).getSecret().getItems())
        .singleElement()
        .satisfies(
            k -> assertThat(List.of(k.getKey(), k.getPath())).containsExactly("token", "0002"));
    assertThat(sources.get(2).getConfigMap().getName()).isEqualTo("gi-fedora-40-1a2b3c-script");
    assertThat(sources.get(2).getConfigMap().getItems())
        .singleElement()
        .satisfies(
            k ->
                assertThat(List.of(k.getKey(), k.getPath()))
                    .containsExactly("payload-0000", "0000"));
    assertThat(container(job).getVolumeMounts())
        .filteredOn(m -> m.getName().equals("payloads"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());

    ConfigMap cm = InjectionConfigMap.build(request(false, false, FILES));
    assertThat(cm.getBinaryData()).containsOnlyKeys("payload-0000");
    assertThat(Base64.getDecoder().decode(cm.getBinaryData().get("payload-0000")))
        .isEqualTo("hi\n".getBytes(StandardCharsets.UTF_8));
    assertThat(Serialization.asYaml(cm)).doesNotContain("app-secret");
    assertThat(cm.getImmutable()).isTrue();
    assertThat(cm.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "graft");
    assertNoUnknownFields(Serialization.unmarshal(Serialization.asYaml(cm), ConfigMap.class));
  }

  @Test
  void scriptsUsePodPathsAndQuoteUrlValues() {
    ConfigMap cm = InjectionConfigMap.build(request(false, false, FILES));
    // The engine's spec: paths, modes and owners as written, each file where the pod has it.
    JsonNode spec = Serialization.unmarshal(cm.getData().get("spec.json"), JsonNode.class);
    assertThat(spec.at("/remove").toString()).isEqualTo("[\"/etc/old.conf\"]");
    assertThat(spec.at("/files").findValuesAsText("contentFile"))
        .containsExactly(
            "/graft/payloads/0000",
            "/graft/payloads/0001",
            "/graft/payloads/0002",
            "/graft/work/downloads/0003");
    assertThat(spec.at("/files").findValuesAsText("path"))
        .containsExactly("/etc/motd", "/etc/app/app.yaml", "/etc/app/token", "/opt/tool.bin");
    assertThat(spec.at("/files/2/owner").asText()).isEqualTo("1000:1000");
    assertThat(spec.at("/files/2/mode").asText()).isEqualTo("0600");
    assertThat(cm.getData().get("run.sh"))
        .contains(
            "fetch 'https://example.com/tool?v=1&x='\\''y'\\''' '/graft/work/downloads/0003'"
                + " 'files[3] (/opt/tool.bin)' || fail 'files[3]: download failed'\n")
        .contains("check '/graft/work/downloads/0003' '" + SHA + "' 1234 'files[3]'\n")
        .contains("> '/dev/termination-log'");
  }

  @Test
  void aRemovalOnlyBuildHasNoPayloads() {
    Job job = InjectionJob.build(request(false, false, List.of()), SETTINGS);
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(Volume::getName)
        .containsExactly("disk", "script", "work", "tmp");
    assertThat(container(job).getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain("payloads");
    ConfigMap cm = InjectionConfigMap.build(request(false, false, List.of()));
    assertThat(cm.getBinaryData()).isEmpty();
    assertThat(cm.getData().get("run.sh")).doesNotContain("fetch '");
    assertThat(cm.getData().get("spec.json")).contains("\"/etc/old.conf\"");
    assertThat(Serialization.unmarshal(cm.getData().get("spec.json"), JsonNode.class).at("/files"))
        .isEmpty();
  }

  @Test
  void badBuildsAreRejectedBeforeAnythingIsBuilt() {
    List<FileToInject> bad =
        List.of(FileToInject.of("/etc/../passwd", new Payload.Inline(new byte[1])));
    assertThatThrownBy(() -> InjectionJob.build(request(false, false, bad), SETTINGS))
        .isInstanceOf(InjectionInputException.class)
        .hasMessageStartingWith("files[0].path: ");
    assertThatThrownBy(() -> InjectionConfigMap.build(request(false, false, bad)))
        .isInstanceOf(InjectionInputException.class)
        .hasMessageStartingWith("files[0].path: ");
    List<FileToInject> big =
        List.of(FileToInject.of("/big", new Payload.Inline(new byte[1 << 20])));
    assertThatThrownBy(() -> InjectionConfigMap.build(request(false, false, big)))
        .hasMessageStartingWith(
            "files: inline content totals 1048576 bytes, more than a ConfigMap carries");
  }

  static Volume volume(Job job, String name) {
    return job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Names, references and quantities the API server would reject. */
  static void assertStructurallyValid(PodSpec pod) {
    String dnsLabel = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    Set<String> volumes =
        pod.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
    assertThat(volumes).hasSize(pod.getVolumes().size());
    volumes.forEach(v -> assertThat(v).matches(dnsLabel));
    for (Container c : pod.getContainers()) {
      assertThat(c.getName()).matches(dnsLabel);
      c.getVolumeMounts()
          .forEach(
              m -> {
                assertThat(volumes).contains(m.getName());
                assertThat(m.getMountPath()).startsWith("/");
              });
      c.getVolumeDevices().forEach(d -> assertThat(volumes).contains(d.getName()));
      c.getEnv().forEach(e -> assertThat(e.getName()).matches("[A-Za-z_][A-Za-z0-9_]*"));
      c.getResources()
          .getLimits()
          .forEach(
              (k, q) -> {
                assertThat(Quantity.getAmountInBytes(q).signum()).isPositive();
                Quantity request = c.getResources().getRequests().get(k);
                assertThat(Quantity.getAmountInBytes(request))
                    .isLessThanOrEqualTo(Quantity.getAmountInBytes(q));
              });
    }
  }

  /** Fields fabric8 did not recognise land in additionalProperties; there must be none. */
  static void assertNoUnknownFields(Object root) {
    walk(root, "$", new IdentityHashMap<>());
  }

  private static void walk(Object o, String where, IdentityHashMap<Object, Boolean> seen) {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof Collection<?> list) {
      int i = 0;
      for (Object e : list) {
        walk(e, where + "[" + i++ + "]", seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, where + "." + k, seen));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || !m.getName().startsWith("get")
          || m.getName().equals("getClass")) {
        continue;
      }
      try {
        Object value = m.invoke(o);
        if (m.getName().equals("getAdditionalProperties")) {
          assertThat((Map<?, ?>) value).as("unknown fields at %s", where).isEmpty();
        } else {
          walk(value, where + "." + m.getName().substring(3), seen);
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
  }
}
