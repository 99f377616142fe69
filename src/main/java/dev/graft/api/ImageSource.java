package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where a base OS disk is imported from: one of http, registry, pvc or snapshot (a CDI DataVolume
 * source).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "[has(self.http), has(self.registry), has(self.pvc), has(self.snapshot)].filter(x,"
            + " x).size() == 1",
    message = "exactly one of http, registry, pvc, snapshot is set")
public class ImageSource {
  public Url http;
  public Url registry;
  public PvcRef pvc;

  /** A CSI VolumeSnapshot to restore (CDI's {@code source.snapshot}); same fields as a PVC. */
  public PvcRef snapshot;

  /** A URL source. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Url {
    @Required
    @Pattern("^(https?|docker|oci-archive)://.+$")
    public String url;

    /**
     * For http: the expected checksum ({@code sha256:<hex>}, as CDI checks it); part of the base
     * generation's identity. A registry image is pinned by a digest in its url ({@code @sha256:}).
     */
    @Pattern("^(md5|sha1|sha256|sha512):[a-f0-9]+$")
    public String checksum;

    public Url() {}

    public Url(String url) {
      this.url = url;
    }
  }

  /** An existing PVC (or VolumeSnapshot): its namespace (unset: the BaseImage's) and name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PvcRef {
    public String namespace;
    @Required public String name;

    public PvcRef() {}

    public PvcRef(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }
  }
}
