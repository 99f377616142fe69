package dev.graft.build;

import dev.graft.api.ManifestEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A resolved file list: entries sorted by path, with the content of every non-URL file (kept in
 * memory only, to write the build's payload), the generation of the os's base it is built on, and
 * the digest that names the image.
 */
public record Manifest(
    String os, List<ManifestEntry> entries, Map<String, byte[]> content, int baseGeneration) {

  /** Length of the manifest digest prefix in image names. */
  public static final int SHORT_DIGEST = 10;

  public Manifest {
    entries = entries.stream().sorted(Comparator.comparing(e -> e.path)).toList();
    content = Map.copyOf(content);
    if (baseGeneration < 1) {
      throw new IllegalArgumentException("base generation " + baseGeneration + " is below 1");
    }
  }

  /** On the first generation of the base. */
  public Manifest(String os, List<ManifestEntry> entries, Map<String, byte[]> content) {
    this(os, entries, content, 1);
  }

  /** The same files, built on another generation of the base. */
  public Manifest onGeneration(int generation) {
    return generation == baseGeneration ? this : new Manifest(os, entries, content, generation);
  }

  /** sha256 over the sorted entries' identity digests, one per line. */
  public String digest() {
    return digestOf(entries);
  }

  /** The GoldenImage name for this os, manifest and base generation. */
  public String imageName() {
    return imageName(os, digest(), baseGeneration);
  }

  public long bytes() {
    return entries.stream().mapToLong(e -> e.size).sum();
  }

  /** The manifest digest of entries (order-independent). */
  public static String digestOf(List<ManifestEntry> entries) {
    StringBuilder sb = new StringBuilder();
    entries.stream()
        .sorted(Comparator.comparing(e -> e.path))
        .forEach(e -> sb.append(e.digest).append('\n'));
    return sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The name of the first base GoldenImage of an os: the image of its empty manifest. */
  public static String baseImageName(String os) {
    return imageName(os, digestOf(List.of()));
  }

  /** The name of the base GoldenImage of an os's generation. */
  public static String baseImageName(String os, int generation) {
    return imageName(os, digestOf(List.of()), generation);
  }

  /**
   * The image of a manifest on a base generation: generation 1 keeps the names images had before
   * generations; a later one mixes the generation into the digest, so the name keeps its length
   * (the Job name {@code <image>-inject-<n>} must stay within 63 characters).
   */
  public static String imageName(String os, String manifestDigest, int generation) {
    if (generation <= 1) {
      return imageName(os, manifestDigest);
    }
    String mixed =
        sha256((manifestDigest + "\ngeneration " + generation).getBytes(StandardCharsets.UTF_8));
    return imageName(os, mixed);
  }

  /** {@code <os>-<first 10 hex of the manifest digest>}. */
  public static String imageName(String os, String manifestDigest) {
    return os + "-" + manifestDigest.substring(0, SHORT_DIGEST);
  }

  /** A file's identity: sha256 of path, content sha256, mode and owner, NUL-separated. */
  public static String fileDigest(String path, String contentSha256, String mode, String owner) {
    return sha256(
        String.join("\u0000", path, contentSha256, mode, owner).getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
