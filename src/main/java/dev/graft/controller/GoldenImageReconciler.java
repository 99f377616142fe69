package dev.graft.controller;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.catalog.BaseGenerations;
import dev.graft.catalog.CatalogEviction;
import dev.graft.catalog.CatalogGauges;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.UsageLedger;
import dev.graft.config.GraftConfig;
import dev.graft.controller.flow.Decision;
import dev.graft.controller.flow.Plumbing;
import dev.graft.controller.goldenimage.Build;
import dev.graft.controller.goldenimage.BuildSlots;
import dev.graft.controller.goldenimage.BuildView;
import dev.graft.controller.goldenimage.InjectionGroups;
import dev.graft.k8s.Informers;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.StorageDefaults;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds one catalog entry (observe → decide → act): observe reads the image, its parent and its
 * build objects from the informer caches into a {@link BuildView}; {@link Build} decides, phase by
 * phase (a base image imports; a derived one waits for its parent, clones it, waits for its
 * payload, injects, registers); the actions run. The one writer of GoldenImage status: uses and
 * clock raises others ask for arrive through the {@link UsageLedger}. A Ready image asks eviction
 * for a pass, which runs on eviction's own timer.
 */
@ControllerConfiguration(
    name = "goldenimage",
    retry = Retries.class,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
public class GoldenImageReconciler implements Reconciler<GoldenImage>, Cleaner<GoldenImage> {

  private final BuildView.Settings settings;
  private final CatalogEviction eviction;
  private final CatalogGauges gauges;
  private final UsageLedger ledger;
  private final Plumbing plumbing;
  private final int maxConcurrentBuilds;
  private final BuildSlots slots = new BuildSlots();
  private final SharedInjections injections;

  private final CatalogPlanner planner;

  /** Uses taken into a status write not known to have succeeded yet. */
  private final Map<ResourceID, UsageLedger.Uses> taken = new ConcurrentHashMap<>();

  public GoldenImageReconciler(
      GraftConfig config,
      InjectionJobs jobs,
      CatalogPlanner planner,
      CatalogEviction eviction,
      CatalogGauges gauges,
      UsageLedger ledger,
      Plumbing plumbing) {
    this.settings =
        new BuildView.Settings(
            config.build().maxAttempts(),
            config.build().retryBackoff(),
            jobs,
            planner.measurements()::remember,
            StorageDefaults.of(
                config.storage().className(),
                config.storage().volumeMode(),
                config.storage().accessModes()));
    this.planner = planner;
    this.eviction = eviction;
    this.gauges = gauges;
    this.ledger = ledger;
    this.plumbing = plumbing;
    this.maxConcurrentBuilds = config.build().maxConcurrentBuilds();
    this.injections = new SharedInjections(new InjectionGroups(config.build().maxDisksPerJob()));
  }

  @Override
  public List<EventSource<?, GoldenImage>> prepareEventSources(
      EventSourceContext<GoldenImage> context) {
    return BuildSources.prepare(context, ledger);
  }

  @Override
  public UpdateControl<GoldenImage> reconcile(GoldenImage gi, Context<GoldenImage> ctx) {
    ResourceID id = ResourceID.fromResource(gi);
    taken.remove(id); // the previous reconcile's status write went through
    BuildView view = observe(gi, ctx);
    if (view.uses() != null) {
      taken.put(id, view.uses());
    }
    UpdateControl<GoldenImage> control =
        plumbing.reconcile(gi, ctx, GoldenImage.Status.class, (r, s) -> decide(r, s, view));
    GoldenImage.Status status = gi.getStatus();
    gauges.refresh(
        gi, () -> ctx.getPrimaryCache().list(other -> !ResourceID.fromResource(other).equals(id)));
    if (status != null && status.phase == Phase.Ready) {
      planner.measurements().remember(gi); // after a restart, learned again from the catalog
      // A Ready image may take the os over a cache limit.
      eviction.request(
          gi.getMetadata().getNamespace(),
          gi.getSpec().os,
          () -> ctx.getPrimaryCache().list().toList());
    }
    return control;
  }

  private static Decision decide(GoldenImage gi, GoldenImage.Status status, BuildView view) {
    if (status.files == null) {
      status.files = gi.getSpec().files == null ? 0 : gi.getSpec().files.size();
      status.bytes =
          gi.getSpec().files == null
              ? 0L
              : gi.getSpec().files.stream().mapToLong(e -> e.size).sum();
    }
    return Build.decide(view, status);
  }

  /** Observe: the build as the informer caches show it. */
  private BuildView observe(GoldenImage gi, Context<GoldenImage> ctx) {
    String ns = gi.getMetadata().getNamespace();
    String name = gi.getMetadata().getName();
    GoldenImage.Status status = gi.getStatus();
    int attempt = status == null || status.attempts == null ? 1 : status.attempts;
    GoldenImage parent = BuildSources.parent(ctx, gi);
    List<GoldenImage> catalog = ctx.getPrimaryCache().list(ns).toList();
    List<GoldenImage> bases = BaseGenerations.bases(catalog, gi.getSpec().os);
    String payload = InjectionJobs.payloadName(name);
    Optional<DataVolume> dv = Informers.get(ctx, DataVolume.class, ns, name);
    Map<String, String> claim = CloneClaims.annotations(ctx, gi, dv.orElse(null));
    SharedInjections.Observed injection =
        injections.observe(
            ctx,
            gi,
            attempt,
            Informers.get(ctx, Job.class, ns, InjectionJobs.jobName(gi, attempt)),
            catalog,
            claim,
            planner.learning());
    Optional<Job> job = injection.job();
    Optional<ConfigMap> script =
        Informers.get(ctx, ConfigMap.class, ns, InjectionJobs.scriptName(gi));
    Optional<ConfigMap> cmPayload = Informers.get(ctx, ConfigMap.class, ns, payload);
    Optional<Secret> secretPayload = Informers.get(ctx, Secret.class, ns, payload);
    boolean ready = status != null && status.phase == Phase.Ready;
    return new BuildView(
        gi,
        parent,
        dv.orElse(null),
        job.orElse(null),
        InjectionJobs.scriptHolder(gi, cmPayload, script),
        cmPayload.isPresent(),
        secretPayload.isPresent(),
        stale(gi, dv, job, script, cmPayload, secretPayload),
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        settings,
        ledger.clock(ns, gi.getSpec().os, bases),
        ready ? ledger.take(ns, name) : null,
        ready && gi.getSpec().parent == null ? ledger.pendingClock(ns, gi.getSpec().os, gi) : null,
        injection.message(),
        claim,
        slots.catalog(
            gi,
            parent,
            () -> ctx.getPrimaryCache().list(ns).toList(),
            maxConcurrentBuilds,
            Instant.now()),
        injection.result(),
        injection.grouping());
  }

  /** The first build object of this name that another image (same name, earlier) owns, or null. */
  private static String stale(GoldenImage gi, Optional<?>... dependents) {
    return Stream.of(dependents)
        .flatMap(Optional::stream)
        .map(HasMetadata.class::cast)
        .filter(r -> !ownedBy(r, gi))
        .map(r -> r.getKind() + " " + r.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  private static boolean ownedBy(HasMetadata r, GoldenImage gi) {
    return r.getMetadata().getOwnerReferences() != null
        && r.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> Objects.equals(o.getUid(), gi.getMetadata().getUid()));
  }

  @Override
  public ErrorStatusUpdateControl<GoldenImage> updateErrorStatus(
      GoldenImage gi, Context<GoldenImage> ctx, Exception e) {
    ledger.putBack(
        gi.getMetadata().getNamespace(),
        gi.getMetadata().getName(),
        taken.remove(ResourceID.fromResource(gi)));
    return plumbing.failed(gi, ctx, e, GoldenImage.Status.class);
  }

  @Override
  public DeleteControl cleanup(GoldenImage gi, Context<GoldenImage> ctx) {
    String key = gi.getMetadata().getNamespace() + "/" + gi.getMetadata().getName();
    List<String> building =
        ctx.getPrimaryCache().byIndex(BuildSources.BY_PARENT, key).stream()
            .filter(
                c ->
                    c.getStatus() == null
                        || (c.getStatus().phase != Phase.Ready
                            && c.getStatus().phase != Phase.Failed))
            .map(c -> c.getMetadata().getName())
            .toList();
    if (!building.isEmpty()) {
      plumbing
          .act()
          .run(
              ctx,
              List.of(
                  dev.graft.controller.flow.Action.normal(
                      gi, "DeletionWaiting", "waiting for images built from it: " + building)));
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
    }
    ResourceID id = ResourceID.fromResource(gi);
    gauges.refresh(ctx.getPrimaryCache().list(other -> !ResourceID.fromResource(other).equals(id)));
    return DeleteControl.defaultDelete();
  }
}
