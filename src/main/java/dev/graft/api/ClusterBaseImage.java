package dev.graft.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A BaseImage for every namespace, created by cluster admins: cluster-scoped, with the spec of a
 * BaseImage. Its sources may be in any namespace (a source without a namespace is in the catalog
 * namespace) without a SubjectAccessReview: the admin's right to create it is the grant, and users
 * may only read it. Its base GoldenImages live in the shared catalog namespace ({@code
 * graft.catalog-namespace}, required). It provides its os there ahead of any namespaced BaseImage
 * of that os; among ClusterBaseImages of one os the oldest wins. {@code spec.serviceAccountName} is
 * not used.
 */
@Group(BaseImage.GROUP)
@Version(BaseImage.VERSION)
@ShortNames("cbi")
@AdditionalPrinterColumn(name = "OS", jsonPath = ".spec.os")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".status.image")
@AdditionalPrinterColumn(
    name = "Generation",
    jsonPath = ".status.baseGeneration",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ClusterBaseImage extends CustomResource<BaseImage.Spec, BaseImage.Status> {
  /**
   * How a base GoldenImage names its ClusterBaseImage in {@code spec.baseImage}: no namespace name
   * has capitals, so this never reads as a namespaced BaseImage's {@code namespace/name}.
   */
  public static final String OWNER_PREFIX = "ClusterBaseImage/";

  /** The {@code spec.baseImage} of this one's base GoldenImages. */
  public String ownerKey() {
    return OWNER_PREFIX + getMetadata().getName();
  }

  /** The name of the ClusterBaseImage a {@code spec.baseImage} names; empty for anything else. */
  public static java.util.Optional<String> named(String baseImageRef) {
    return baseImageRef != null && baseImageRef.startsWith(OWNER_PREFIX)
        ? java.util.Optional.of(baseImageRef.substring(OWNER_PREFIX.length()))
        : java.util.Optional.empty();
  }
}
