package dev.graft.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.config.GraftConfig;
import dev.graft.controller.Conditions.State;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumes;
import dev.graft.kubevirt.StorageDefaults;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
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
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds one catalog entry as a phase machine: a base image imports its DataVolume (Importing →
 * Ready); a derived image waits for its parent (Pending), clones the parent's PVC (Cloning), runs
 * the injection Job (Injecting), and is Ready when the Job succeeds. A failed attempt deletes the
 * partial clone and retries on a fresh one after a back-off, up to {@code
 * graft.build.max-attempts}. Every dependent is create-only and deterministically named, so a
 * restart creates nothing twice.
 */
@ControllerConfiguration(
    name = "goldenimage",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
@GradualRetry(
    maxAttempts = Retries.UNLIMITED,
    initialInterval = Retries.INITIAL_MILLIS,
    intervalMultiplier = Retries.MULTIPLIER,
    maxInterval = Retries.MAX_MILLIS)
public class GoldenImageReconciler implements Reconciler<GoldenImage>, Cleaner<GoldenImage> {
  static final String BY_PARENT = "byParent";
  static final String RELATED = "related-images";
  static final String CLONE_FALLBACK = "cdi.kubevirt.io/cloneFallbackReason";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GraftConfig config;
  private final InjectionJobs jobs;
  private final EventRecorder events;
  private final CatalogPlanner planner;
  private final CatalogEviction eviction;
  private final GraftMetrics metrics;

  /** Every os whose catalog size was reported, so that an os whose last image goes shows zero. */
  private final Set<String> reportedOs = ConcurrentHashMap.newKeySet();

  public GoldenImageReconciler(
      GraftConfig config,
      InjectionJobs jobs,
      EventRecorder events,
      CatalogPlanner planner,
      CatalogEviction eviction,
      GraftMetrics metrics) {
    this.config = config;
    this.jobs = jobs;
    this.events = events;
    this.planner = planner;
    this.eviction = eviction;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, GoldenImage>> prepareEventSources(
      EventSourceContext<GoldenImage> context) {
    var cache = context.getPrimaryCache();
    cache.addIndexer(
        BY_PARENT,
        gi ->
            gi.getSpec() == null || gi.getSpec().parent == null
                ? List.of()
                : List.of(gi.getMetadata().getNamespace() + "/" + gi.getSpec().parent));
    var dataVolumes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(DataVolume.class, GoldenImage.class)
                .withLabelSelector(Labels.GOLDEN_IMAGE)
                .withSecondaryToPrimaryMapper(Informers::byImageLabel)
                .build(),
            context);
    var jobInformer =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, GoldenImage.class)
                .withLabelSelector(Labels.GOLDEN_IMAGE)
                .withSecondaryToPrimaryMapper(Informers::byImageLabel)
                .build(),
            context);
    var configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, GoldenImage.class)
                .withLabelSelector(Labels.GOLDEN_IMAGE)
                .withSecondaryToPrimaryMapper(Informers::byImageLabel)
                .build(),
            context);
    var secrets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, GoldenImage.class)
                .withLabelSelector(Labels.GOLDEN_IMAGE)
                .withSecondaryToPrimaryMapper(Informers::byImageLabel)
                .build(),
            context);
    // Parent and children: a parent turning Ready starts its children; a child finishing lets a
    // parent that waits in deletion go.
    var related =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(GoldenImage.class, GoldenImage.class)
                .withName(RELATED)
                .withSecondaryToPrimaryMapper(
                    (GoldenImage gi) -> {
                      Set<ResourceID> ids = new HashSet<>();
                      String ns = gi.getMetadata().getNamespace();
                      cache
                          .byIndex(BY_PARENT, ns + "/" + gi.getMetadata().getName())
                          .forEach(child -> ids.add(ResourceID.fromResource(child)));
                      if (gi.getSpec() != null && gi.getSpec().parent != null) {
                        ids.add(new ResourceID(gi.getSpec().parent, ns));
                      }
                      return ids;
                    })
                .build(),
            context);
    return List.of(dataVolumes, jobInformer, configMaps, secrets, related);
  }

  @Override
  public UpdateControl<GoldenImage> reconcile(GoldenImage gi, Context<GoldenImage> ctx) {
    GoldenImage.Status before = gi.getStatus();
    GoldenImage.Status status = copy(before);
    Step step =
        gi.getSpec().parent == null
            ? reconcileBase(gi, status, ctx)
            : reconcileDerived(gi, status, ctx);
    Conditions.apply(status, step.state, gi.getMetadata().getGeneration());
    if (status.files == null) {
      status.files = gi.getSpec().files == null ? 0 : gi.getSpec().files.size();
      status.bytes =
          gi.getSpec().files == null
              ? 0L
              : gi.getSpec().files.stream().mapToLong(e -> e.size).sum();
    }
    UpdateControl<GoldenImage> control;
    if (sameJson(before, status)) {
      control = UpdateControl.noUpdate();
    } else {
      gi.setStatus(status);
      control = UpdateControl.patchStatus(gi);
    }
    if (step.recheck != null) {
      control.rescheduleAfter(step.recheck);
    }
    refreshCatalogSize(ctx, gi, status);
    if (status.phase == Phase.Ready) {
      // A Ready image may take the OS over a cache limit; a later reconcile of any image of the
      // OS retries what could not be evicted yet (e.g. a parent whose child was still building).
      eviction.enforce(
          gi.getMetadata().getNamespace(), gi.getSpec().os, ctx.getPrimaryCache().list().toList());
    }
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<GoldenImage> updateErrorStatus(
      GoldenImage gi, Context<GoldenImage> ctx, Exception e) {
    // Every failed reconcile passes here before the SDK retries it: the one place to count them.
    metrics.reconcileError(gi.getKind());
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  /**
   * Ready images and their disk bytes per os, from the cache with {@code current}'s new status in
   * place of its cached one (the status patch reaches the cache only after this reconcile), or
   * without it when {@code status} is null (it is being deleted).
   */
  private void refreshCatalogSize(
      Context<GoldenImage> ctx, GoldenImage current, GoldenImage.Status status) {
    ResourceID id = ResourceID.fromResource(current);
    Map<String, long[]> byOs = new HashMap<>();
    Stream.concat(
            ctx.getPrimaryCache().list(gi -> !ResourceID.fromResource(gi).equals(id)),
            status == null ? Stream.empty() : Stream.of(withStatus(current, status)))
        .filter(gi -> gi.getMetadata().getDeletionTimestamp() == null)
        .filter(gi -> gi.getStatus() != null && gi.getStatus().phase == Phase.Ready)
        .forEach(
            gi -> {
              long[] sum = byOs.computeIfAbsent(gi.getSpec().os, os -> new long[2]);
              sum[0]++;
              sum[1] += bytes(gi.getStatus().size);
            });
    reportedOs.addAll(byOs.keySet());
    for (String os : reportedOs) {
      long[] sum = byOs.getOrDefault(os, new long[2]);
      metrics.catalogSize(os, sum[0], sum[1]);
    }
  }

  private static GoldenImage withStatus(GoldenImage gi, GoldenImage.Status status) {
    GoldenImage copy = new GoldenImage();
    copy.setMetadata(gi.getMetadata());
    copy.setSpec(gi.getSpec());
    copy.setStatus(status);
    return copy;
  }

  private static long bytes(String size) {
    try {
      return size == null ? 0 : Quantity.getAmountInBytes(new Quantity(size)).longValue();
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  private record Step(State state, Duration recheck) {
    static Step of(State state) {
      return new Step(state, null);
    }
  }

  private Step reconcileBase(GoldenImage gi, GoldenImage.Status status, Context<GoldenImage> ctx) {
    if (status.phase == Phase.Ready || status.phase == Phase.Failed) {
      return Step.of(terminal(status));
    }
    String ns = gi.getMetadata().getNamespace();
    String name = gi.getMetadata().getName();
    if (status.buildStartedAt == null) {
      status.buildStartedAt = now().toString();
      status.attempts = 1;
    }
    String stale = staleDependent(gi, ctx, 1);
    if (stale != null) {
      return waitingForCleanup(stale);
    }
    DataVolume dv = Informers.get(ctx, DataVolume.class, ns, name).orElse(null);
    if (dv == null) {
      create(ctx, DataVolumes.importFor(gi, storageDefaults()));
      events.normal(gi, "Importing", "DataVolume " + name + " imports the base disk");
      return Step.of(State.progressing(Phase.Importing, "Importing", "importing the base disk"));
    }
    if (dv.failed()) {
      events.warning(gi, "ImportFailed", "DataVolume " + name + " failed");
      return Step.of(
          State.degraded(Phase.Failed, "ImportFailed", "DataVolume " + name + " failed"));
    }
    if (!dv.succeeded()) {
      return Step.of(State.progressing(Phase.Importing, "Importing", "importing: " + progress(dv)));
    }
    finish(gi, status, ctx, 0, 0, 0);
    events.normal(gi, "Ready", "base image imported into PVC " + name);
    return Step.of(State.ready(Phase.Ready, "Ready", "imported into PVC " + name));
  }

  private Step reconcileDerived(
      GoldenImage gi, GoldenImage.Status status, Context<GoldenImage> ctx) {
    if (status.phase == Phase.Ready || status.phase == Phase.Failed) {
      return Step.of(terminal(status));
    }
    String ns = gi.getMetadata().getNamespace();
    String name = gi.getMetadata().getName();
    String parentName = gi.getSpec().parent;
    // Read the parent from the informer whose events wake the children, so that a parent turning
    // Ready between this read and the child entering the primary cache is never missed.
    @SuppressWarnings("unchecked")
    var related =
        (InformerEventSource<GoldenImage, GoldenImage>)
            ctx.eventSourceRetriever().getEventSourceFor(GoldenImage.class, RELATED);
    GoldenImage parent = related.get(new ResourceID(parentName, ns)).orElse(null);
    if (parent == null) {
      return new Step(
          State.degraded(
              Phase.Pending, "ParentNotFound", "parent image " + parentName + " not found"),
          Duration.ofSeconds(30));
    }
    InjectionJobs.Diff diff = Payloads.diff(gi, parent);
    status.filesAdded = diff.add().size();
    status.filesRemoved = diff.remove().size();
    status.bytesAdded = diff.bytesAdded();
    Phase parentPhase = parent.getStatus() == null ? null : parent.getStatus().phase;
    if (parentPhase == Phase.Failed) {
      events.warning(gi, "ParentFailed", "parent image " + parentName + " failed");
      return Step.of(
          State.degraded(Phase.Failed, "ParentFailed", "parent image " + parentName + " failed"));
    }
    if (parentPhase != Phase.Ready) {
      return new Step(
          State.progressing(Phase.Pending, "WaitingForParent", "waiting for " + parentName),
          Duration.ofSeconds(30));
    }
    int attempt = status.attempts == null ? 1 : status.attempts;
    status.attempts = attempt;
    if (status.retryAfter != null) {
      Instant at = Instant.parse(status.retryAfter);
      if (now().isBefore(at)) {
        Condition last = lastDegraded(status);
        return new Step(
            State.degraded(Phase.Pending, last.reason, last.message),
            Duration.between(now(), at).plusMillis(200));
      }
      status.retryAfter = null;
    }
    String stale = staleDependent(gi, ctx, attempt);
    if (stale != null) {
      return waitingForCleanup(stale);
    }
    DataVolume dv = Informers.get(ctx, DataVolume.class, ns, name).orElse(null);
    if (dv != null && attemptOf(dv) < attempt) {
      // The clone of a failed attempt is still being deleted; a fresh one follows.
      return new Step(
          State.progressing(
              Phase.Cloning, "Cleaning", "removing the clone of attempt " + (attempt - 1)),
          Duration.ofSeconds(2));
    }
    if (dv == null) {
      if (status.buildStartedAt == null) {
        status.buildStartedAt = now().toString();
      }
      if (create(ctx, DataVolumes.cloneFor(gi, parentName, attempt, storageDefaults()))) {
        // The clone opens an attempt; a 409 means an earlier reconcile already counted it.
        metrics.buildStarted(gi.getSpec().os);
      }
      events.normal(
          gi,
          "Cloning",
          "DataVolume " + name + " clones " + parentName + " (attempt " + attempt + ")");
      return Step.of(State.progressing(Phase.Cloning, "Cloning", "cloning " + parentName));
    }
    var dvAnnotations = dv.getMetadata().getAnnotations();
    if (dvAnnotations != null && dvAnnotations.get(CLONE_FALLBACK) != null) {
      // CDI fell back to a slower clone method (e.g. host-assisted copy): say why.
      status.cloneFallbackReason = dvAnnotations.get(CLONE_FALLBACK);
    }
    if (dv.failed()) {
      return failAttempt(gi, status, ctx, attempt, "CloneFailed", "DataVolume " + name + " failed");
    }
    if (!dv.succeeded()) {
      return Step.of(
          State.progressing(
              Phase.Cloning, "Cloning", "cloning " + parentName + ": " + progress(dv)));
    }
    if ((Payloads.needsConfigMap(diff)
            && Informers.get(ctx, ConfigMap.class, ns, InjectionJobs.payloadName(name)).isEmpty())
        || (Payloads.needsSecret(diff)
            && Informers.get(ctx, Secret.class, ns, InjectionJobs.payloadName(name)).isEmpty())) {
      return new Step(
          State.progressing(
              Phase.Cloning, "WaitingForPayload", "waiting for the file payload of " + name),
          Duration.ofSeconds(10));
    }
    String jobName = InjectionJobs.jobName(gi, attempt);
    Job job = Informers.get(ctx, Job.class, ns, jobName).orElse(null);
    if (job == null) {
      if (Informers.get(ctx, ConfigMap.class, ns, InjectionJobs.scriptName(gi)).isEmpty()) {
        create(ctx, jobs.script(gi, diff));
      }
      create(ctx, jobs.job(gi, diff, attempt));
      events.normal(
          gi,
          "Injecting",
          "Job "
              + jobName
              + " adds "
              + diff.add().size()
              + " and removes "
              + diff.remove().size()
              + " files");
      return Step.of(
          State.progressing(Phase.Injecting, "Injecting", "Job " + jobName + " running"));
    }
    if (jobFailed(job)) {
      return failAttempt(
          gi,
          status,
          ctx,
          attempt,
          "InjectionFailed",
          "Job " + jobName + " failed" + jobMessage(job));
    }
    if (!jobSucceeded(job)) {
      return Step.of(
          State.progressing(Phase.Injecting, "Injecting", "Job " + jobName + " running"));
    }
    finish(gi, status, ctx, diff.bytesAdded(), diff.add().size(), diff.remove().size());
    events.normal(
        gi,
        "Ready",
        String.format(
            "built from %s in %.1fs (attempt %d)", parentName, status.buildSeconds, attempt));
    return Step.of(State.ready(Phase.Ready, "Ready", "built from " + parentName));
  }

  /**
   * A build object of this image's name that belongs to an earlier image of the same name (deleted
   * and planned again before the garbage collector removed what it owned), or null. Using it would
   * take another build's clone, script, payload or Job for this one's.
   */
  private static String staleDependent(GoldenImage gi, Context<GoldenImage> ctx, int attempt) {
    String ns = gi.getMetadata().getNamespace();
    String name = gi.getMetadata().getName();
    String payload = InjectionJobs.payloadName(name);
    List<Optional<? extends HasMetadata>> dependents =
        List.of(
            Informers.get(ctx, DataVolume.class, ns, name),
            Informers.get(ctx, Job.class, ns, InjectionJobs.jobName(gi, attempt)),
            Informers.get(ctx, ConfigMap.class, ns, InjectionJobs.scriptName(gi)),
            Informers.get(ctx, ConfigMap.class, ns, payload),
            Informers.get(ctx, Secret.class, ns, payload));
    return dependents.stream()
        .flatMap(Optional::stream)
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

  private static Step waitingForCleanup(String stale) {
    return new Step(
        State.progressing(
            Phase.Pending,
            "WaitingForCleanup",
            stale + " of an earlier image of this name is still being deleted"),
        Duration.ofSeconds(2));
  }

  private record Condition(String reason, String message) {}

  private static Condition lastDegraded(GoldenImage.Status status) {
    var c = Conditions.get(status, Conditions.DEGRADED);
    return c == null
        ? new Condition("RetryBackoff", "waiting to retry")
        : new Condition(c.getReason(), c.getMessage());
  }

  /** A failed attempt: remove the partial clone; retry after back-off, or give up. */
  private Step failAttempt(
      GoldenImage gi,
      GoldenImage.Status status,
      Context<GoldenImage> ctx,
      int attempt,
      String reason,
      String message) {
    deleteClone(gi, ctx);
    metrics.buildFailed(gi.getSpec().os, reason);
    int max = config.build().maxAttempts();
    if (attempt >= max) {
      String msg = message + "; gave up after " + attempt + " attempts";
      events.warning(gi, reason, msg);
      return Step.of(State.degraded(Phase.Failed, reason, msg));
    }
    Duration backoff = config.build().retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 10));
    status.attempts = attempt + 1;
    status.buildStartedAt = null;
    status.retryAfter = now().plus(backoff).toString();
    String msg =
        message
            + " (attempt "
            + attempt
            + " of "
            + max
            + "); retrying in "
            + backoff.toSeconds()
            + "s";
    events.warning(gi, reason, msg);
    return new Step(State.degraded(Phase.Pending, reason, msg), backoff.plusMillis(200));
  }

  /** Deletes the image's DataVolume and its PVC (the mock and some clusters do not cascade). */
  private static void deleteClone(GoldenImage gi, Context<GoldenImage> ctx) {
    String ns = gi.getMetadata().getNamespace();
    String name = gi.getMetadata().getName();
    try {
      ctx.getClient().resources(DataVolume.class).inNamespace(ns).withName(name).delete();
      ctx.getClient()
          .resources(PersistentVolumeClaim.class)
          .inNamespace(ns)
          .withName(name)
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private void finish(
      GoldenImage gi,
      GoldenImage.Status status,
      Context<GoldenImage> ctx,
      long bytesAdded,
      int added,
      int removed) {
    Instant started = status.buildStartedAt == null ? now() : Instant.parse(status.buildStartedAt);
    status.buildSeconds = Math.max(0, Duration.between(started, now()).toMillis() / 1000.0);
    status.pvc = gi.getMetadata().getName();
    status.size = DataVolumes.size(gi.getSpec().storage);
    status.retryAfter = null;
    if (status.hits == null) {
      status.hits = 0;
    }
    // Becoming Ready is the image's first use: its eviction priority starts from today's clock.
    status.cachePriority =
        CacheClock.priority(
            CacheClock.read(ctx.getClient(), gi.getMetadata().getNamespace(), gi.getSpec().os),
            status);
    if (gi.getSpec().parent != null) {
      planner.measured(bytesAdded, added, removed, status.buildSeconds);
      metrics.buildSucceeded(gi.getSpec().os, status.buildSeconds, bytesAdded, added);
    }
  }

  private static State terminal(GoldenImage.Status status) {
    if (status.phase == Phase.Ready) {
      var c = Conditions.get(status, Conditions.READY);
      return State.ready(Phase.Ready, "Ready", c == null ? "ready" : c.getMessage());
    }
    var c = Conditions.get(status, Conditions.DEGRADED);
    return State.degraded(
        Phase.Failed, c == null ? "Failed" : c.getReason(), c == null ? "failed" : c.getMessage());
  }

  @Override
  public DeleteControl cleanup(GoldenImage gi, Context<GoldenImage> ctx) {
    String key = gi.getMetadata().getNamespace() + "/" + gi.getMetadata().getName();
    List<String> building =
        ctx.getPrimaryCache().byIndex(BY_PARENT, key).stream()
            .filter(
                c ->
                    c.getStatus() == null
                        || (c.getStatus().phase != Phase.Ready
                            && c.getStatus().phase != Phase.Failed))
            .map(c -> c.getMetadata().getName())
            .toList();
    if (!building.isEmpty()) {
      events.normal(gi, "DeletionWaiting", "waiting for images built from it: " + building);
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
    }
    refreshCatalogSize(ctx, gi, null);
    return DeleteControl.defaultDelete();
  }

  private static int attemptOf(HasMetadata r) {
    var a = r.getMetadata().getAnnotations();
    try {
      return a == null || a.get(Labels.ATTEMPT) == null
          ? 1
          : Integer.parseInt(a.get(Labels.ATTEMPT));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  static boolean jobSucceeded(Job job) {
    return hasCondition(job, "Complete")
        || (job.getStatus() != null
            && job.getStatus().getSucceeded() != null
            && job.getStatus().getSucceeded() > 0);
  }

  static boolean jobFailed(Job job) {
    return hasCondition(job, "Failed");
  }

  private static boolean hasCondition(Job job, String type) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String jobMessage(Job job) {
    return job.getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType()))
        .map(
            c ->
                ": "
                    + Objects.toString(c.getReason(), "")
                    + " "
                    + Objects.toString(c.getMessage(), ""))
        .findFirst()
        .orElse("")
        .stripTrailing();
  }

  private static String progress(DataVolume dv) {
    return dv.getStatus() == null || dv.getStatus().progress == null
        ? "N/A"
        : dv.getStatus().progress;
  }

  /** Creates a dependent; false when it was already there. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean create(Context<GoldenImage> ctx, HasMetadata resource) {
    try {
      ctx.resourceOperations().create((HasMetadata) resource);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Already there: an earlier reconcile (maybe before a restart) created it.
      return false;
    }
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static GoldenImage.Status copy(GoldenImage.Status s) {
    if (s == null) {
      return new GoldenImage.Status();
    }
    return JSON.convertValue(s, GoldenImage.Status.class);
  }

  static boolean sameJson(Object a, Object b) {
    return a != null && JSON.valueToTree(a).equals(JSON.valueToTree(b));
  }

  /** graft.storage.*, for the DataVolumes of builds. */
  private StorageDefaults storageDefaults() {
    var s = config.storage();
    return StorageDefaults.of(s.className(), s.volumeMode(), s.accessModes());
  }
}
