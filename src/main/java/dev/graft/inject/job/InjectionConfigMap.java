package dev.graft.inject.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.inject.DownloadHosts;
import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.Payload;
import dev.graft.inject.script.PayloadLocator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ConfigMap an injection Job reads: the injection spec (the format of {@code graft inject
 * --spec}, each file's content a {@code contentFile} at its pod location), the shell entry point,
 * and the bytes of inline files. ConfigMap and Secret payloads stay where they are and are
 * projected.
 */
public final class InjectionConfigMap {

  /** A ConfigMap holds at most 1 MiB; keep room for the scripts and metadata. */
  static final long MAX_INLINE_BYTES = 900 * 1024;

  private InjectionConfigMap() {}

  /**
   * Builds the ConfigMap named {@link InjectionJobRequest#configMapName()}.
   *
   * @throws InjectionInputException for a bad build, or inline content too large for a ConfigMap
   */
  public static ConfigMap build(InjectionJobRequest request) {
    return build(request, DownloadHosts.ANY);
  }

  /**
   * Builds the ConfigMap named {@link InjectionJobRequest#configMapName()}, whose entry point
   * downloads URL files only from {@code hosts} (and follows redirects only there).
   *
   * @throws InjectionInputException for a bad build, or inline content too large for a ConfigMap
   */
  public static ConfigMap build(InjectionJobRequest request, DownloadHosts hosts) {
    request.script(); // validates the build
    Map<String, String> binary = new LinkedHashMap<>();
    long inline = 0;
    for (int i = 0; i < request.files().size(); i++) {
      if (request.files().get(i).payload() instanceof Payload.Inline content) {
        inline += content.bytes().length;
        binary.put(JobLayout.inlineKey(i), Base64.getEncoder().encodeToString(content.bytes()));
      }
    }
    checkInline(inline);
    Map<String, String> data = new LinkedHashMap<>();
    data.put(JobLayout.SPEC, spec(request));
    data.put(
        JobLayout.RUN,
        RunScript.generate(
            JobLayout.POD, request.files(), request.diskPath(), request.imageName(), hosts));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(request.configMapName())
        .withNamespace(request.namespace())
        .withLabels(request.labels())
        .withAnnotations(request.annotations())
        .endMetadata()
        .withData(data)
        .withBinaryData(binary)
        .withImmutable(true)
        .build();
  }

  /**
   * The ConfigMap of a several-disk Job, named {@link InjectionJobGroup#configMapName()}: each
   * disk's spec ({@link InjectionJobGroup#specKey}), with its payloads where {@link
   * InjectionJobGroup#layout} puts them, the inline bytes of every disk and one entry point.
   *
   * @throws InjectionInputException for a bad build, or inline content too large for a ConfigMap
   */
  public static ConfigMap build(InjectionJobGroup group) {
    return build(group, DownloadHosts.ANY);
  }

  /** As {@link #build(InjectionJobGroup)}, downloading URL files only from {@code hosts}. */
  public static ConfigMap build(InjectionJobGroup group, DownloadHosts hosts) {
    Map<String, String> data = new LinkedHashMap<>();
    Map<String, String> binary = new LinkedHashMap<>();
    long inline = 0;
    for (int d = 0; d < group.disks().size(); d++) {
      InjectionJobRequest disk = group.disks().get(d);
      disk.script(); // validates the build
      for (int i = 0; i < disk.files().size(); i++) {
        if (disk.files().get(i).payload() instanceof Payload.Inline content) {
          inline += content.bytes().length;
          binary.put(groupInlineKey(d, i), Base64.getEncoder().encodeToString(content.bytes()));
        }
      }
      data.put(InjectionJobGroup.specKey(d), spec(disk, InjectionJobGroup.layout(d).locator()));
    }
    checkInline(inline);
    data.put(JobLayout.RUN, GroupRunScript.generate(group, hosts));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(group.configMapName())
        .withNamespace(group.namespace())
        .withLabels(group.labels())
        .withAnnotations(group.annotations())
        .endMetadata()
        .withData(data)
        .withBinaryData(binary)
        .withImmutable(true)
        .build();
  }

  /** Whether {@code cm} holds a Job's script: its spec and its entry point. */
  public static boolean holdsScript(ConfigMap cm) {
    return cm != null
        && cm.getData() != null
        && cm.getData().containsKey(JobLayout.SPEC)
        && cm.getData().containsKey(JobLayout.RUN);
  }

  /** The key of the {@code file}-th file's inline bytes of the {@code disk}-th disk. */
  static String groupInlineKey(int disk, int file) {
    return "disk-" + disk + "-" + JobLayout.inlineKey(file);
  }

  private static void checkInline(long inline) {
    if (inline > MAX_INLINE_BYTES) {
      throw new InjectionInputException(
          "files",
          "inline content totals "
              + inline
              + " bytes, more than a ConfigMap carries ("
              + MAX_INLINE_BYTES
              + "): use configMapKeyRef, secretKeyRef or url for large files");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The spec the engine runs: paths, modes and owners as written (names resolved in the pod). */
  static String spec(InjectionJobRequest request) {
    return spec(request, JobLayout.POD.locator());
  }

  private static String spec(InjectionJobRequest request, PayloadLocator locator) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode files = root.putArray("files");
    for (int i = 0; i < request.files().size(); i++) {
      FileToInject f = request.files().get(i);
      ObjectNode file = files.addObject();
      file.put("path", f.path());
      if (f.mode() != null) {
        file.put("mode", f.mode());
      }
      if (f.owner() != null) {
        file.put("owner", f.owner());
      }
      file.put("contentFile", locator.locate(i, f));
    }
    ArrayNode remove = root.putArray("remove");
    request.removes().forEach(remove::add);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
