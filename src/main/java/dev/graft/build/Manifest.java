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
 * memory only, to write the build's payload), the generation of the os's base it is built on, and
 * the digest that names the image (with as many hex digits as keep the name its own).
 */
public record Manifest(
    String os,
    List<ManifestEntry> entries,
    Map<String, byte[]> content,
    int baseGeneration,
    int nameDigits) {

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
    if (baseGeneration < 1) {
      throw new IllegalArgumentException("base generation " + baseGeneration + " is below 1");
    }
  }

  /** On the first generation of the base, under the short name. */
  public Manifest(String os, List<ManifestEntry> entries, Map<String, byte[]> content) {
    this(os, entries, content, 1, SHORT_DIGEST);
  }

  /**
   * The same files, built on another generation of the base (under the short name again: the name
   * of the new image is checked anew with {@link #namedAmong}).
   */
  public Manifest onGeneration(int generation) {
    return generation == baseGeneration
        ? this
        : new Manifest(os, entries, content, generation, SHORT_DIGEST);
  }

  /**
   * This manifest under the shortest name whose image, as {@code existing} finds it by name, is
   * absent or has this manifest's full digest: a name is never trusted for the content alone, so a
   * file set whose digest shares the short prefix with another image's gets its own image.
   */
  public Manifest namedAmong(Function<String, String> existingDigest) {
    String digest = digest();
    for (int digits : NAME_DIGITS) {
      String found = existingDigest.apply(imageName(os, digest, baseGeneration, digits));
      if (found == null || found.equals(digest)) {
        return digits == nameDigits
            ? this
            : new Manifest(os, entries, content, baseGeneration, digits);
      }
    }
    throw new IllegalStateException("every name of manifest " + digest + " is taken");
  }

  /**
   * The names {@link #namedAmong} looks at before it settles on this manifest's own (the last):
   * what its name depends on.
   */
  public List<String> namesLookedAt() {
    String digest = digest();
    List<String> out = new java.util.ArrayList<>();
    for (int digits : NAME_DIGITS) {
      out.add(imageName(os, digest, baseGeneration, digits));
      if (digits == nameDigits) {
        break;
      }
    }
    return out;
  }

  /** sha256 over the sorted entries' identity digests, one per line. */
  public String digest() {
    return digestOf(entries);
  }

  /** The GoldenImage name for this os, manifest and base generation. */
  public String imageName() {
    return imageName(os, digest(), baseGeneration, nameDigits);
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

  /** The short name of a manifest's image on a base generation. */
  public static String imageName(String os, String manifestDigest, int generation) {
    return imageName(os, manifestDigest, generation, SHORT_DIGEST);
  }

  /**
   * The image of a manifest on a base generation, with {@code digits} hex digits: generation 1
   * keeps the names images had before generations; a later one mixes the generation into the
   * digest, so the name keeps its length (the Job name {@code <image>-inject-<n>} must stay within
   * 63 characters).
   */
  public static String imageName(String os, String manifestDigest, int generation, int digits) {
    if (generation <= 1) {
      return os + "-" + manifestDigest.substring(0, digits);
    }
    String mixed =
        sha256((manifestDigest + "\ngeneration " + generation).getBytes(StandardCharsets.UTF_8));
    return os + "-" + mixed.substring(0, digits);
  }

  /** {@code <os>-<first 10 hex of the manifest digest>}. */
  public static String imageName(String os, String manifestDigest) {
    return imageName(os, manifestDigest, 1, SHORT_DIGEST);
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
