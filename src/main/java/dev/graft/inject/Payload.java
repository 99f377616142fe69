package dev.graft.inject;

import java.util.Locale;
import java.util.regex.Pattern;

/** Where the bytes of an injected file come from. */
public sealed interface Payload {

  /** Throws {@link InjectionInputException} naming {@code field} when the source is malformed. */
  void check(String field);

  /** Bytes given in the spec itself ({@code content} or {@code contentBase64}). */
  record Inline(byte[] bytes) implements Payload {
    @Override
    public void check(String field) {
      if (bytes == null) {
        throw new InjectionInputException(field, "inline content is missing");
      }
    }
  }

  /**
   * A file on the machine that runs the injection: in the Job, a projected ConfigMap or Secret key
   * or a checked download, given to the executor by its spec ({@code contentFile}).
   */
  record LocalFile(String file) implements Payload {
    @Override
    public void check(String field) {
      if (file == null || !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(file))) {
        throw new InjectionInputException(
            field + ".contentFile",
            "no such file: " + (file == null ? "nothing" : Quoted.of(file)));
      }
    }

    /** Its size in bytes now. */
    public long size() {
      try {
        return java.nio.file.Files.size(java.nio.file.Path.of(file));
      } catch (java.io.IOException e) {
        throw new InjectionInputException("contentFile", "cannot read " + Quoted.of(file));
      }
    }
  }

  /** A key of a ConfigMap in the build's namespace. */
  record ConfigMapKey(String name, String key) implements Payload {
    @Override
    public void check(String field) {
      Names.checkObjectName(field + ".name", name);
      Names.checkDataKey(field + ".key", key);
    }
  }

  /** A key of a Secret in the build's namespace; its bytes never leave the Secret. */
  record SecretKey(String name, String key) implements Payload {
    @Override
    public void check(String field) {
      Names.checkObjectName(field + ".name", name);
      Names.checkDataKey(field + ".key", key);
    }
  }

  /** A file downloaded by the Job and used only when its sha256 (and size) match. */
  record Url(String url, String sha256, long size) implements Payload {
    private static final Pattern HTTP = Pattern.compile("https?://[!-~]+");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    @Override
    public void check(String field) {
      if (url == null || !HTTP.matcher(url).matches()) {
        throw new InjectionInputException(
            field + ".url",
            "must be an http(s) URL without blanks or control characters, got "
                + (url == null ? "nothing" : Quoted.of(url)));
      }
      if (sha256 == null || !SHA256.matcher(sha256.toLowerCase(Locale.ROOT)).matches()) {
        throw new InjectionInputException(
            field + ".sha256",
            "must be 64 hex digits, got " + (sha256 == null ? "nothing" : Quoted.of(sha256)));
      }
      if (size < 0) {
        throw new InjectionInputException(field + ".size", "must be >= 0, got " + size);
      }
    }

    /** The digest as {@code sha256sum} prints it. */
    public String sha256Lower() {
      return sha256.toLowerCase(Locale.ROOT);
    }
  }
}
