package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.InjectionJobs;
import dev.graft.build.Manifest;
import dev.graft.build.ManifestCache;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.PlanningService;
import dev.graft.catalog.RequestCache;
import dev.graft.catalog.UsageLedger;
import dev.graft.config.GraftConfig;
import dev.graft.controller.flow.Plumbing;
import dev.graft.controller.gvm.RequestDecision;
import dev.graft.controller.gvm.RequestView;
import dev.graft.k8s.Informers;
import dev.graft.kubevirt.StorageDefaults;
import dev.graft.kubevirt.VirtualMachine;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reconciles a GraftedVirtualMachine as observe → decide → act. Observe resolves its files into a
 * manifest from the informer caches (cached while nothing it read changed) and reads its image, the
 * os's base and its VirtualMachine; a request whose image is missing is planned, together with
 * every other pending request of the catalog, by the {@link PlanningService}; {@link
 * RequestDecision} decides; the actions create the images the plan needs, their payloads and the
 * VirtualMachine. The GoldenImages' status is not written here: uses go to the {@link UsageLedger}.
 */
@ControllerConfiguration(
    name = "graftedvirtualmachine",
    retry = Retries.class,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
public class GraftedVirtualMachineReconciler implements Reconciler<GraftedVirtualMachine> {
  private final GraftConfig config;
  private final PlanningService planning;
  private final UsageLedger ledger;
  private final ManifestCache manifests;
  private final Plumbing plumbing;
  private final RequestSources sources;
  private final RequestCache requests;
  private final InjectionJobs jobs;
  private final PendingRequests pendingRequests;

  public GraftedVirtualMachineReconciler(
      GraftConfig config,
      PlanningService planning,
      UsageLedger ledger,
      Plumbing plumbing,
      RequestCache requests,
      InjectionJobs jobs) {
    this.config = config;
    this.jobs = jobs; // a planned build's script goes into its payload ConfigMap
    this.requests = requests;
    this.planning = planning;
    this.ledger = ledger;
    this.plumbing = plumbing;
    this.manifests =
        new ManifestCache(
            new FileResolver(config.files().maxFileBytes(), config.files().secretSelector()));
    this.pendingRequests = new PendingRequests(this::catalogNamespace, manifests);
    this.sources = new RequestSources(config, pendingRequests, planning.planner().feed());
  }

  @Override
  public List<EventSource<?, GraftedVirtualMachine>> prepareEventSources(
      EventSourceContext<GraftedVirtualMachine> context) {
    requests.readFrom(context.getPrimaryCache()); // eviction reads the requests here
    return sources.prepare(context);
  }

  /** The namespace of the catalog for requests from a namespace. */
  String catalogNamespace(String requestNamespace) {
    return config.catalogNamespaceFor(requestNamespace);
  }

  @Override
  public UpdateControl<GraftedVirtualMachine> reconcile(
      GraftedVirtualMachine gvm, Context<GraftedVirtualMachine> ctx) {
    RequestView view = observe(gvm, ctx);
    if (view.wantsPlan() && awaitCreation(view)) {
      view = observe(gvm, ctx);
    }
    RequestView.Plan plan = RequestView.Plan.none(jobs);
    if (view.wantsPlan()) {
      plan = plan(view, ctx);
      // Planned by a plan that ran meanwhile: wait for it, holding no claim of this reconcile.
      if (plan.orders().isEmpty() && awaitCreation(view)) {
        view = observe(gvm, ctx);
      }
    }
    RequestView seen = view;
    RequestView.Plan planned = plan;
    try {
      return plumbing.reconcile(
          gvm,
          ctx,
          GraftedVirtualMachine.Status.class,
          (r, status) -> RequestDecision.decide(seen, planned, status, ledger));
    } finally {
      // Images that failed to be created may be planned again (each created one ended its claim
      // as soon as it existed: the SDK has it in its cache).
      planning.release(seen.catalogNamespace(), planned.orders());
    }
  }

  @Override
  public ErrorStatusUpdateControl<GraftedVirtualMachine> updateErrorStatus(
      GraftedVirtualMachine gvm, Context<GraftedVirtualMachine> ctx, Exception e) {
    return plumbing.failed(gvm, ctx, e, GraftedVirtualMachine.Status.class);
  }

  /** Whether another reconcile was creating this request's image, and this one waited for it. */
  private boolean awaitCreation(RequestView view) {
    try {
      return planning.awaitCreation(
          view.catalogNamespace(), view.manifest().imageName(), Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while an image was being created", e);
    }
  }

  /** The request's catalog as this controller's caches show it. */
  private RequestCatalog catalog(String catalogNs, Context<GraftedVirtualMachine> ctx) {
    return new RequestCatalog(
        manifests,
        Informers.source(ctx, GoldenImage.class),
        Informers.source(ctx, BaseImage.class),
        // Watched only with a shared catalog, where ClusterBaseImages provide bases.
        config.sharedCatalog().isPresent() ? Informers.source(ctx, ClusterBaseImage.class) : null,
        RequestSources.lookup(ctx),
        catalogNs);
  }

  /** Observe: the request, its manifest and what the catalog has for it, from the caches. */
  private RequestView observe(GraftedVirtualMachine gvm, Context<GraftedVirtualMachine> ctx) {
    String catalogNs = catalogNamespace(gvm.getMetadata().getNamespace());
    RequestCatalog catalog = catalog(catalogNs, ctx);
    Manifest manifest = null;
    ResolutionException invalid = null;
    GoldenImage image = null;
    GoldenImage base = null;
    GoldenImage parent = null;
    try {
      RequestCatalog.Resolved r = catalog.resolve(gvm);
      manifest = r.manifest();
      base = r.base();
    } catch (ResolutionException e) {
      invalid = e;
    }
    if (manifest != null) {
      image = catalog.image(manifest).orElse(null);
      if (image != null && image.getSpec().parent != null) {
        parent = catalog.image(image.getSpec().parent);
      }
    }
    VirtualMachine vm =
        Informers.get(
                ctx,
                VirtualMachine.class,
                gvm.getMetadata().getNamespace(),
                gvm.getMetadata().getName())
            .orElse(null);
    return new RequestView(
        gvm,
        catalogNs,
        manifest,
        invalid,
        image,
        base,
        parent,
        vm,
        RequestView.batchWait(gvm, config.planner().batchWindow(), Instant.now()),
        config.planner().batchWindow(),
        StorageDefaults.of(
            config.storage().className(),
            config.storage().volumeMode(),
            config.storage().accessModes()),
        RequestSources.rootDisks(ctx, gvm.getMetadata().getNamespace(), vm));
  }

  /**
   * Plans this request together with every other pending request of the same catalog (a new base
   * generation makes every request that moves to it pending at once: one batch). The others are
   * kept resolved across plans ({@link PendingRequests}: only those whose inputs changed are
   * resolved again, from the caches), and the planner reads only the images that changed since its
   * last plan; only the planning itself is serialized, in the planning service.
   */
  private RequestView.Plan plan(RequestView view, Context<GraftedVirtualMachine> ctx) {
    String catalogNs = view.catalogNamespace();
    RequestCatalog catalog = catalog(catalogNs, ctx);
    Map<String, Manifest> pending = new LinkedHashMap<>();
    Map<String, List<String>> requesters = new HashMap<>();
    pending.put(view.manifest().imageName(), view.manifest());
    requesters.computeIfAbsent(view.manifest().imageName(), k -> new ArrayList<>()).add(view.key());
    for (PendingRequests.Pending other :
        pendingRequests.pending(catalogNs, ctx.getPrimaryCache(), catalog)) {
      pending.putIfAbsent(other.image(), other.manifest());
      requesters.computeIfAbsent(other.image(), k -> new ArrayList<>()).add(other.key());
    }
    List<CatalogPlanner.Order> orders =
        planning.plan(catalogNs, pending, requesters, catalog.source());
    Map<String, GoldenImage> byName = new HashMap<>(); // the orders' parents: all that is read
    orders.forEach(o -> byName.computeIfAbsent(o.parent(), catalog::image));
    return new RequestView.Plan(
        orders, requesters, byName, o -> planning.release(catalogNs, List.of(o)), jobs);
  }
}
