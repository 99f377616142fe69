package dev.graft.inject.job;

import dev.graft.inject.InjectionInputException;
import dev.graft.inject.Payload;
import dev.graft.inject.script.InjectionScript;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ConfigMap an injection Job reads: the guestfish script, the shell entry point, and the bytes
 * of inline files. ConfigMap and Secret payloads stay where they are and are projected.
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
    InjectionScript script = request.script();
    Map<String, String> binary = new LinkedHashMap<>();
    long inline = 0;
    for (int i = 0; i < request.files().size(); i++) {
      if (request.files().get(i).payload() instanceof Payload.Inline content) {
        inline += content.bytes().length;
        binary.put(JobLayout.inlineKey(i), Base64.getEncoder().encodeToString(content.bytes()));
      }
    }
    if (inline > MAX_INLINE_BYTES) {
      throw new InjectionInputException(
          "files",
          "inline content totals "
              + inline
              + " bytes, more than a ConfigMap carries ("
              + MAX_INLINE_BYTES
              + "): use configMapKeyRef, secretKeyRef or url for large files");
    }
    Map<String, String> data = new LinkedHashMap<>();
    data.put(JobLayout.SCRIPT, script.text());
    data.put(
        JobLayout.RUN,
        RunScript.generate(JobLayout.POD, request.files(), script, request.diskPath()));
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
}
