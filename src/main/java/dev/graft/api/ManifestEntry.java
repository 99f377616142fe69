package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * One resolved file of a GoldenImage: identity and metadata, never content. {@code digest} is
 * sha256(path, content sha256, mode, owner); where the injection Job finds the bytes is in {@code
 * payload}.
 *
 * <p>A resolved entry's strings are interned ({@link #interned}), as the operator's client reads
 * every short string ({@code k8s.SharedStrings}): every image lists the shared files again, and the
 * same path and two 64-digit hashes, once per image, per informer and per request's kept manifest,
 * were a large part of the operator's heap (docs/benchmarks.md, "The operator's heap").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ManifestEntry {
  @Required
  @Pattern("^(/[^/]+)+$")
  public String path;

  @Required
  @Pattern("^0[0-7]{3,4}$")
  public String mode;

  /** As the user wrote it ({@link FileFormats#OWNER}): names are resolved in the guest. */
  @Required
  @Pattern(FileFormats.OWNER)
  public String owner;

  @Required
  @Pattern("^[a-f0-9]{64}$")
  public String sha256;

  @Required public Long size;

  @Required
  @Pattern("^[a-f0-9]{64}$")
  public String digest;

  /** Where the injection Job reads the content. */
  public Payload payload;

  /** For {@code payload: Url}: downloaded and checked against sha256 by the Job. */
  public String url;

  /** Interns this entry's strings (one copy of each path and hash in the heap); returns it. */
  public ManifestEntry interned() {
    path = intern(path);
    mode = intern(mode);
    owner = intern(owner);
    sha256 = intern(sha256);
    digest = intern(digest);
    url = intern(url);
    return this;
  }

  private static String intern(String s) {
    return s == null ? null : s.intern();
  }

  /** Where file content comes from at build time. */
  public enum Payload {
    /** The GoldenImage's payload ConfigMap, key = digest. */
    ConfigMap,
    /** The GoldenImage's payload Secret, key = digest. */
    Secret,
    /** Downloaded from url. */
    Url
  }
}
