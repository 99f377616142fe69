package dev.graft.inject.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.Payload;
import dev.graft.inject.local.Scratch;
import dev.graft.inject.local.TestGuestfs;
import dev.graft.inject.local.TestGuestfs.Entry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injection Job exactly as the operator generates it, run as a container runtime runs it
 * ({@link PodRuntime}: bubblewrap, the injector image's ENV from its Dockerfile under the Job's
 * env, uid/gid 107 with fsGroup, read-only root, only the Job's volumes, no {@code /dev/kvm}) on a
 * real disk image; then the files are read back from the disk.
 */
class InjectionPodRuntimeTest {

  static final Path DOCKERFILE = Path.of("deploy/injector/Dockerfile");

  static final byte[] CONFIG = "port: 8080\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] TOKEN = "s3cr3t\n".getBytes(StandardCharsets.UTF_8);

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
              "/usr/local/bin/tool",
              "0755",
              null,
              new Payload.Inline("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8))));

  static void requireRuntime() {
    TestGuestfs.requireLibguestfs();
    if (PodRuntime.available()) {
      return;
    }
    if (System.getenv("CI") != null) {
      fail("CI is set but bubblewrap/setpriv or root is missing: .ci/run installs bubblewrap");
    }
    Assumptions.abort("bubblewrap (bwrap) not installed or not root: pod runtime test skipped");
  }

  static InjectionJobRequest request() {
    return request(FILES);
  }

  static InjectionJobRequest request(List<FileToInject> files) {
    return new InjectionJobRequest(
        "images",
        "gi-ubuntu-1a2b3c-inject",
        "gi-ubuntu-1a2b3c-script",
        "gi-ubuntu-1a2b3c",
        false,
        Map.of("app.kubernetes.io/managed-by", "graft"),
        Map.of(),
        files,
        List.of("/etc/old.conf"),
        false);
  }

  static PodRuntime runtime(Path dir, Path claim) throws Exception {
    return runtime(dir, claim, request());
  }

  static PodRuntime runtime(Path dir, Path claim, InjectionJobRequest request) throws Exception {
    ConfigMap script = InjectionConfigMap.build(request);
    ConfigMap app =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("app-config")
            .endMetadata()
            .withData(Map.of("app.yaml", new String(CONFIG, StandardCharsets.UTF_8)))
            .build();
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("app-secret")
            .endMetadata()
            .withData(Map.of("token", Base64.getEncoder().encodeToString(TOKEN)))
            .build();
    return new PodRuntime(
            dir,
            ImageConfig.fromDockerfile(DOCKERFILE),
            Map.of(
                ImageConfig.fromDockerfile(DOCKERFILE).env().get("LIBGUESTFS_PATH"),
                FixedAppliance.get(),
                "/opt/graft/lib",
                EngineJars.layout(dir.resolveSibling(dir.getFileName() + "-lib"), DOCKERFILE)))
        .configMap(script)
        .configMap(app)
        .secret(secret)
        .claim(request.pvcName(), claim);
  }

  /** The Job as the API server would hand it to kubelet (serialized and read back). */
  static PodSpec podSpec() {
    return podSpec(request());
  }

  static PodSpec podSpec(InjectionJobRequest request) {
    Job job = InjectionJob.build(request, InjectionJobTest.SETTINGS);
    Job stored = Serialization.unmarshal(Serialization.asJson(job), Job.class);
    return stored.getSpec().getTemplate().getSpec();
  }

  /**
   * A PVC's directory under {@code dir} holding a Linux-like disk with {@code /etc/old.conf} (for a
   * removal) and {@code freeBytes} free.
   */
  private static Path claimWithLinuxDisk(Path dir, long freeBytes) throws IOException {
    Path claim = dir.resolve("pvc");
    Path build = dir.resolve("build");
    Files.createDirectories(claim);
    Path disk =
        TestGuestfs.linuxLikeDisk(build, Map.of("etc/old.conf", "old\n"), Map.of(), freeBytes);
    Files.move(disk, claim.resolve(InjectionJobRequest.DISK_IMG));
    Scratch.delete(build);
    return claim;
  }

  @Test
  void generatedJobInjectsUnderAContainerRuntime(@TempDir Path dir) throws Exception {
    requireRuntime();
    Path claim = claimWithLinuxDisk(dir, 16L << 20);

    PodSpec pod = podSpec();
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    long started = System.nanoTime();
    PodRuntime.Result result =
        runtime(dir.resolve("node"), claim).run(pod, InjectionJob.CONTAINER, 900);
    System.out.printf(
        "injection pod under bubblewrap: %.1f s%n", (System.nanoTime() - started) / 1e9);

    assertThat(result.exitCode()).as("container log:%n%s", result.log()).isZero();
    InjectionReport report =
        InjectionReport.parse(result.terminationMessage())
            .orElseThrow(() -> new AssertionError("no result line: " + result.log()));
    assertThat(report.filesAdded()).isEqualTo(4);
    assertThat(report.filesRemoved()).isEqualTo(1);

    Map<String, Entry> image =
        TestGuestfs.readBack(
            claim.resolve(InjectionJobRequest.DISK_IMG),
            List.of("/etc/motd", "/etc/app/app.yaml", "/etc/app/token", "/usr/local/bin/tool"),
            List.of("/etc/old.conf"));
    assertThat(image.get("/etc/motd").text()).isEqualTo("hi\n");
    assertThat(image.get("/etc/motd").permissions()).isEqualTo(0644);
    assertThat(image.get("/etc/app/app.yaml").bytes()).isEqualTo(CONFIG);
    assertThat(image.get("/etc/app/app.yaml").permissions()).isEqualTo(0640);
    assertThat(image.get("/etc/app/app.yaml").gid()).isEqualTo(1000);
    assertThat(image.get("/etc/app/token").bytes()).isEqualTo(TOKEN);
    assertThat(image.get("/etc/app/token").permissions()).isEqualTo(0600);
    assertThat(image.get("/etc/app/token").uid()).isEqualTo(1000);
    assertThat(image.get("/usr/local/bin/tool").permissions()).isEqualTo(0755);
  }

  /**
   * The operator's build as it writes it (issue 17, item 4): one ConfigMap, written at planning,
   * holds the Job's script and the files' content (keyed by digest), and the Secret the secret
   * file; the Job reads both its script and its payload from that one ConfigMap.
   */
  @Test
  void theOperatorsOneConfigMapPerBuildCarriesScriptAndPayload(@TempDir Path dir) throws Exception {
    requireRuntime();
    Path claim = claimWithLinuxDisk(dir, 16L << 20);

    dev.graft.api.GoldenImage gi = new dev.graft.api.GoldenImage();
    gi.getMetadata().setName("gi-ubuntu-1a2b3c");
    gi.getMetadata().setNamespace("images");
    gi.getMetadata().setUid("uid-1");
    gi.setSpec(new dev.graft.api.GoldenImage.Spec());
    gi.getSpec().os = "ubuntu-2404";
    gi.getSpec().manifestDigest = "f".repeat(64);
    var diff =
        new dev.graft.build.InjectionJobs.Diff(
            List.of(
                entry("/etc/app/app.yaml", "0640", "0:1000", 'b', "ConfigMap", CONFIG.length),
                entry("/etc/app/token", "0600", "1000:1000", 'c', "Secret", TOKEN.length)),
            List.of(entry("/etc/old.conf", "0644", "0:0", 'e', "ConfigMap", 4)));
    var jobs = new dev.graft.build.LibguestfsInjectionJobs(InjectionJobTest.SETTINGS);
    List<io.fabric8.kubernetes.api.model.HasMetadata> payloads =
        dev.graft.build.Payloads.desired(
            gi, diff, Map.of("b".repeat(64), CONFIG, "c".repeat(64), TOKEN), jobs.script(gi, diff));
    ConfigMap one = (ConfigMap) payloads.get(0);
    Secret secret = (Secret) payloads.get(1);
    String holder =
        dev.graft.build.InjectionJobs.scriptHolder(
            gi, java.util.Optional.of(one), java.util.Optional.empty());
    assertThat(holder).isEqualTo("gi-ubuntu-1a2b3c-payload");
    Job job = jobs.job(gi, diff, 1, holder);
    PodSpec pod =
        Serialization.unmarshal(Serialization.asJson(job), Job.class)
            .getSpec()
            .getTemplate()
            .getSpec();

    PodRuntime.Result result =
        new PodRuntime(
                dir.resolve("node"),
                ImageConfig.fromDockerfile(DOCKERFILE),
                Map.of(
                    ImageConfig.fromDockerfile(DOCKERFILE).env().get("LIBGUESTFS_PATH"),
                    FixedAppliance.get(),
                    "/opt/graft/lib",
                    EngineJars.layout(dir.resolve("lib"), DOCKERFILE)))
            .configMap(one) // the only ConfigMap there is
            .secret(secret)
            .claim(gi.getMetadata().getName(), claim)
            .run(pod, InjectionJob.CONTAINER, 900);

    assertThat(result.exitCode()).as("container log:%n%s", result.log()).isZero();
    Map<String, Entry> image =
        TestGuestfs.readBack(
            claim.resolve(InjectionJobRequest.DISK_IMG),
            List.of("/etc/app/app.yaml", "/etc/app/token"),
            List.of("/etc/old.conf"));
    assertThat(image.get("/etc/app/app.yaml").bytes()).isEqualTo(CONFIG);
    assertThat(image.get("/etc/app/app.yaml").permissions()).isEqualTo(0640);
    assertThat(image.get("/etc/app/token").bytes()).isEqualTo(TOKEN);
    assertThat(image.get("/etc/app/token").uid()).isEqualTo(1000);
  }

  private static dev.graft.api.ManifestEntry entry(
      String path, String mode, String owner, char digest, String payload, long size) {
    dev.graft.api.ManifestEntry e = new dev.graft.api.ManifestEntry();
    e.path = path;
    e.mode = mode;
    e.owner = owner;
    e.sha256 = "a".repeat(64);
    e.size = size;
    e.digest = String.valueOf(digest).repeat(64);
    e.payload = dev.graft.api.ManifestEntry.Payload.valueOf(payload);
    return e;
  }

  /**
   * A several-image Job (issue 17): two clone PVCs of one image in one pod, one appliance launch;
   * the first disk's owner name is unknown to the guest, so it fails alone with its message in its
   * line of the termination message, and the second is written.
   */
  @Test
  void aGroupJobBuildsEachPvcInOneLaunchAndFailsOnlyTheBadDisk(@TempDir Path dir) throws Exception {
    requireRuntime();
    Path build = dir.resolve("build");
    Path disk =
        TestGuestfs.linuxLikeDisk(build, Map.of("etc/old.conf", "old\n"), Map.of(), 16L << 20);
    Path ghostClaim = Files.createDirectories(dir.resolve("pvc-ghost"));
    Path webClaim = Files.createDirectories(dir.resolve("pvc-web"));
    Files.copy(disk, ghostClaim.resolve(InjectionJobRequest.DISK_IMG));
    Files.move(disk, webClaim.resolve(InjectionJobRequest.DISK_IMG));
    Scratch.delete(build);
    InjectionJobRequest ghost =
        new InjectionJobRequest(
            "images",
            "x",
            "x",
            "gi-ghost",
            false,
            Map.of(),
            Map.of(),
            List.of(
                new FileToInject(
                    "/etc/ghost.conf",
                    null,
                    "ghost:root",
                    new Payload.ConfigMapKey("app-config", "app.yaml"))),
            List.of("/etc/old.conf"),
            false);
    InjectionJobRequest web =
        new InjectionJobRequest(
            "images",
            "x",
            "x",
            "gi-web",
            false,
            Map.of(),
            Map.of(),
            FILES,
            List.of("/etc/old.conf"),
            false);
    InjectionJobGroup group =
        new InjectionJobGroup(
            "images",
            "graft-inject-group",
            "graft-inject-group",
            Map.of("app.kubernetes.io/managed-by", "graft"),
            Map.of(),
            List.of(ghost, web),
            false);
    Job job = InjectionJob.build(group, InjectionJobTest.SETTINGS, JobPlacement.NONE);
    PodSpec pod =
        Serialization.unmarshal(Serialization.asJson(job), Job.class)
            .getSpec()
            .getTemplate()
            .getSpec();
    long started = System.nanoTime();
    PodRuntime.Result result =
        runtime(dir.resolve("node"), webClaim, web)
            .configMap(InjectionConfigMap.build(group))
            .claim("gi-ghost", ghostClaim)
            .run(pod, InjectionJob.CONTAINER, 1800);
    System.out.printf("group injection pod: %.1f s%n", (System.nanoTime() - started) / 1e9);

    assertThat(result.exitCode()).as("container log:%n%s", result.log()).isZero();
    String message = result.terminationMessage();
    assertThat(message).as(result.log()).startsWith("GRAFT-RESULTS 2\n");
    assertThat(dev.graft.inject.InjectionResults.read(message, 0, 2).orElseThrow().failure())
        .isEqualTo("files[0].owner: no user \"ghost\" in /etc/passwd of the image images/gi-ghost");
    InjectionReport report =
        dev.graft.inject.InjectionResults.read(message, 1, 2).orElseThrow().report();
    assertThat(report.filesAdded()).isEqualTo(4);
    assertThat(report.filesRemoved()).isEqualTo(1);
    assertThat(result.log()).containsOnlyOnce("launched the appliance on 2 disks");

    Map<String, Entry> image =
        TestGuestfs.readMounted(
            List.of(
                ghostClaim.resolve(InjectionJobRequest.DISK_IMG),
                webClaim.resolve(InjectionJobRequest.DISK_IMG)),
            "mkmountpoint /g\nmkmountpoint /w\nmount-ro /dev/sda /g\nmount-ro /dev/sdb /w\n",
            List.of("/w/etc/motd", "/w/etc/app/token", "/g/etc/old.conf"),
            List.of("/w/etc/old.conf", "/g/etc/ghost.conf", "/g/etc/motd"));
    assertThat(image.get("/w/etc/motd").text()).isEqualTo("hi\n");
    assertThat(image.get("/w/etc/app/token").bytes()).isEqualTo(TOKEN);
    assertThat(image.get("/w/etc/app/token").uid()).isEqualTo(1000);
  }

  /**
   * The Job does what {@code graft inject} does on a real layout: on the RHEL-like guest (LVM, XFS,
   * SELinux enforcing with its policy), owners given by name get the guest's own ids and the files
   * get the labels of the guest's file_contexts, and the result says so.
   */
  @Test
  void generatedJobResolvesOwnerNamesAndRelabelsAnSelinuxGuest(@TempDir Path dir) throws Exception {
    requireRuntime();
    Path claim = dir.resolve("pvc");
    Files.createDirectories(claim);
    dev.graft.inject.local.GuestLayouts.copy(
        dev.graft.inject.local.GuestLayouts.RHEL, claim.resolve(InjectionJobRequest.DISK_IMG));
    InjectionJobRequest request =
        request(
            List.of(
                new FileToInject(
                    "/etc/nginx/nginx.conf",
                    "0640",
                    "nginx:nginx",
                    new Payload.ConfigMapKey("app-config", "app.yaml")),
                new FileToInject(
                    "/home/alice/.ssh/authorized_keys",
                    "0600",
                    "alice:1000",
                    new Payload.SecretKey("app-secret", "token"))));
    long started = System.nanoTime();
    PodRuntime.Result result =
        runtime(dir.resolve("node"), claim, request)
            .run(podSpec(request), InjectionJob.CONTAINER, 900);
    System.out.printf(
        "injection pod on the RHEL-like layout: %.1f s%n", (System.nanoTime() - started) / 1e9);
    assertThat(result.exitCode()).as("container log:%n%s", result.log()).isZero();
    InjectionReport report =
        InjectionReport.parse(result.terminationMessage())
            .orElseThrow(() -> new AssertionError("no result line: " + result.log()));
    assertThat(report.selinux()).isEqualTo("relabeled");
    assertThat(report.filesAdded()).isEqualTo(2);

    Map<String, Entry> image =
        TestGuestfs.readBack(
            claim.resolve(InjectionJobRequest.DISK_IMG),
            List.of("/etc/nginx/nginx.conf", "/home/alice/.ssh/authorized_keys"),
            List.of());
    Entry nginx = image.get("/etc/nginx/nginx.conf");
    assertThat(nginx.bytes()).isEqualTo(CONFIG);
    assertThat(nginx.permissions()).isEqualTo(0640);
    assertThat(nginx.uid()).isEqualTo(995);
    assertThat(nginx.gid()).isEqualTo(993);
    assertThat(nginx.label()).isEqualTo("system_u:object_r:httpd_config_t:s0");
    Entry keys = image.get("/home/alice/.ssh/authorized_keys");
    assertThat(keys.bytes()).isEqualTo(TOKEN);
    assertThat(keys.uid()).isEqualTo(1000);
    assertThat(keys.gid()).isEqualTo(1000);
    assertThat(keys.label()).isEqualTo("unconfined_u:object_r:ssh_home_t:s0");
  }

  /**
   * A build the guest cannot take fails the Job with the engine's message (the file, the name and
   * the image) as its termination message, not guestfish's raw error; nothing is written.
   */
  @Test
  void anUnknownOwnerNameFailsTheJobWithAClearTerminationMessage(@TempDir Path dir)
      throws Exception {
    requireRuntime();
    Path claim = claimWithLinuxDisk(dir, 1 << 20);
    InjectionJobRequest request =
        request(
            List.of(
                new FileToInject(
                    "/etc/nginx/nginx.conf",
                    "0640",
                    "nginx:nginx",
                    new Payload.ConfigMapKey("app-config", "app.yaml"))));
    PodRuntime.Result result =
        runtime(dir.resolve("node"), claim, request)
            .run(podSpec(request), InjectionJob.CONTAINER, 900);
    assertThat(result.exitCode()).as(result.log()).isEqualTo(1);
    assertThat(result.terminationMessage())
        .isEqualTo(
            "graft: files[0].owner: no user \"nginx\" in /etc/passwd of the image"
                + " images/gi-ubuntu-1a2b3c\n");
    assertThat(InjectionReport.parse(result.terminationMessage())).isEmpty();
    Map<String, Entry> image =
        TestGuestfs.readBack(
            claim.resolve(InjectionJobRequest.DISK_IMG),
            List.of("/etc/old.conf"),
            List.of("/etc/nginx/nginx.conf"));
    assertThat(image.get("/etc/old.conf").text()).isEqualTo("old\n");
  }

  /**
   * The sandbox itself is as strict as a runtime: the Job's ids, a read-only root and /tmp, no
   * /dev/kvm, only the work volume writable, projected payloads readable through fsGroup. Without
   * this a lenient sandbox would let the test above pass for a Job that fails in a cluster.
   */
  @Test
  void sandboxIsAsStrictAsAContainerRuntime(@TempDir Path dir) throws Exception {
    requireRuntime();
    Path claim = dir.resolve("pvc");
    Files.createDirectories(claim);
    Files.writeString(claim.resolve(InjectionJobRequest.DISK_IMG), "not a disk");
    PodSpec pod = podSpec();
    pod.getContainers()
        .get(0)
        .setCommand(
            List.of(
                "/bin/sh",
                "-c",
                "echo ids=$(id -u):$(id -g):$(id -G | tr ' ' ,);"
                    + " [ -e /dev/kvm ] && echo kvm=yes || echo kvm=no;"
                    + " touch /var/tmp/x 2>/dev/null && echo vartmp=rw || echo vartmp=ro;"
                    + " touch /tmp/x 2>/dev/null && echo tmp=rw || echo tmp=ro;"
                    + " touch /etc/x 2>/dev/null && echo etc=rw || echo etc=ro;"
                    + " touch /graft/work/x && echo work=rw;"
                    + " touch /graft/script/x 2>/dev/null && echo script=rw || echo script=ro;"
                    + " cat /graft/payloads/0002 >/dev/null && echo secret=readable;"
                    + " echo disk=$(cat /graft/disk/disk.img);"
                    + " echo home=$HOME path=$LIBGUESTFS_PATH"));
    PodRuntime.Result result =
        runtime(dir.resolve("node"), claim).run(pod, InjectionJob.CONTAINER, 60);
    assertThat(result.exitCode()).as(result.log()).isZero();
    assertThat(result.log())
        .contains("ids=107:107:107")
        .contains("kvm=no")
        .contains("vartmp=ro")
        // /tmp is the Job's own emptyDir (guestfish --listen binds its socket there)
        .contains("tmp=rw")
        .contains("etc=ro")
        .contains("work=rw")
        .contains("script=ro")
        .contains("secret=readable")
        .contains("disk=not a disk")
        .contains("home=/graft/work path=/usr/lib/guestfs/fixed");
  }
}
