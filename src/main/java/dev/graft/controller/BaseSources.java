package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Informers;
import dev.graft.kubevirt.DataSource;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a BaseImage watches: its base GoldenImages (by {@code spec.baseImage}), the outdated images
 * of its os (they change its count), and the CDI DataSource its sourceRef names (a DataImportCron
 * moving it to a new PVC is a new generation).
 */
final class BaseSources {
  private BaseSources() {}

  /**
   * Where the DataSource of a sourceRef lives: its namespace, else the BaseImage's own (the base
   * GoldenImage names it so, see {@link dev.graft.controller.base.SourceNamespaces}).
   */
  static String dataSourceNamespace(BaseImage bi) {
    var ref = bi.getSpec() == null ? null : bi.getSpec().sourceRef;
    return ref != null && ref.namespace != null && !ref.namespace.isBlank()
        ? ref.namespace
        : bi.getMetadata().getNamespace();
  }

  static List<EventSource<?, BaseImage>> prepare(EventSourceContext<BaseImage> context) {
    var baseImages = context.getPrimaryCache();
    var images =
        new InformerEventSource<>(
            Informers.from(GoldenImage.class, BaseImage.class)
                .withSecondaryToPrimaryMapper(
                    (GoldenImage gi) -> {
                      if (gi.getSpec() == null) {
                        return Set.of();
                      }
                      String ref = gi.getSpec().baseImage;
                      if (ref != null && ref.contains("/")) {
                        String[] parts = ref.split("/", 2);
                        return Set.of(new ResourceID(parts[1], parts[0]));
                      }
                      // A derived image counts only once it is outdated (or when it goes).
                      if (Conditions.get(gi.getStatus(), Conditions.OUTDATED) == null) {
                        return Set.of();
                      }
                      String os = gi.getSpec().os;
                      return baseImages
                          .list(bi -> bi.getSpec() != null && os.equals(bi.getSpec().os))
                          .map(ResourceID::fromResource)
                          .collect(Collectors.toSet());
                    })
                .build(),
            context);
    var dataSources =
        new InformerEventSource<>(
            Informers.from(DataSource.class, BaseImage.class)
                .withSecondaryToPrimaryMapper(
                    (DataSource ds) ->
                        baseImages
                            .list(
                                bi ->
                                    bi.getSpec() != null
                                        && bi.getSpec().sourceRef != null
                                        && ds.getMetadata()
                                            .getName()
                                            .equals(bi.getSpec().sourceRef.name)
                                        && ds.getMetadata()
                                            .getNamespace()
                                            .equals(dataSourceNamespace(bi)))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(images, dataSources);
  }
}
