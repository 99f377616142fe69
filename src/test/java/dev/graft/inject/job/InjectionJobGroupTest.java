package dev.graft.inject.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.Payload;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A several-disk injection Job: every clone PVC in one pod (file system or block, as each is),
 * every disk's payloads under a directory of its own, one spec per disk, and an entry point that
 * lets a failed download fail its own disk only.
 */
class InjectionJobGroupTest {

  static InjectionJobRequest disk(String name, boolean block, List<FileToInject> files) {
    return new InjectionJobRequest(
        "images",
        name + "-inject-1",
        name + "-script",
        name,
        block,
        Map.of(),
        Map.of(),
        files,
        List.of("/etc/old-" + name),
        false);
  }

  static InjectionJobGroup group(List<InjectionJobRequest> disks) {
    return new InjectionJobGroup(
        "images",
        "graft-inject-abc",
        "graft-inject-abc",
        Map.of("app", "graft"),
        Map.of(),
        disks,
        false);
  }

  static final List<InjectionJobRequest> DISKS =
      List.of(
          disk(
              "web",
              false,
              List.of(
                  FileToInject.of("/etc/motd", new Payload.ConfigMapKey("web-payload", "d1")),
                  FileToInject.of("/etc/key", new Payload.SecretKey("web-payload", "d2")))),
          disk(
              "db",
              true,
              List.of(
                  FileToInject.of("/etc/db.conf", new Payload.ConfigMapKey("db-payload", "d3")),
                  FileToInject.of("/opt/x", new Payload.Inline("x".getBytes())))));

  @Test
  void everyPvcIsAVolumeOfTheOnePodAsItsVolumeModeSays() {
    Job job = InjectionJob.build(group(DISKS), InjectionJobTest.SETTINGS, JobPlacement.NONE);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes().stream().map(Volume::getName))
        .containsExactly("disk-0", "disk-1", "script", "payloads", "work", "tmp");
    assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("web");
    assertThat(pod.getVolumes().get(1).getPersistentVolumeClaim().getClaimName()).isEqualTo("db");
    Container c = pod.getContainers().get(0);
    assertThat(c.getVolumeMounts())
        .anyMatch(m -> m.getName().equals("disk-0") && m.getMountPath().equals("/graft/disk-0"));
    assertThat(c.getVolumeDevices())
        .singleElement()
        .matches(
            d -> d.getName().equals("disk-1") && d.getDevicePath().equals("/dev/graft-disk-1"));
    assertThat(pod.getVolumes().get(2).getConfigMap().getItems().stream().map(KeyToPath::getKey))
        .containsExactly("spec-0.json", "spec-1.json", "run.sh");
    List<VolumeProjection> sources = pod.getVolumes().get(3).getProjected().getSources();
    assertThat(sources)
        .extracting(
            s ->
                s.getConfigMap() != null
                    ? s.getConfigMap().getName() + ":" + s.getConfigMap().getItems()
                    : s.getSecret().getName() + ":" + s.getSecret().getItems())
        .containsExactly(
            "web-payload:[KeyToPath(key=d1, mode=null, path=0/0000, additionalProperties={})]",
            "web-payload:[KeyToPath(key=d2, mode=null, path=0/0001, additionalProperties={})]",
            "db-payload:[KeyToPath(key=d3, mode=null, path=1/0000, additionalProperties={})]",
            "graft-inject-abc:[KeyToPath(key=disk-1-payload-0001, mode=null, path=1/0001,"
                + " additionalProperties={})]");
    assertThat(job.getMetadata().getName()).isEqualTo("graft-inject-abc");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("app", "graft");
  }

  @Test
  void theConfigMapHoldsASpecPerDiskPointingAtItsOwnPayloads() throws Exception {
    ConfigMap cm = InjectionConfigMap.build(group(DISKS));
    assertThat(cm.getData()).containsOnlyKeys("spec-0.json", "spec-1.json", "run.sh");
    assertThat(cm.getData().get("spec-0.json"))
        .contains("\"contentFile\" : \"/graft/payloads/0/0000\"", "/etc/old-web");
    assertThat(cm.getData().get("spec-1.json"))
        .contains("\"contentFile\" : \"/graft/payloads/1/0001\"", "/etc/old-db");
    assertThat(cm.getBinaryData()).containsOnlyKeys("disk-1-payload-0001");
    assertThat(cm.getData().get("run.sh"))
        .contains(
            "--disk '/graft/disk-0/disk.img' --spec '/graft/script/spec-0.json' --image"
                + " 'images/web' --fetch-failure '/graft/work/fetch-failed-0' --disk"
                + " '/dev/graft-disk-1' --spec '/graft/script/spec-1.json' --image 'images/db'"
                + " --fetch-failure '/graft/work/fetch-failed-1' --result '/dev/termination-log'");
  }

  @Test
  void aGroupIsTwoDisksOrMoreOfOneNamespace() {
    assertThatThrownBy(() -> group(DISKS.subList(0, 1)))
        .isInstanceOf(InjectionInputException.class)
        .hasMessage("disks: a group needs at least two, got 1");
    InjectionJobRequest elsewhere =
        new InjectionJobRequest(
            "other", "j", "c", "p", false, Map.of(), Map.of(), List.of(), List.of(), false);
    assertThatThrownBy(() -> group(List.of(DISKS.get(0), elsewhere)))
        .hasMessage("disks[1].namespace: must be the Job's namespace images, got other");
  }

  @Test
  void aFailedDownloadFailsItsOwnDiskOnly(@TempDir Path dir) throws Exception {
    byte[] tool = "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/tool",
        ex -> {
          ex.sendResponseHeaders(200, tool.length);
          ex.getResponseBody().write(tool);
          ex.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/tool";
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tool));
      JobLayout pod =
          new JobLayout(
              dir.resolve("script").toString(),
              dir.resolve("payloads").toString(),
              dir.resolve("work").toString(),
              dir.resolve("termination-log").toString());
      Files.createDirectories(dir.resolve("script"));
      Files.createDirectories(dir.resolve("work"));
      Files.createDirectories(dir.resolve("bin"));
      Path stub = dir.resolve("bin/java");
      Files.writeString(stub, "#!/bin/sh\necho \"$@\" > \"$STUB_ARGS\"\n");
      stub.toFile().setExecutable(true);
      InjectionJobGroup group =
          group(
              List.of(
                  disk(
                      "a",
                      false,
                      List.of(
                          FileToInject.of(
                              "/t", new Payload.Url(url, "00".repeat(32), tool.length)))),
                  disk(
                      "b",
                      false,
                      List.of(FileToInject.of("/t", new Payload.Url(url, sha, tool.length))))));
      Path runSh =
          Files.writeString(
              dir.resolve("script/run.sh"),
              GroupRunScript.generate(group, pod, dev.graft.inject.DownloadHosts.ANY));
      ProcessBuilder pb = new ProcessBuilder("/bin/sh", runSh.toString()).directory(dir.toFile());
      pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
      pb.environment().put("STUB_ARGS", dir.resolve("args").toString());
      pb.redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
      Process p = pb.start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(dir.resolve("out"))).isZero();
      assertThat(Files.readString(dir.resolve("work/fetch-failed-0")))
          .startsWith("graft: files[0]: sha256 of the download is " + sha);
      assertThat(dir.resolve("work/fetch-failed-1")).doesNotExist();
      assertThat(Files.readAllBytes(dir.resolve("work/disk-1/downloads/0000"))).isEqualTo(tool);
      assertThat(Files.readString(dir.resolve("args")))
          .contains(
              "--image images/a --fetch-failure " + dir.resolve("work/fetch-failed-0"),
              "--image images/b --fetch-failure " + dir.resolve("work/fetch-failed-1"));
    } finally {
      server.stop(0);
    }
  }
}
