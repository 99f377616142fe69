package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.controller.base.ClusterBaseDecision;
import dev.graft.k8s.Informers;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A ClusterBaseImage comes before every namespaced BaseImage of its os in the shared catalog: a
 * BaseImage watches ClusterBaseImages (of its os) and, when one provides its os, is a DuplicateOs
 * naming it. Without a shared catalog, ClusterBaseImages provide nothing, so nothing is watched.
 */
final class ClusterOwnership {
  private ClusterOwnership() {}

  /** The BaseImage controller's watch of ClusterBaseImages, when there is a shared catalog. */
  static List<EventSource<?, BaseImage>> prepare(
      EventSourceContext<BaseImage> context, Optional<String> sharedCatalog) {
    if (sharedCatalog.isEmpty()) {
      return List.of();
    }
    var baseImages = context.getPrimaryCache();
    return List.of(
        new InformerEventSource<>(
            Informers.from(ClusterBaseImage.class, BaseImage.class)
                // cluster-scoped: one informer for the cluster, not one per watched namespace
                .withNamespaces(java.util.Set.of(Constants.WATCH_ALL_NAMESPACES))
                .withSecondaryToPrimaryMapper(
                    (ClusterBaseImage c) ->
                        c.getSpec() == null
                            ? java.util.Set.of()
                            : baseImages
                                .list(
                                    bi ->
                                        bi.getSpec() != null
                                            && c.getSpec().os.equals(bi.getSpec().os))
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                .build(),
            context));
  }

  /**
   * The key of the ClusterBaseImage that provides {@code os} in {@code catalogNs}, if that is the
   * shared catalog and one does.
   */
  static Optional<String> owner(
      Context<BaseImage> ctx, Optional<String> sharedCatalog, String catalogNs, String os) {
    if (sharedCatalog.isEmpty() || !sharedCatalog.get().equals(catalogNs)) {
      return Optional.empty();
    }
    var source = ctx.eventSourceRetriever().getEventSourceFor(ClusterBaseImage.class);
    @SuppressWarnings("unchecked")
    var informer = (InformerEventSource<ClusterBaseImage, BaseImage>) source;
    return ClusterBaseDecision.ownerOf(informer.list(), os).map(ClusterBaseImage::ownerKey);
  }
}
