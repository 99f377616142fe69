package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** An OS root disk, imported by CDI; becomes the GoldenImage with an empty manifest for its os. */
@Group(BaseImage.GROUP)
@Version(BaseImage.VERSION)
@ShortNames("bi")
@AdditionalPrinterColumn(name = "OS", jsonPath = ".spec.os")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".status.image")
@AdditionalPrinterColumn(
    name = "Generation",
    jsonPath = ".status.baseGeneration",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Outdated",
    jsonPath = ".status.outdatedImages",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class BaseImage extends CustomResource<BaseImage.Spec, BaseImage.Status>
    implements Namespaced {
  public static final String GROUP = "graft.dev";
  public static final String VERSION = "v1alpha1";

  /** An OS key and one import source. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.source) != has(self.sourceRef)",
      message = "exactly one of source, sourceRef is set")
  public static class Spec {
    /** OS key, e.g. {@code fedora-40}; the planner only builds images of one os from each other. */
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 40)
    public String os;

    /** A CDI DataVolume source: http, registry or pvc (or use sourceRef). */
    public ImageSource source;

    /** A CDI DataSource to import from, instead of source. */
    public SourceRef sourceRef;

    public StorageSpec storage;

    /**
     * The ServiceAccount of this namespace whose rights a source in another namespace is checked
     * against (CDI's rule: it may {@code create} {@code datavolumes/source} there).
     */
    @Default("default")
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    @Size(max = 253)
    public String serviceAccountName;

    /**
     * What a new base generation (a changed source) does to the images built on the old one: {@code
     * Rebuild} (default) plans every image a GraftedVirtualMachine uses again over the new base, in
     * one batch; {@code Manual} only marks them Outdated.
     */
    public UpdatePolicy updatePolicy;
  }

  /** See {@link Spec#updatePolicy}. */
  public enum UpdatePolicy {
    Rebuild,
    Manual
  }

  /** The policy in effect (unset: Rebuild). */
  public static UpdatePolicy policyOf(BaseImage bi) {
    return policyOf(bi == null ? null : bi.getSpec());
  }

  /** The policy a (Cluster)BaseImage spec puts in effect (unset: Rebuild). */
  public static UpdatePolicy policyOf(Spec spec) {
    return spec == null || spec.updatePolicy == null ? UpdatePolicy.Rebuild : spec.updatePolicy;
  }

  /** Phase, the GoldenImage that holds the imported disk, and conditions. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status extends GraftStatus {
    /** The base GoldenImage of the newest generation. */
    public String image;

    /** The newest generation: a new one starts each time the source's identity changes. */
    public Integer baseGeneration;

    /** The identity (url and checksum, registry url, PVC) of the newest generation's source. */
    public String sourceIdentity;

    /** GoldenImages of this os built on an older generation (condition Outdated). */
    public Integer outdatedImages;
  }
}
