package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.build.Manifest;
import dev.graft.catalog.BaseGenerations;
import dev.graft.config.GraftConfig;
import dev.graft.controller.base.BaseDecision;
import dev.graft.controller.base.BaseView;
import dev.graft.controller.base.SourceIdentity;
import dev.graft.controller.base.SourceIdentity.DataSourceRead;
import dev.graft.controller.flow.Decision;
import dev.graft.controller.flow.Plumbing;
import dev.graft.k8s.Informers;
import dev.graft.kubevirt.DataSource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a BaseImage into the base GoldenImages of its os, one per generation (observe → decide →
 * act): observe reads its source's identity (for a sourceRef, the PVC the DataSource points at
 * now), the catalog's bases of the os, the os's owner (the oldest BaseImage of it), and, only when
 * it is about to import, whether its ServiceAccount may clone from its source; {@link BaseDecision}
 * creates the first generation, or the next one when the identity changed, and mirrors the newest
 * one's phase and the number of outdated images.
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

  /** The name of the first base GoldenImage of an os. */
  public static String imageName(String os) {
    return Manifest.baseImageName(os);
  }

  @Override
  public List<EventSource<?, BaseImage>> prepareEventSources(
      EventSourceContext<BaseImage> context) {
    var sources = new java.util.ArrayList<>(BaseSources.prepare(context));
    sources.addAll(ClusterOwnership.prepare(context, config.sharedCatalog()));
    return sources;
  }

  String catalogNamespace(String baseImageNamespace) {
    return config.sharedCatalog().orElse(baseImageNamespace);
  }

  @Override
  public UpdateControl<BaseImage> reconcile(BaseImage bi, Context<BaseImage> ctx) {
    BaseView seen = observe(bi, ctx);
    // The API server's answer on the source only when this one is about to import.
    BaseView view =
        BaseDecision.imports(seen, bi.getStatus())
            ? new BaseView(
                seen.baseImage(),
                seen.catalogNamespace(),
                seen.source(),
                seen.bases(),
                seen.outdated(),
                seen.owner(),
                SourceAccess.refused(ctx.getClient(), bi))
            : seen;
    return plumbing.reconcile(
        bi, ctx, BaseImage.Status.class, (r, status) -> BaseDecision.decide(view, status));
  }

  /** Observe: the source's identity, the catalog's images of the os and its owner, from caches. */
  private BaseView observe(BaseImage bi, Context<BaseImage> ctx) {
    String ns = catalogNamespace(bi.getMetadata().getNamespace());
    String os = bi.getSpec().os;
    String dsNs = BaseSources.dataSourceNamespace(bi);
    SourceReads reads = new SourceReads(ctx.getClient());
    DataSourceRead ds = DataSourceRead.cached(null);
    if (bi.getSpec().sourceRef != null) {
      String name = bi.getSpec().sourceRef.name;
      // Not in the cache: maybe in a namespace the operator does not watch; then it is polled.
      ds =
          Informers.get(ctx, DataSource.class, dsNs, name)
              .map(DataSourceRead::cached)
              .orElseGet(() -> reads.dataSource(dsNs, name));
    }
    List<GoldenImage> images =
        Informers.source(ctx, GoldenImage.class)
            .list(ns, gi -> gi.getSpec() != null && os.equals(gi.getSpec().os))
            .toList();
    String owner =
        ctx.getPrimaryCache()
            .list(
                other ->
                    other.getMetadata().getDeletionTimestamp() == null
                        && other.getSpec() != null
                        && os.equals(other.getSpec().os)
                        && ns.equals(catalogNamespace(other.getMetadata().getNamespace())))
            .min(OLDEST_FIRST)
            .map(BaseImageReconciler::key)
            .orElse(key(bi));
    // A ClusterBaseImage of the os comes before every BaseImage of it.
    owner = ClusterOwnership.owner(ctx, config.sharedCatalog(), ns, os).orElse(owner);
    return new BaseView(
        bi,
        ns,
        SourceIdentity.of(bi.getSpec(), dsNs, ds, reads),
        BaseGenerations.bases(images, os),
        BaseGenerations.outdatedCount(images, os),
        owner,
        List.of());
  }

  /** Creation time, then uid: the same order whatever the order of events. */
  static final Comparator<BaseImage> OLDEST_FIRST =
      Comparator.comparing(
              (BaseImage b) ->
                  b.getMetadata().getCreationTimestamp() == null
                      ? Instant.MAX
                      : Instant.parse(b.getMetadata().getCreationTimestamp()))
          .thenComparing(b -> String.valueOf(b.getMetadata().getUid()));

  @Override
  public ErrorStatusUpdateControl<BaseImage> updateErrorStatus(
      BaseImage bi, Context<BaseImage> ctx, Exception e) {
    return plumbing.failed(bi, ctx, e, BaseImage.Status.class);
  }

  /**
   * Decide, for a BaseImage that may use its source: from the BaseImage and the first base
   * GoldenImage of its os in {@code catalogNs} (null: none yet; one imported for another BaseImage:
   * that one owns the os), its source unchanged since.
   */
  public static Decision decide(
      BaseImage bi, BaseImage.Status status, String catalogNs, GoldenImage image) {
    String owner =
        image == null || image.getSpec().baseImage == null ? key(bi) : image.getSpec().baseImage;
    return decide(new BaseImageDecision.View(bi, catalogNs, image, owner, List.of()), bi, status);
  }

  /** Decide from what one reconcile saw of the first generation, with one event per new phase. */
  static Decision decide(BaseImageDecision.View view, BaseImage bi, BaseImage.Status status) {
    return BaseImageDecision.decide(view, status);
  }

  static String key(BaseImage bi) {
    return BaseView.keyOf(bi);
  }

  /** The first base GoldenImage a BaseImage asks for: the empty manifest of its os, its source. */
  static GoldenImage baseImage(BaseImage bi, String catalogNs) {
    String dsNs = BaseSources.dataSourceNamespace(bi);
    return BaseDecision.baseImage(
        bi, catalogNs, 1, SourceIdentity.of(bi.getSpec(), dsNs, null).identity(), null);
  }
}
