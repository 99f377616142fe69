package dev.graft.build;

import dev.graft.api.ManifestEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A resolved file list: entries sorted by path, with the content of every non-URL file (kept in
 * memory only, to write the build's payload), and the digest that names the image.
 */
public record Manifest(
    String os, List<ManifestEntry> entries, Map<String, byte[]> content, int nameDigits) {

  /** Length of the manifest digest prefix in image names. */
  public static final int SHORT_DIGEST = 10;

  /**
   * The prefix lengths an image name may take: the short one, and longer ones for a manifest whose
   * short name is taken by an image of another digest (see {@link #namedAmong}).
   */
  static final int[] NAME_DIGITS = {SHORT_DIGEST, 16, 24, 32, 64};

  public Manifest {
    entries = entries.stream().sorted(Comparator.comparing(e -> e.path)).toList();
    content = Map.copyOf(content);
  }

  public Manifest(String os, List<ManifestEntry> entries, Map<String, byte[]> content) {
    this(os, entries, content, SHORT_DIGEST);
  }

  /**
   * This manifest under the shortest name whose image, as {@code existing} finds it by name, is
   * absent or has this manifest's full digest: a name is never trusted for the content alone, so a
   * file set whose digest shares the short prefix with another image's gets its own image.
   */
  public Manifest namedAmong(Function<String, String> existingDigest) {
    String digest = digest();
    for (int digits : NAME_DIGITS) {
      String found = existingDigest.apply(imageName(os, digest, digits));
      if (found == null || found.equals(digest)) {
        return digits == nameDigits ? this : new Manifest(os, entries, content, digits);
      }
    }
    throw new IllegalStateException("every name of manifest " + digest + " is taken");
  }

  /** sha256 over the sorted entries' identity digests, one per line. */
  public String digest() {
    return digestOf(entries);
  }

  /** The GoldenImage name for this os and manifest. */
  public String imageName() {
    return imageName(os, digest(), nameDigits);
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

  /** The name of the base GoldenImage of an os: the image of its empty manifest. */
  public static String baseImageName(String os) {
    return imageName(os, digestOf(List.of()));
  }

  /** {@code <os>-<first 10 hex of the manifest digest>}. */
  public static String imageName(String os, String manifestDigest) {
    return imageName(os, manifestDigest, SHORT_DIGEST);
  }

  /** {@code <os>-<first digits hex of the manifest digest>}. */
  public static String imageName(String os, String manifestDigest, int digits) {
    return os + "-" + manifestDigest.substring(0, digits);
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
