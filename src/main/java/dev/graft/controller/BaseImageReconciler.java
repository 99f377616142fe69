package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.build.Manifest;
import dev.graft.config.GraftConfig;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.controller.flow.Plumbing;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
    // Observe: the catalog namespace, the base GoldenImage of the os, the os's owner, from the
    // caches; the API server's answer on the source only when this one is about to import.
    String ns = catalogNamespace(bi.getMetadata().getNamespace());
    GoldenImage image =
        Informers.get(ctx, GoldenImage.class, ns, imageName(bi.getSpec().os)).orElse(null);
    String owner =
        ctx.getPrimaryCache()
            .list(
                other ->
                    other.getMetadata().getDeletionTimestamp() == null
                        && other.getSpec() != null
                        && bi.getSpec().os.equals(other.getSpec().os)
                        && ns.equals(catalogNamespace(other.getMetadata().getNamespace())))
            .min(OLDEST_FIRST)
            .map(BaseImageReconciler::key)
            .orElse(key(bi));
    boolean imports =
        owner.equals(key(bi)) && (image == null || !key(bi).equals(image.getSpec().baseImage));
    List<String> refused = imports ? SourceAccess.refused(ctx.getClient(), bi) : List.of();
    var view = new BaseImageDecision.View(bi, ns, image, owner, refused);
    return plumbing.reconcile(
        bi, ctx, BaseImage.Status.class, (r, status) -> decide(view, r, status));
  }

  /** Creation time, then uid: the same order whatever the order of events. */
  static final Comparator<BaseImage> OLDEST_FIRST =
      Comparator.comparing(
              (BaseImage b) ->
                  b.getMetadata().getCreationTimestamp() == null
                      ? Instant.MAX
                      : Instant.parse(b.getMetadata().getCreationTimestamp()))
          .thenComparing(b -> String.valueOf(b.getMetadata().getUid()));

  private String catalogNamespace(String ns) {
    return config.catalogNamespace().filter(s -> !s.isBlank()).orElse(ns);
  }

  @Override
  public ErrorStatusUpdateControl<BaseImage> updateErrorStatus(
      BaseImage bi, Context<BaseImage> ctx, Exception e) {
    return plumbing.failed(bi, e, BaseImage.Status.class);
  }

  /**
   * Decide, for a BaseImage that owns its os and may use its source: from the BaseImage and its
   * GoldenImage in {@code catalogNs} (null: none yet; one imported for another BaseImage: that one
   * owns the os).
   */
  public static Decision decide(
      BaseImage bi, BaseImage.Status status, String catalogNs, GoldenImage image) {
    String owner =
        image == null || image.getSpec().baseImage == null ? key(bi) : image.getSpec().baseImage;
    return decide(new BaseImageDecision.View(bi, catalogNs, image, owner, List.of()), bi, status);
  }

  /** Decide, with one event per new phase. */
  static Decision decide(BaseImageDecision.View view, BaseImage bi, BaseImage.Status status) {
    Decision d = BaseImageDecision.decide(view, status);
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

  static String key(BaseImage bi) {
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
    spec.source = SourceAccess.inOwnNamespace(bi).source;
    spec.sourceRef = SourceAccess.inOwnNamespace(bi).sourceRef;
    spec.storage = bi.getSpec().storage;
    spec.baseImage = key(bi);
    spec.depth = 0;
    gi.setSpec(spec);
    return gi;
  }
}
