package dev.graft.build;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.Labels;
import dev.graft.k8s.Owners;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The content a build injects, keyed by file digest, owned by its GoldenImage: a ConfigMap for
 * inline and ConfigMap files, a Secret for Secret files (secret content never goes into a
 * ConfigMap). Written when the image is planned, so the build injects exactly the planned bytes.
 * The ConfigMap also carries the injection Job's script (its spec and entry point) when they fit
 * together in one ConfigMap: one object per build instead of a payload and a script ConfigMap.
 */
public final class Payloads {
  private Payloads() {}

  /** Files of {@code image} that {@code parent} lacks (by identity digest). */
  public static InjectionJobs.Diff diff(GoldenImage image, GoldenImage parent) {
    List<ManifestEntry> mine = image.getSpec().files == null ? List.of() : image.getSpec().files;
    List<ManifestEntry> theirs =
        parent == null || parent.getSpec().files == null ? List.of() : parent.getSpec().files;
    Set<String> have = new HashSet<>();
    theirs.forEach(e -> have.add(e.digest));
    Set<String> want = new HashSet<>();
    mine.forEach(e -> want.add(e.digest));
    List<ManifestEntry> add = new ArrayList<>();
    for (ManifestEntry e : mine) {
      if (!have.contains(e.digest)) {
        add.add(e);
      }
    }
    List<ManifestEntry> remove = new ArrayList<>();
    for (ManifestEntry e : theirs) {
      if (!want.contains(e.digest)) {
        remove.add(e);
      }
    }
    return new InjectionJobs.Diff(add, remove);
  }

  /**
   * What the API server takes in one ConfigMap (1 MiB of data, keys and values), less room for
   * metadata; the content here is counted base64-encoded, a third more than it stores.
   */
  static final long ONE_CONFIG_MAP_BYTES = 900 * 1024;

  /** The payload ConfigMap and/or Secret for the files the diff adds (empty when none). */
  public static List<HasMetadata> desired(
      GoldenImage image, InjectionJobs.Diff diff, Map<String, byte[]> content) {
    return desired(image, diff, content, null);
  }

  /**
   * The same, with {@code script} (the build's script ConfigMap, see {@link InjectionJobs#script})
   * in the payload ConfigMap when both fit in one; without it (null, or too large together) the
   * build creates its script ConfigMap when it injects, as before.
   */
  public static List<HasMetadata> desired(
      GoldenImage image, InjectionJobs.Diff diff, Map<String, byte[]> content, ConfigMap script) {
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> secret = new LinkedHashMap<>();
    for (ManifestEntry e : diff.add()) {
      byte[] bytes = content.get(e.digest);
      if (bytes == null || e.payload == ManifestEntry.Payload.Url) {
        continue;
      }
      String b64 = Base64.getEncoder().encodeToString(bytes);
      if (e.payload == ManifestEntry.Payload.Secret) {
        secret.put(e.digest, b64);
      } else {
        plain.put(e.digest, b64);
      }
    }
    List<HasMetadata> out = new ArrayList<>();
    String name = InjectionJobs.payloadName(image.getMetadata().getName());
    boolean withScript = script != null && size(plain) + size(script) <= ONE_CONFIG_MAP_BYTES;
    if (!plain.isEmpty() || withScript) {
      ConfigMap cm = new ConfigMapBuilder().withMetadata(meta(image, name)).build();
      Map<String, String> binary = new LinkedHashMap<>(plain);
      if (withScript) {
        // Keys do not meet: file digests are hex, the script's are spec.json, run.sh, payload-N.
        cm.setData(new LinkedHashMap<>(script.getData()));
        if (script.getBinaryData() != null) {
          binary.putAll(script.getBinaryData());
        }
        cm.setImmutable(true); // as the script ConfigMap was: kubelet need not watch it
      }
      cm.setBinaryData(binary);
      out.add(cm);
    }
    if (!secret.isEmpty()) {
      Secret s = new SecretBuilder().withMetadata(meta(image, name)).withType("Opaque").build();
      s.setData(secret);
      out.add(s);
    }
    return out;
  }

  private static long size(Map<String, String> entries) {
    return entries == null
        ? 0
        : entries.entrySet().stream()
            .mapToLong(e -> e.getKey().length() + (long) e.getValue().length())
            .sum();
  }

  private static long size(ConfigMap cm) {
    return size(cm.getData()) + size(cm.getBinaryData());
  }

  /** Whether the diff adds a file whose content is in the payload ConfigMap. */
  public static boolean needsConfigMap(InjectionJobs.Diff diff) {
    return diff.add().stream().anyMatch(e -> e.payload == ManifestEntry.Payload.ConfigMap);
  }

  /** Whether the diff adds a file whose content is in the payload Secret. */
  public static boolean needsSecret(InjectionJobs.Diff diff) {
    return diff.add().stream().anyMatch(e -> e.payload == ManifestEntry.Payload.Secret);
  }

  private static ObjectMeta meta(GoldenImage image, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(image.getMetadata().getNamespace())
        .withLabels(
            Map.of(
                Labels.GOLDEN_IMAGE,
                image.getMetadata().getName(),
                Labels.MANAGED_BY,
                Labels.MANAGER))
        .withAnnotations(Map.of(Annotations.MANIFEST_DIGEST, image.getSpec().manifestDigest))
        .withOwnerReferences(Owners.controller(image))
        .build();
  }
}
