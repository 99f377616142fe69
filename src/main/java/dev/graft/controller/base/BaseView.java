package dev.graft.controller.base;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import java.util.List;

/**
 * What the BaseImage decide step looks at, from the informer caches (and, only when it is about to
 * import, the API server's answer on its source).
 *
 * @param catalogNamespace where its GoldenImages live
 * @param source the identity of its source now
 * @param bases the base GoldenImages of its os in the catalog, every generation, oldest first
 * @param outdated how many GoldenImages of its os are built on an older generation than the newest
 *     usable one
 * @param owner the BaseImage (namespace/name) that provides the os in this catalog: the oldest
 *     claimant (creationTimestamp, then uid), whatever order their events came in
 * @param refused the source namespaces its ServiceAccount may not clone from (CDI's rule); only
 *     looked up when it is about to import ({@link BaseDecision#imports})
 */
public record BaseView(
    BaseImage baseImage,
    String catalogNamespace,
    SourceIdentity source,
    List<GoldenImage> bases,
    int outdated,
    String owner,
    List<String> refused) {

  /** A view where the owner is the one the bases record (else this BaseImage), nothing refused. */
  public BaseView(
      BaseImage baseImage,
      String catalogNamespace,
      SourceIdentity source,
      List<GoldenImage> bases,
      int outdated) {
    this(
        baseImage,
        catalogNamespace,
        source,
        bases,
        outdated,
        recordedOwner(baseImage, bases),
        List.of());
  }

  public BaseView {
    bases = List.copyOf(bases);
    refused = List.copyOf(refused);
  }

  public String key() {
    return keyOf(baseImage);
  }

  public static String keyOf(BaseImage bi) {
    return bi.getMetadata().getNamespace() + "/" + bi.getMetadata().getName();
  }

  private static String recordedOwner(BaseImage bi, List<GoldenImage> bases) {
    return bases.stream()
        .map(b -> b.getSpec().baseImage)
        .filter(o -> o != null && !o.equals(keyOf(bi)))
        .findFirst()
        .orElse(keyOf(bi));
  }
}
