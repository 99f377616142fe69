package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.Manifest;
import dev.graft.config.GraftConfig;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.controller.flow.Plumbing;
import dev.graft.k8s.Conditions.State;
import dev.graft.k8s.Informers;
import dev.graft.k8s.Labels;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Turns a BaseImage into the GoldenImage with an empty manifest for its os (named like every other
 * image: os + digest of the empty manifest), and mirrors that image's phase.
 */
@ControllerConfiguration(
    name = "baseimage",
    retry = Retries.class,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
public class BaseImageReconciler implements Reconciler<BaseImage> {
  private final GraftConfig config;
  private final Plumbing plumbing;

  public BaseImageReconciler(GraftConfig config, Plumbing plumbing) {
    this.config = config;
    this.plumbing = plumbing;
  }

  /** The name of the base GoldenImage of an os. */
  public static String imageName(String os) {
    return Manifest.baseImageName(os);
  }

  @Override
  public List<EventSource<?, BaseImage>> prepareEventSources(
      EventSourceContext<BaseImage> context) {
    var images =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(GoldenImage.class, BaseImage.class)
                .withSecondaryToPrimaryMapper(
                    (GoldenImage gi) -> {
                      String ref = gi.getSpec() == null ? null : gi.getSpec().baseImage;
                      if (ref == null || !ref.contains("/")) {
                        return Set.of();
                      }
                      String[] parts = ref.split("/", 2);
                      return Set.of(new ResourceID(parts[1], parts[0]));
                    })
                .build(),
            context);
    return List.of(images);
  }

  @Override
  public UpdateControl<BaseImage> reconcile(BaseImage bi, Context<BaseImage> ctx) {
    // Observe: the catalog namespace and the base GoldenImage of the os, from the cache.
    String ns =
        config.catalogNamespace().filter(s -> !s.isBlank()).orElse(bi.getMetadata().getNamespace());
    GoldenImage image =
        Informers.get(ctx, GoldenImage.class, ns, imageName(bi.getSpec().os)).orElse(null);
    return plumbing.reconcile(
        bi, ctx, BaseImage.Status.class, (r, status) -> decide(r, status, ns, image));
  }

  @Override
  public ErrorStatusUpdateControl<BaseImage> updateErrorStatus(
      BaseImage bi, Context<BaseImage> ctx, Exception e) {
    return plumbing.failed(bi, e, BaseImage.Status.class);
  }

  /** Decide: from the BaseImage and its GoldenImage in {@code catalogNs} (null: none yet). */
  public static Decision decide(
      BaseImage bi, BaseImage.Status status, String catalogNs, GoldenImage image) {
    Decision d = next(bi, status, catalogNs, image);
    // One event per new phase.
    BaseImage.Status before = bi.getStatus();
    if (before != null && before.phase == d.state().phase()) {
      return d;
    }
    return d.and(
        List.of(
            d.state().degraded()
                ? Action.warning(bi, d.state().reason(), d.state().message())
                : Action.normal(bi, d.state().reason(), d.state().message())));
  }

  private static Decision next(
      BaseImage bi, BaseImage.Status status, String catalogNs, GoldenImage image) {
    var spec = bi.getSpec();
    int sources = spec.sourceRef != null ? 1 : 0;
    if (spec.source != null) {
      sources +=
          (spec.source.http != null ? 1 : 0)
              + (spec.source.registry != null ? 1 : 0)
              + (spec.source.pvc != null ? 1 : 0);
    }
    if (sources != 1) {
      return Decision.of(
          State.degraded(
              Phase.Failed,
              "InvalidSource",
              "spec.source: exactly one of source.http, source.registry, source.pvc, sourceRef is"
                  + " required, got "
                  + sources));
    }
    String name = imageName(spec.os);
    String me = key(bi);
    status.image = name;
    if (image == null) {
      GoldenImage wanted = baseImage(bi, catalogNs);
      return Decision.of(
              State.progressing(Phase.Importing, "Importing", "image " + name + " is importing"),
              new Action.Create(wanted),
              Action.normal(
                  bi,
                  "ImageCreated",
                  "GoldenImage " + catalogNs + "/" + name + " imports the base disk"))
          // Another BaseImage may have created it at the same instant: look again.
          .recheckAfter(java.time.Duration.ofSeconds(5));
    }
    if (!me.equals(image.getSpec().baseImage)) {
      return Decision.of(
          State.degraded(
              Phase.Failed,
              "DuplicateOs",
              "spec.os: BaseImage "
                  + image.getSpec().baseImage
                  + " already provides os "
                  + spec.os));
    }
    Phase phase =
        image.getStatus() == null || image.getStatus().phase == null
            ? Phase.Pending
            : image.getStatus().phase;
    return Decision.of(
        switch (phase) {
          case Ready -> State.ready(Phase.Ready, "Ready", "image " + name + " is ready");
          case Failed ->
              State.degraded(Phase.Failed, "ImportFailed", "image " + name + " failed to import");
          default ->
              State.progressing(Phase.Importing, "Importing", "image " + name + " is importing");
        });
  }

  private static String key(BaseImage bi) {
    return bi.getMetadata().getNamespace() + "/" + bi.getMetadata().getName();
  }

  /** The base GoldenImage a BaseImage asks for: the empty manifest of its os, its source. */
  static GoldenImage baseImage(BaseImage bi, String catalogNs) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(imageName(bi.getSpec().os));
    gi.getMetadata().setNamespace(catalogNs);
    gi.getMetadata()
        .setLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGER, Labels.OS, bi.getSpec().os));
    GoldenImage.Spec spec = new GoldenImage.Spec();
    spec.os = bi.getSpec().os;
    spec.manifestDigest = Manifest.digestOf(new ArrayList<>());
    spec.source = bi.getSpec().source;
    spec.sourceRef = bi.getSpec().sourceRef;
    spec.storage = bi.getSpec().storage;
    spec.baseImage = key(bi);
    spec.depth = 0;
    gi.setSpec(spec);
    return gi;
  }
}
