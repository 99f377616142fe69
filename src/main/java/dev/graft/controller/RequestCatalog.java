package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.build.ManifestCache;
import dev.graft.build.ResolutionException;
import dev.graft.build.TemplateCheck;
import dev.graft.catalog.BaseGenerations;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.CatalogSource;
import dev.graft.controller.gvm.BaseChoice;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;

/**
 * A request against its catalog, from the GraftedVirtualMachine controller's caches: its manifest
 * on the base generation it is built on ({@link BaseChoice}), under the name of its image in the
 * catalog (full digests compared), checked with its VM template.
 */
final class RequestCatalog implements PendingRequests.Catalog {
  private final ManifestCache manifests;
  private final InformerEventSource<GoldenImage, GraftedVirtualMachine> images;
  private final InformerEventSource<BaseImage, GraftedVirtualMachine> baseImages;
  private final InformerEventSource<ClusterBaseImage, GraftedVirtualMachine> clusterBaseImages;
  private final FileResolver.Lookup lookup;
  private final String catalogNs;
  private final java.util.Map<String, List<GoldenImage>> basesByOs = new java.util.HashMap<>();

  RequestCatalog(
      ManifestCache manifests,
      InformerEventSource<GoldenImage, GraftedVirtualMachine> images,
      InformerEventSource<BaseImage, GraftedVirtualMachine> baseImages,
      InformerEventSource<ClusterBaseImage, GraftedVirtualMachine> clusterBaseImages,
      FileResolver.Lookup lookup,
      String catalogNs) {
    this.manifests = manifests;
    this.images = images;
    this.baseImages = baseImages;
    this.clusterBaseImages = clusterBaseImages;
    this.lookup = lookup;
    this.catalogNs = catalogNs;
  }

  /** A request's manifest on its base generation, and that generation's base (null: none). */
  record Resolved(Manifest manifest, GoldenImage base) {}

  /**
   * A request's files and VM template, both checked before anything is planned for it; the root
   * disk is checked against its image, or the base its image would be built from (every image of an
   * os has its base's storage).
   */
  @Override
  public Resolved resolve(GraftedVirtualMachine gvm) throws ResolutionException {
    Manifest files = manifests.resolve(gvm, lookup);
    List<GoldenImage> bases =
        basesByOs.computeIfAbsent(
            files.os(), os -> bases(os).stream().filter(CatalogPlanner::usable).toList());
    BaseChoice choice = BaseChoice.of(gvm, policy(bases), bases);
    Manifest m =
        RequestSources.named(
            files.onGeneration(choice.generation()),
            images,
            catalogNs,
            gvm.getMetadata().getNamespace());
    GoldenImage source = image(m).orElse(choice.base());
    TemplateCheck.check(gvm, source);
    return new Resolved(m, choice.base());
  }

  java.util.Optional<GoldenImage> image(Manifest m) {
    return images.get(new ResourceID(m.imageName(), catalogNs));
  }

  @Override
  public GoldenImage image(String name) {
    return images.get(new ResourceID(name, catalogNs)).orElse(null);
  }

  /** The base images of an os in the catalog, oldest first (from the image cache's index). */
  List<GoldenImage> bases(String os) {
    return BaseGenerations.bases(images.byIndex(RequestSources.BASES, catalogNs + "/" + os), os);
  }

  /**
   * What a request's resolution reads of the os's bases now (each one's name, spec generation and
   * whether it is usable; not its status's other changes): when it differs, the requests of the os
   * may move to another base.
   */
  @Override
  public String basesVersion(String os) {
    StringBuilder sb = new StringBuilder();
    for (GoldenImage b : bases(os)) {
      sb.append(b.getMetadata().getName())
          .append(':')
          .append(b.getMetadata().getGeneration())
          .append(':')
          .append(BaseGenerations.of(b))
          .append(':')
          .append(b.getSpec().baseImage)
          .append(CatalogPlanner.usable(b) ? ";" : "-;");
    }
    return sb.toString();
  }

  /**
   * The catalog for the planner: read where it changed (the image cache reports its changes to the
   * planner's feed, {@link RequestSources}), walked only when the feed asks for it.
   */
  CatalogSource source() {
    return new CatalogSource() {
      @Override
      public GoldenImage get(String name) {
        return image(name);
      }

      @Override
      public java.util.Collection<GoldenImage> list() {
        return images.list(catalogNs).toList();
      }

      @Override
      public boolean fed() {
        return true;
      }
    };
  }

  /**
   * The update policy of the (Cluster)BaseImage of the newest base (Rebuild when it is not found).
   */
  private BaseImage.UpdatePolicy policy(List<GoldenImage> bases) {
    String ref =
        bases.stream()
            .max(java.util.Comparator.comparingInt(BaseGenerations::of))
            .map(b -> b.getSpec().baseImage)
            .orElse(null);
    if (ref == null || !ref.contains("/")) {
      return BaseImage.UpdatePolicy.Rebuild;
    }
    java.util.Optional<String> cluster = ClusterBaseImage.named(ref);
    if (cluster.isPresent()) {
      return clusterBaseImages == null
          ? BaseImage.UpdatePolicy.Rebuild
          : clusterBaseImages
              .get(new ResourceID(cluster.get()))
              .map(c -> BaseImage.policyOf(c.getSpec()))
              .orElse(BaseImage.UpdatePolicy.Rebuild);
    }
    if (baseImages == null) {
      return BaseImage.UpdatePolicy.Rebuild;
    }
    String[] parts = ref.split("/", 2);
    return BaseImage.policyOf(baseImages.get(new ResourceID(parts[1], parts[0])).orElse(null));
  }
}
