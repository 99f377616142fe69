package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.build.Manifest;
import dev.graft.catalog.BaseGenerations;
import dev.graft.config.GraftConfig;
import dev.graft.controller.base.BaseDecision;
import dev.graft.controller.base.BaseView;
import dev.graft.controller.base.SourceIdentity;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a BaseImage into the base GoldenImages of its os, one per generation (observe → decide →
 * act): observe reads its source's identity (for a sourceRef, the PVC the DataSource points at now)
 * and the catalog's bases of the os; {@link BaseDecision} creates the first generation, or the next
 * one when the identity changed, and mirrors the newest one's phase and the number of outdated
 * images.
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
    return BaseSources.prepare(context, this::catalogNamespace);
  }

  String catalogNamespace(String baseImageNamespace) {
    return config.catalogNamespace().filter(s -> !s.isBlank()).orElse(baseImageNamespace);
  }

  @Override
  public UpdateControl<BaseImage> reconcile(BaseImage bi, Context<BaseImage> ctx) {
    BaseView view = observe(bi, ctx);
    return plumbing.reconcile(
        bi, ctx, BaseImage.Status.class, (r, status) -> BaseDecision.decide(view, status));
  }

  /** Observe: the source's identity and the catalog's images of the os, from the caches. */
  private BaseView observe(BaseImage bi, Context<BaseImage> ctx) {
    String ns = catalogNamespace(bi.getMetadata().getNamespace());
    String os = bi.getSpec().os;
    String dsNs = BaseSources.dataSourceNamespace(bi, ns);
    DataSource ds =
        bi.getSpec().sourceRef == null
            ? null
            : Informers.get(ctx, DataSource.class, dsNs, bi.getSpec().sourceRef.name).orElse(null);
    List<GoldenImage> images =
        Informers.source(ctx, GoldenImage.class)
            .list(ns, gi -> gi.getSpec() != null && os.equals(gi.getSpec().os))
            .toList();
    return new BaseView(
        bi,
        ns,
        SourceIdentity.of(bi.getSpec(), dsNs, ds),
        BaseGenerations.bases(images, os),
        BaseGenerations.outdatedCount(images, os));
  }

  @Override
  public ErrorStatusUpdateControl<BaseImage> updateErrorStatus(
      BaseImage bi, Context<BaseImage> ctx, Exception e) {
    return plumbing.failed(bi, e, BaseImage.Status.class);
  }

  /**
   * Decide, from the BaseImage and the first base GoldenImage of its os in {@code catalogNs} (null:
   * none yet), its source unchanged since.
   */
  public static Decision decide(
      BaseImage bi, BaseImage.Status status, String catalogNs, GoldenImage image) {
    String dsNs = BaseSources.dataSourceNamespace(bi, catalogNs);
    List<GoldenImage> bases = new ArrayList<>();
    if (image != null) {
      bases.add(image);
    }
    return BaseDecision.decide(
        new BaseView(bi, catalogNs, SourceIdentity.of(bi.getSpec(), dsNs, null), bases, 0), status);
  }

  /** The first base GoldenImage a BaseImage asks for. */
  static GoldenImage baseImage(BaseImage bi, String catalogNs) {
    String dsNs = BaseSources.dataSourceNamespace(bi, catalogNs);
    return BaseDecision.baseImage(
        bi, catalogNs, 1, SourceIdentity.of(bi.getSpec(), dsNs, null).identity(), null);
  }
}
