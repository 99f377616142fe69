package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.catalog.BaseGenerations;
import dev.graft.config.GraftConfig;
import dev.graft.controller.base.ClusterBaseDecision;
import dev.graft.controller.base.SourceIdentity;
import dev.graft.controller.flow.Plumbing;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Informers;
import dev.graft.kubevirt.DataSource;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
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
import io.quarkiverse.operatorsdk.runtime.api.ConfigurableReconciler;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Turns a ClusterBaseImage into the base GoldenImages of its os in the shared catalog, one per
 * generation, as {@link BaseImageReconciler} does for a BaseImage (observe → {@link
 * ClusterBaseDecision} → act). Its sources are not checked against anyone's rights: only cluster
 * admins may create it. A DataSource it names is read directly (it may be in a namespace the
 * operator does not watch) at each reconcile, at least every few minutes.
 */
@ControllerConfiguration(
    name = "clusterbaseimage",
    retry = Retries.class,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
// Reconciler named as well: plain JOSDK (the tests' FreshOperator) finds the resource type only on
// a directly implemented Reconciler, not through ConfigurableReconciler.
public class ClusterBaseImageReconciler
    implements Reconciler<ClusterBaseImage>, ConfigurableReconciler<ClusterBaseImage> {
  private final GraftConfig config;
  private final Plumbing plumbing;

  public ClusterBaseImageReconciler(GraftConfig config, Plumbing plumbing) {
    this.config = config;
    this.plumbing = plumbing;
  }

  /**
   * Cluster-wide, whatever namespaces the other controllers watch: the SDK looks a cluster-scoped
   * object up in the informer of "all namespaces", which a per-namespace watch does not have (and
   * {@code quarkus.operator-sdk.controllers.clusterbaseimage.namespaces} cannot say "all" over
   * {@code quarkus.operator-sdk.namespaces}).
   */
  @Override
  public void updateConfigurationFrom(
      ControllerConfigurationOverrider<ClusterBaseImage> overrider) {
    overrider.watchingAllNamespaces();
  }

  @Override
  public List<EventSource<?, ClusterBaseImage>> prepareEventSources(
      EventSourceContext<ClusterBaseImage> context) {
    Optional<String> catalogNs = config.sharedCatalog();
    if (catalogNs.isEmpty()) {
      return List.of(); // nothing to watch: it says NoCatalogNamespace
    }
    var clusterImages = context.getPrimaryCache();
    var images =
        new InformerEventSource<>(
            Informers.from(GoldenImage.class, ClusterBaseImage.class)
                .withNamespaces(Set.of(catalogNs.get()))
                .withSecondaryToPrimaryMapper(
                    (GoldenImage gi) -> {
                      if (gi.getSpec() == null) {
                        return Set.of();
                      }
                      String ref = gi.getSpec().baseImage;
                      Optional<String> owner = ClusterBaseImage.named(ref);
                      if (owner.isPresent()) {
                        return Set.of(new ResourceID(owner.get()));
                      }
                      // Another owner's base (to be superseded), or an outdated image: its os's.
                      if (ref == null
                          && Conditions.get(gi.getStatus(), Conditions.OUTDATED) == null) {
                        return Set.of();
                      }
                      String os = gi.getSpec().os;
                      return clusterImages
                          .list(c -> c.getSpec() != null && os.equals(c.getSpec().os))
                          .map(ResourceID::fromResource)
                          .collect(Collectors.toSet());
                    })
                .build(),
            context);
    return List.of(images);
  }

  @Override
  public UpdateControl<ClusterBaseImage> reconcile(
      ClusterBaseImage cbi, Context<ClusterBaseImage> ctx) {
    Optional<String> catalogNs = config.sharedCatalog();
    ClusterBaseDecision.View view;
    if (catalogNs.isEmpty() || cbi.getSpec() == null) {
      view =
          new ClusterBaseDecision.View(
              cbi,
              Optional.empty(),
              new SourceIdentity(null, null, "no catalog"),
              List.of(),
              0,
              "");
    } else {
      String ns = catalogNs.get();
      String os = cbi.getSpec().os;
      BaseImage.Spec spec = ClusterBaseDecision.sourceSpec(cbi, ns);
      DataSource ds =
          spec.sourceRef == null
              ? null
              : ctx.getClient()
                  .resources(DataSource.class)
                  .inNamespace(spec.sourceRef.namespace)
                  .withName(spec.sourceRef.name)
                  .get();
      List<GoldenImage> images =
          Informers.source(ctx, GoldenImage.class)
              .list(ns, gi -> gi.getSpec() != null && os.equals(gi.getSpec().os))
              .toList();
      String owner =
          ClusterBaseDecision.ownerOf(ctx.getPrimaryCache().list(), os)
              .map(ClusterBaseImage::ownerKey)
              .orElse(cbi.ownerKey());
      view =
          new ClusterBaseDecision.View(
              cbi,
              catalogNs,
              SourceIdentity.of(spec, spec.sourceRef == null ? ns : spec.sourceRef.namespace, ds),
              BaseGenerations.bases(images, os),
              BaseGenerations.outdatedCount(images, os),
              owner);
    }
    return plumbing.reconcile(
        cbi, ctx, BaseImage.Status.class, (r, status) -> ClusterBaseDecision.decide(view, status));
  }

  @Override
  public ErrorStatusUpdateControl<ClusterBaseImage> updateErrorStatus(
      ClusterBaseImage cbi, Context<ClusterBaseImage> ctx, Exception e) {
    return plumbing.failed(cbi, ctx, e, BaseImage.Status.class);
  }
}
