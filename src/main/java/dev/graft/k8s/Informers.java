package dev.graft.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import java.util.Set;

/** Small helpers to read secondary resources from a controller's informer caches by name. */
public final class Informers {
  private Informers() {}

  /**
   * The configuration of a secondary informer, as {@link InformerEventSourceConfiguration#from},
   * without the SDK's index of secondaries by primary. Graft reads a secondary by name ({@link
   * #get}) or through its own indexes, never through {@code Context.getSecondaryResources}; without
   * a primary-to-secondary mapper the SDK keeps, for every secondary, every primary its mapper ever
   * returned (a base image maps to all requests of its os, an image to every request not matched
   * yet), and forgets an entry only when the secondary is deleted: at 500 requests most of the
   * operator's ResourceIDs, held for nothing.
   */
  public static <R extends HasMetadata, P extends HasMetadata>
      InformerEventSourceConfiguration.Builder<R> from(Class<R> type, Class<P> primary) {
    return InformerEventSourceConfiguration.from(type, primary)
        .withPrimaryToSecondaryMapper(noSecondaryIndex(type));
  }

  /** A mapper that says, if anything ever asks, that secondaries are read by name here. */
  static <P extends HasMetadata> PrimaryToSecondaryMapper<P> noSecondaryIndex(Class<?> type) {
    return primary -> {
      throw new UnsupportedOperationException(
          "no index of "
              + type.getSimpleName()
              + " by primary is kept: read it by name from its informer (Informers.get)");
    };
  }

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
