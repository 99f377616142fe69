package dev.graft.controller.base;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import java.util.List;

/**
 * What the BaseImage decide step looks at, from the informer caches.
 *
 * @param catalogNamespace where its GoldenImages live
 * @param source the identity of its source now
 * @param bases the base GoldenImages of its os in the catalog, every generation, oldest first
 * @param outdated how many GoldenImages of its os are built on an older generation than the newest
 *     usable one
 */
public record BaseView(
    BaseImage baseImage,
    String catalogNamespace,
    SourceIdentity source,
    List<GoldenImage> bases,
    int outdated) {

  public String key() {
    return baseImage.getMetadata().getNamespace() + "/" + baseImage.getMetadata().getName();
  }
}
