package dev.graft.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.config.GraftConfig;
import dev.graft.controller.Conditions.State;
import dev.graft.kubevirt.StorageDefaults;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.kubevirt.VirtualMachines;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Reconciles a GraftedVirtualMachine: observe (resolve its files into a manifest from the informer
 * caches), validate (bad input is a Ready=False condition naming the field, with an event), then
 * reconcile: an existing image is used (a cache hit when it is already Ready); a missing one is
 * planned together with every other pending request against the catalog, and the GoldenImages the
 * plan needs are created; once the image is Ready the KubeVirt VirtualMachine clones it.
 */
@ControllerConfiguration(
    name = "graftedvirtualmachine",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
@GradualRetry(
    maxAttempts = Retries.UNLIMITED,
    initialInterval = Retries.INITIAL_MILLIS,
    intervalMultiplier = Retries.MULTIPLIER,
    maxInterval = Retries.MAX_MILLIS)
public class GraftedVirtualMachineReconciler implements Reconciler<GraftedVirtualMachine> {
  static final String BY_FILESET = "byFileSet";
  private static final ObjectMapper JSON = new ObjectMapper();
  // Each conflict means another writer got through: bounds the replicas that can race for one
  // image at one instant.
  private static final int MAX_HIT_CONFLICTS = 20;

  private final GraftConfig config;
  private final CatalogPlanner planner;
  private final EventRecorder events;
  private final FileResolver resolver;
  private final GraftMetrics metrics;

  public GraftedVirtualMachineReconciler(
      GraftConfig config, CatalogPlanner planner, EventRecorder events, GraftMetrics metrics) {
    this.config = config;
    this.planner = planner;
    this.events = events;
    this.metrics = metrics;
    this.resolver =
        new FileResolver(config.files().maxFileBytes(), config.files().secretSelector());
  }

  @Override
  public List<EventSource<?, GraftedVirtualMachine>> prepareEventSources(
      EventSourceContext<GraftedVirtualMachine> context) {
    IndexerResourceCache<GraftedVirtualMachine> gvms = context.getPrimaryCache();
    gvms.addIndexer(
        BY_FILESET,
        gvm ->
            gvm.getSpec() == null || gvm.getSpec().fileSets == null
                ? List.of()
                : gvm.getSpec().fileSets.stream()
                    .map(fs -> gvm.getMetadata().getNamespace() + "/" + fs)
                    .toList());
    var fileSets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(
                    dev.graft.api.FileSet.class, GraftedVirtualMachine.class)
                .withSecondaryToPrimaryMapper(
                    (dev.graft.api.FileSet fs) ->
                        ids(
                            gvms.byIndex(
                                BY_FILESET,
                                fs.getMetadata().getNamespace()
                                    + "/"
                                    + fs.getMetadata().getName())))
                .build(),
            context);
    FileResolver.Lookup lookupForMapping = lookup(fileSets, null, null);
    var configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, GraftedVirtualMachine.class)
                .withSecondaryToPrimaryMapper(
                    (ConfigMap cm) -> referencing(gvms, lookupForMapping, cm, false))
                .build(),
            context);
    var secrets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, GraftedVirtualMachine.class)
                // Only the Secrets meant for Graft are ever read or cached.
                .withLabelSelector(config.files().secretSelector())
                .withSecondaryToPrimaryMapper(
                    (Secret s) -> referencing(gvms, lookupForMapping, s, true))
                .build(),
            context);
    var images =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(GoldenImage.class, GraftedVirtualMachine.class)
                // An image's events concern the requests that use it or wait for it, and those
                // not yet matched to an image (a new base or plan may serve them); waking every
                // request that is not Ready made N requests cost O(N) reconciles each.
                .withSecondaryToPrimaryMapper(
                    (GoldenImage gi) ->
                        gvms.list(
                                gvm ->
                                    gvm.getStatus() == null
                                        || gvm.getStatus().image == null
                                        || gi.getMetadata().getName().equals(gvm.getStatus().image))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    var vms =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(VirtualMachine.class, GraftedVirtualMachine.class)
                .withLabelSelector(Labels.GVM)
                .withSecondaryToPrimaryMapper(
                    (VirtualMachine vm) ->
                        Set.of(
                            new ResourceID(
                                vm.getMetadata().getLabels().get(Labels.GVM),
                                vm.getMetadata().getNamespace())))
                .build(),
            context);
    return List.of(fileSets, configMaps, secrets, images, vms);
  }

  private static Set<ResourceID> ids(List<GraftedVirtualMachine> list) {
    return list.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static Set<ResourceID> referencing(
      IndexerResourceCache<GraftedVirtualMachine> gvms,
      FileResolver.Lookup lookup,
      HasMetadata ref,
      boolean secret) {
    String ns = ref.getMetadata().getNamespace();
    String name = ref.getMetadata().getName();
    return gvms.list(ns)
        .filter(gvm -> FileResolver.references(gvm, lookup, secret).contains(name))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static FileResolver.Lookup lookup(
      InformerEventSource<dev.graft.api.FileSet, ?> fileSets,
      InformerEventSource<ConfigMap, ?> configMaps,
      InformerEventSource<Secret, ?> secrets) {
    return new FileResolver.Lookup() {
      @Override
      public dev.graft.api.FileSet fileSet(String ns, String name) {
        return fileSets.get(new ResourceID(name, ns)).orElse(null);
      }

      @Override
      public ConfigMap configMap(String ns, String name) {
        return configMaps.get(new ResourceID(name, ns)).orElse(null);
      }

      @Override
      public Secret secret(String ns, String name) {
        return secrets.get(new ResourceID(name, ns)).orElse(null);
      }
    };
  }

  private static FileResolver.Lookup lookup(Context<GraftedVirtualMachine> ctx) {
    return lookup(
        Informers.source(ctx, dev.graft.api.FileSet.class),
        Informers.source(ctx, ConfigMap.class),
        Informers.source(ctx, Secret.class));
  }

  /** The namespace of the catalog for requests from a namespace. */
  String catalogNamespace(String requestNamespace) {
    return config.catalogNamespace().filter(s -> !s.isBlank()).orElse(requestNamespace);
  }

  @Override
  public UpdateControl<GraftedVirtualMachine> reconcile(
      GraftedVirtualMachine gvm, Context<GraftedVirtualMachine> ctx) {
    GraftedVirtualMachine.Status before = gvm.getStatus();
    GraftedVirtualMachine.Status status = copy(before);
    Duration[] recheck = {null};
    State state = reconcile(gvm, status, ctx, recheck);
    // One event per new phase or new reason (a missing Secret that appears without its key is a
    // new problem), never one per reconcile.
    if (Conditions.changes(before, state)) {
      if (state.degraded()) {
        events.warning(gvm, state.reason(), state.message());
      } else {
        events.normal(gvm, state.reason(), state.message());
      }
    }
    Conditions.apply(status, state, gvm.getMetadata().getGeneration());
    UpdateControl<GraftedVirtualMachine> control;
    if (GoldenImageReconciler.sameJson(before, status)) {
      control = UpdateControl.noUpdate();
    } else {
      gvm.setStatus(status);
      control = UpdateControl.patchStatus(gvm);
    }
    if (recheck[0] != null) {
      control.rescheduleAfter(recheck[0]);
    }
    return control;
  }

  private State reconcile(
      GraftedVirtualMachine gvm,
      GraftedVirtualMachine.Status status,
      Context<GraftedVirtualMachine> ctx,
      Duration[] recheck) {
    // Observe and validate.
    String catalogNs = catalogNamespace(gvm.getMetadata().getNamespace());
    InformerEventSource<GoldenImage, GraftedVirtualMachine> images =
        Informers.source(ctx, GoldenImage.class);
    Manifest manifest;
    try {
      manifest = validated(gvm, lookup(ctx), images, catalogNs);
    } catch (ResolutionException e) {
      return State.degraded(Phase.Failed, e.reason(), e.getMessage());
    }
    status.manifestDigest = manifest.digest();
    status.files = manifest.entries().size();
    status.bytes = manifest.bytes();
    String imageName = manifest.imageName();

    // Reconcile: find or plan the image.
    GoldenImage image = images.get(new ResourceID(imageName, catalogNs)).orElse(null);
    if (image != null && image.getMetadata().getDeletionTimestamp() != null) {
      // Nothing is created for an image that goes (its payload would outlive it); its deletion
      // event brings this request back to plan the image again.
      return State.progressing(
          Phase.Planning,
          "ImageDeleting",
          "image " + imageName + " is being deleted; planning again once it is gone");
    }
    if (image == null) {
      if (!hasBase(images, catalogNs, manifest.os())) {
        status.image = null;
        return State.degraded(
            Phase.Pending,
            "NoBaseImage",
            "spec.os: no BaseImage provides os \""
                + manifest.os()
                + "\" in namespace "
                + catalogNs);
      }
      // Requests that arrive together are planned together: a new request waits out the batch
      // window, so that its neighbours are in the cache when the first of them plans.
      Duration wait = remainingBatchWindow(gvm);
      if (!wait.isZero()) {
        recheck[0] = wait;
        // The message names the window, not the time left: a status that changed on every
        // reconcile cost a status patch each time.
        return State.progressing(
            Phase.Planning,
            "Batching",
            "waiting up to "
                + config.planner().batchWindow().toMillis()
                + "ms for requests to batch");
      }
      image = plan(gvm, manifest, catalogNs, ctx);
      if (image == null) {
        status.image = null; // so that every image event wakes it (see the image mapper)
        return State.progressing(Phase.Planning, "Planning", "planning " + imageName);
      }
    }
    boolean imageReady = image.getStatus() != null && image.getStatus().phase == Phase.Ready;
    boolean firstUse = !imageName.equals(status.image) || !catalogNs.equals(status.imageNamespace);
    status.image = imageName;
    status.imageNamespace = catalogNs;
    if (firstUse) {
      // A cache hit: the image was Ready before this request needed it, and not planned for it.
      status.cacheHit =
          imageReady
              && (image.getSpec().requestedBy == null
                  || !image.getSpec().requestedBy.contains(key(gvm)));
      status.plan = summary(image, images, status.cacheHit);
    }
    // status still holds the previous observedGeneration: it differs on a generation's first pass.
    boolean newGeneration =
        !Objects.equals(status.observedGeneration, gvm.getMetadata().getGeneration());
    if (firstUse || newGeneration) {
      countLookup(manifest.os(), firstUse ? Boolean.TRUE.equals(status.cacheHit) : imageReady);
    }
    if (image.getStatus() != null && image.getStatus().phase == Phase.Failed) {
      var c = Conditions.get(image.getStatus(), Conditions.DEGRADED);
      return State.degraded(
          Phase.Failed,
          "ImageFailed",
          "image " + imageName + " failed" + (c == null ? "" : ": " + c.getMessage()));
    }
    if (!imageReady) {
      ensurePayload(image, manifest, images, ctx);
      Phase p = image.getStatus() == null ? Phase.Pending : image.getStatus().phase;
      return State.progressing(
          Phase.Building, "Building", "image " + imageName + " is " + (p == null ? "Pending" : p));
    }

    // The image is Ready: the VirtualMachine clones it.
    VirtualMachine desired =
        VirtualMachines.desired(
            gvm,
            image,
            StorageDefaults.of(
                config.storage().className(),
                config.storage().volumeMode(),
                config.storage().accessModes()));
    VirtualMachine existing =
        Informers.get(
                ctx,
                VirtualMachine.class,
                gvm.getMetadata().getNamespace(),
                gvm.getMetadata().getName())
            .orElse(null);
    if (existing == null) {
      create(ctx, desired);
      events.normal(
          gvm,
          "VirtualMachineCreated",
          "VirtualMachine cloning image " + catalogNs + "/" + imageName);
      recordUse(ctx, image, Boolean.TRUE.equals(status.cacheHit) && firstUse);
    } else if (!owned(existing, gvm)) {
      return State.degraded(
          Phase.Failed,
          "VirtualMachineConflict",
          "VirtualMachine "
              + existing.getMetadata().getName()
              + " exists and is not managed by this resource");
    } else if (!imageName.equals(imageOf(existing))) {
      existing.setSpec(desired.getSpec());
      existing.getMetadata().getAnnotations().putAll(desired.getMetadata().getAnnotations());
      ctx.resourceOperations().update(existing);
      events.normal(
          gvm,
          "VirtualMachineUpdated",
          "VirtualMachine now clones image "
              + imageName
              + " (the root disk changes on re-creation)");
      recordUse(ctx, image, Boolean.TRUE.equals(status.cacheHit) && firstUse);
    }
    status.vmName = gvm.getMetadata().getName();
    return State.ready(
        Phase.Ready,
        Boolean.TRUE.equals(status.cacheHit) ? "CacheHit" : "Ready",
        "VirtualMachine " + status.vmName + " clones image " + imageName);
  }

  /**
   * One cache lookup per generation and per image change (a ConfigMap edit changes the image
   * without a new generation), never one per reconcile.
   */
  private void countLookup(String os, boolean hit) {
    if (hit) {
      metrics.cacheHit(os);
    } else {
      metrics.cacheMiss(os);
    }
  }

  @Override
  public ErrorStatusUpdateControl<GraftedVirtualMachine> updateErrorStatus(
      GraftedVirtualMachine gvm, Context<GraftedVirtualMachine> ctx, Exception e) {
    // Every failed reconcile passes here before the SDK retries it: the one place to count them.
    metrics.reconcileError(gvm.getKind());
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  private static String key(GraftedVirtualMachine gvm) {
    return gvm.getMetadata().getNamespace() + "/" + gvm.getMetadata().getName();
  }

  private Duration remainingBatchWindow(GraftedVirtualMachine gvm) {
    Duration window = config.planner().batchWindow();
    String created = gvm.getMetadata().getCreationTimestamp();
    if (window.isZero() || created == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(Instant.now(), Instant.parse(created).plus(window));
    return left.isNegative() || left.isZero() ? Duration.ZERO : left;
  }

  private static String imageOf(VirtualMachine vm) {
    var a = vm.getMetadata().getAnnotations();
    String ref = a == null ? null : a.get(Labels.IMAGE_REF);
    return ref == null ? null : ref.substring(ref.indexOf('/') + 1);
  }

  private static boolean owned(VirtualMachine vm, GraftedVirtualMachine gvm) {
    return vm.getMetadata().getOwnerReferences() != null
        && vm.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> o.getUid() != null && o.getUid().equals(gvm.getMetadata().getUid()));
  }

  private static boolean hasBase(
      InformerEventSource<GoldenImage, GraftedVirtualMachine> images, String ns, String os) {
    return base(images, ns, os) != null;
  }

  private static GoldenImage base(
      InformerEventSource<GoldenImage, GraftedVirtualMachine> images, String ns, String os) {
    return images
        .list(
            ns,
            gi -> gi.getSpec() != null && os.equals(gi.getSpec().os) && gi.getSpec().parent == null)
        .filter(CatalogPlanner::usable)
        .findFirst()
        .orElse(null);
  }

  /**
   * A request's files and VM template, both checked before anything is planned for it; the root
   * disk is checked against its image, or the base its image would be built from (every image of an
   * os has its base's storage).
   */
  private Manifest validated(
      GraftedVirtualMachine gvm,
      FileResolver.Lookup lookup,
      InformerEventSource<GoldenImage, GraftedVirtualMachine> images,
      String catalogNs)
      throws ResolutionException {
    Manifest m = resolver.resolve(gvm, lookup);
    GoldenImage source =
        images
            .get(new ResourceID(m.imageName(), catalogNs))
            .orElseGet(() -> base(images, catalogNs, m.os()));
    TemplateCheck.check(gvm.getSpec().template, source);
    return m;
  }

  /**
   * Plans this request together with every other pending request of the same catalog, and creates
   * the GoldenImages (and their payloads) the plan needs. Serialized, so two reconciles never plan
   * the same requests against different catalogs; deterministic names make a repeat harmless.
   */
  private GoldenImage plan(
      GraftedVirtualMachine gvm,
      Manifest manifest,
      String catalogNs,
      Context<GraftedVirtualMachine> ctx) {
    InformerEventSource<GoldenImage, GraftedVirtualMachine> images =
        Informers.source(ctx, GoldenImage.class);
    synchronized (planner) {
      var again = images.get(new ResourceID(manifest.imageName(), catalogNs));
      if (again.isPresent()) {
        return again.get();
      }
      FileResolver.Lookup lookup = lookup(ctx);
      Map<String, Manifest> pending = new LinkedHashMap<>();
      pending.put(manifest.imageName(), manifest);
      Map<String, List<String>> requesters = new HashMap<>();
      requesters.computeIfAbsent(manifest.imageName(), k -> new ArrayList<>()).add(key(gvm));
      ctx.getPrimaryCache()
          .list(
              other ->
                  other.getMetadata().getDeletionTimestamp() == null
                      && catalogNs.equals(catalogNamespace(other.getMetadata().getNamespace())))
          .sorted(
              (a, b) ->
                  ResourceID.fromResource(a)
                      .toString()
                      .compareTo(ResourceID.fromResource(b).toString()))
          .forEach(
              other -> {
                try {
                  Manifest m = validated(other, lookup, images, catalogNs);
                  if (images.get(new ResourceID(m.imageName(), catalogNs)).isEmpty()
                      && hasBase(images, catalogNs, m.os())) {
                    pending.putIfAbsent(m.imageName(), m);
                    requesters
                        .computeIfAbsent(m.imageName(), k -> new ArrayList<>())
                        .add(key(other));
                  }
                } catch (ResolutionException e) {
                  // Reported by that resource's own reconcile.
                }
              });
      List<GoldenImage> catalog = images.list(catalogNs).toList();
      List<CatalogPlanner.Order> orders = planner.plan(pending.values(), catalog);
      Map<String, GoldenImage> byName = new HashMap<>();
      catalog.forEach(gi -> byName.put(gi.getMetadata().getName(), gi));
      GoldenImage mine = null;
      for (CatalogPlanner.Order order : orders) {
        GoldenImage parent = byName.get(order.parent());
        GoldenImage gi = newImage(order, parent, catalogNs);
        gi.getSpec().requestedBy =
            requesters.getOrDefault(order.image(), List.of()).stream().distinct().sorted().toList();
        GoldenImage created = create(ctx, gi);
        byName.put(order.image(), created);
        for (HasMetadata payload :
            Payloads.desired(created, Payloads.diff(created, parent), order.manifest().content())) {
          create(ctx, payload);
        }
        events.normal(
            gvm,
            "Planned",
            String.format(
                "image %s from %s: +%d -%d files, cost %.2f (%s)",
                order.image(),
                order.parent(),
                order.add().size(),
                order.remove().size(),
                order.cost(),
                order.strategy()));
        if (order.image().equals(manifest.imageName())) {
          mine = created;
        }
      }
      return mine;
    }
  }

  private static GoldenImage newImage(CatalogPlanner.Order order, GoldenImage parent, String ns) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(order.image());
    gi.getMetadata().setNamespace(ns);
    gi.getMetadata()
        .setLabels(
            Map.of(Labels.MANAGED_BY, Labels.MANAGER, "graft.dev/os", order.manifest().os()));
    GoldenImage.Spec spec = new GoldenImage.Spec();
    spec.os = order.manifest().os();
    spec.manifestDigest = order.manifest().digest();
    spec.files = new ArrayList<>(order.manifest().entries());
    spec.parent = order.parent();
    spec.storage = parent == null ? null : parent.getSpec().storage;
    spec.predictedCost = Math.round(order.cost() * 1000) / 1000.0;
    spec.strategy = order.strategy();
    gi.setSpec(spec);
    return gi;
  }

  /**
   * Re-creates a missing payload (e.g. after a crash between creating an image and its payload).
   */
  private void ensurePayload(
      GoldenImage image,
      Manifest manifest,
      InformerEventSource<GoldenImage, GraftedVirtualMachine> images,
      Context<GraftedVirtualMachine> ctx) {
    if (image.getSpec().parent == null || image.getMetadata().getUid() == null) {
      return;
    }
    GoldenImage parent =
        images
            .get(new ResourceID(image.getSpec().parent, image.getMetadata().getNamespace()))
            .orElse(null);
    if (parent == null) {
      return;
    }
    for (HasMetadata payload :
        Payloads.desired(image, Payloads.diff(image, parent), manifest.content())) {
      var present =
          payload instanceof ConfigMap
              ? Informers.get(
                  ctx,
                  ConfigMap.class,
                  payload.getMetadata().getNamespace(),
                  payload.getMetadata().getName())
              : Informers.get(
                  ctx,
                  Secret.class,
                  payload.getMetadata().getNamespace(),
                  payload.getMetadata().getName());
      if (present.isEmpty()) {
        create(ctx, payload);
      }
    }
  }

  private static GraftedVirtualMachine.PlanSummary summary(
      GoldenImage image,
      InformerEventSource<GoldenImage, GraftedVirtualMachine> images,
      boolean hit) {
    GraftedVirtualMachine.PlanSummary s = new GraftedVirtualMachine.PlanSummary();
    if (hit) {
      s.source = image.getMetadata().getName();
      s.filesAdded = 0;
      s.filesRemoved = 0;
      s.bytesAdded = 0L;
      s.cost = 0.0;
      s.strategy = "exact";
      return s;
    }
    s.source = image.getSpec().parent;
    s.strategy = image.getSpec().strategy;
    s.cost = image.getSpec().predictedCost == null ? 0.0 : image.getSpec().predictedCost;
    GoldenImage parent =
        image.getSpec().parent == null
            ? null
            : images
                .get(new ResourceID(image.getSpec().parent, image.getMetadata().getNamespace()))
                .orElse(null);
    InjectionJobs.Diff diff = Payloads.diff(image, parent);
    s.filesAdded = diff.add().size();
    s.filesRemoved = diff.remove().size();
    s.bytesAdded = diff.bytesAdded();
    return s;
  }

  /** Hits, last use and eviction priority on the image, patched on its status subresource. */
  private static void recordUse(
      Context<GraftedVirtualMachine> ctx, GoldenImage image, boolean hit) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var resource =
        ctx.getClient()
            .resources(GoldenImage.class)
            .inNamespace(image.getMetadata().getNamespace())
            .withName(image.getMetadata().getName());
    try {
      double clock =
          CacheClock.read(ctx.getClient(), image.getMetadata().getNamespace(), image.getSpec().os);
      if (hit) {
        countHit(resource, now, clock);
      } else {
        // Only the time and the priority it gives: a merge patch cannot conflict, and with the
        // cached image as the item the client sends it without reading the image first.
        double priority = CacheClock.priority(clock, image.getStatus());
        ctx.getClient()
            .resource(image)
            .subresource("status")
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"lastUsed\":\"" + now + "\",\"cachePriority\":" + priority + "}}");
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * Replicas that hit one image at the same moment conflict on its status: retried here, because
   * the reconcile's own retry finds the VM created and would never count this hit again.
   */
  private static void countHit(Resource<GoldenImage> resource, String now, double clock) {
    for (int attempt = 1; ; attempt++) {
      try {
        resource.editStatus(
            gi -> {
              if (gi.getStatus() == null) {
                gi.setStatus(new GoldenImage.Status());
              }
              gi.getStatus().hits = (gi.getStatus().hits == null ? 0 : gi.getStatus().hits) + 1;
              gi.getStatus().lastUsed = now;
              gi.getStatus().cachePriority = CacheClock.priority(clock, gi.getStatus());
              return gi;
            });
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == MAX_HIT_CONFLICTS) {
          throw e;
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> R create(Context<GraftedVirtualMachine> ctx, R resource) {
    try {
      return ctx.resourceOperations().create(resource);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return (R)
          ctx.getClient()
              .resources(resource.getClass())
              .inNamespace(resource.getMetadata().getNamespace())
              .withName(resource.getMetadata().getName())
              .get();
    }
  }

  private static GraftedVirtualMachine.Status copy(GraftedVirtualMachine.Status s) {
    return s == null
        ? new GraftedVirtualMachine.Status()
        : JSON.convertValue(s, GraftedVirtualMachine.Status.class);
  }
}
