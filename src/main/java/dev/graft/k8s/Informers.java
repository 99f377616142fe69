package dev.graft.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import java.util.Set;

/** Small helpers to read secondary resources from a controller's informer caches by name. */
public final class Informers {
  private Informers() {}

  /** The event source of a type (the only one registered for it). */
  @SuppressWarnings("unchecked")
  public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> source(
      Context<P> ctx, Class<R> type) {
    return (InformerEventSource<R, P>) ctx.eventSourceRetriever().getEventSourceFor(type);
  }

  /** A cached object by namespace and name (including this controller's own recent writes). */
  public static <R extends HasMetadata, P extends HasMetadata> Optional<R> get(
      Context<P> ctx, Class<R> type, String namespace, String name) {
    return source(ctx, type).get(new ResourceID(name, namespace));
  }

  /** Maps a secondary object to the GoldenImage named by its label. */
  public static Set<ResourceID> byImageLabel(HasMetadata r) {
    var labels = r.getMetadata().getLabels();
    if (labels == null || !labels.containsKey(Labels.GOLDEN_IMAGE)) {
      return Set.of();
    }
    return Set.of(new ResourceID(labels.get(Labels.GOLDEN_IMAGE), r.getMetadata().getNamespace()));
  }
}
