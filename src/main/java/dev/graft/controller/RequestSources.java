package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.api.FileSet;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.catalog.BaseGenerations;
import dev.graft.catalog.CatalogFeed;
import dev.graft.catalog.Tenancy;
import dev.graft.config.GraftConfig;
import dev.graft.controller.gvm.RootDisks;
import dev.graft.k8s.Informers;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumeReport;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.kubevirt.VirtualMachines;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a GraftedVirtualMachine watches, and how an event of each maps back to the requests it
 * concerns: its FileSets, the ConfigMaps and Secrets meant for Graft (label selectors), the
 * GoldenImages, its VirtualMachine and its root disk DataVolumes.
 */
final class RequestSources {
  static final String BY_FILESET = "byFileSet";

  /**
   * Index of requests by {@code catalog namespace/image} they use or wait for ({@link #UNMATCHED}:
   * none yet). With the namespace, an image of one catalog never wakes the requests of another
   * catalog that use an image of the same name (same files, same os).
   */
  static final String BY_IMAGE = "byImage";

  static final String UNMATCHED = "";

  /** Index of the catalog's base images by {@code namespace/os}. */
  static final String BASES = "bases";

  /** The request cache's hook for {@link PendingRequests#seen}: it indexes nothing. */
  private static final String SEEN = "pendingRequestsSeen";

  private final GraftConfig config;
  private final PendingRequests pending;
  private final CatalogFeed feed;

  /**
   * @param pending told of every change of a request's inputs
   * @param feed the planner's kept catalogs, told of every GoldenImage event
   */
  RequestSources(GraftConfig config, PendingRequests pending, CatalogFeed feed) {
    this.config = config;
    this.pending = pending;
    this.feed = feed;
  }

  List<EventSource<?, GraftedVirtualMachine>> prepare(
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
    // The SDK offers no handler on the primary informer; an index function is called on every add
    // and update, as the cache stores it, so a request that is new or changed is marked before any
    // plan can read it.
    gvms.addIndexer(
        SEEN,
        gvm -> {
          pending.seen(gvm);
          return List.of();
        });
    gvms.addIndexer(
        BY_IMAGE,
        gvm ->
            List.of(imageKey(gvm, config.catalogNamespaceFor(gvm.getMetadata().getNamespace()))));
    var fileSets =
        new InformerEventSource<>(
            Informers.from(FileSet.class, GraftedVirtualMachine.class)
                .withSecondaryToPrimaryMapper(
                    (FileSet fs) -> concern(ids(gvms.byIndex(BY_FILESET, key(fs)).stream())))
                .build(),
            context);
    FileResolver.Lookup forMapping = lookup(fileSets, null, null);
    var configMaps =
        new InformerEventSource<>(
            Informers.from(ConfigMap.class, GraftedVirtualMachine.class)
                // Graft's own build ConfigMaps are left out (GoldenImage controller's alone).
                .withLabelSelector(config.files().configmapSelector())
                .withSecondaryToPrimaryMapper(
                    (ConfigMap cm) -> concern(referencing(gvms, forMapping, cm, false)))
                .build(),
            context);
    var secrets =
        new InformerEventSource<>(
            Informers.from(Secret.class, GraftedVirtualMachine.class)
                // Only the Secrets meant for Graft are ever read or cached.
                .withLabelSelector(config.files().secretSelector())
                .withSecondaryToPrimaryMapper(
                    (Secret s) -> concern(referencing(gvms, forMapping, s, true)))
                .build(),
            context);
    var images =
        new ReportingEventSource<>(
            Informers.from(GoldenImage.class, GraftedVirtualMachine.class)
                // An image's events concern the requests that use it or wait for it, and those
                // not yet matched to an image (a new base or plan may serve them); waking every
                // request that is not Ready made N requests cost O(N) reconciles each.
                // From an index, not a scan of every request per image event (at 5,000 requests
                // the scan was a visible share of the operator's time); only a base image's
                // event, which may serve any request of its os, looks at all of them.
                .withSecondaryToPrimaryMapper(
                    (GoldenImage gi) ->
                        gi.getSpec() != null && gi.getSpec().parent == null
                            ? ids(
                                gvms.list(
                                    gvm ->
                                        gvm.getStatus() == null
                                            || gvm.getStatus().image == null
                                            || gi.getMetadata()
                                                .getName()
                                                .equals(gvm.getStatus().image)
                                            || newBaseFor(gi, gvm)))
                            : ids(
                                imageEventKeys(gi).stream()
                                    .flatMap(k -> gvms.byIndex(BY_IMAGE, k).stream())))
                .build(),
            context,
            catalogListener());
    images.addIndexers(
        Map.<String, java.util.function.Function<GoldenImage, List<String>>>of(
            BASES,
            gi ->
                BaseGenerations.isBase(gi)
                    ? List.of(gi.getMetadata().getNamespace() + "/" + gi.getSpec().os)
                    : List.of()));
    var vms =
        new InformerEventSource<>(
            Informers.from(VirtualMachine.class, GraftedVirtualMachine.class)
                .withLabelSelector(Labels.GVM)
                .withSecondaryToPrimaryMapper(
                    (VirtualMachine vm) ->
                        Set.of(
                            new ResourceID(
                                vm.getMetadata().getLabels().get(Labels.GVM),
                                vm.getMetadata().getNamespace())))
                .build(),
            context);
    // The VMs' root disks: an old one is deleted once nothing uses it; what CDI reports of the
    // current one (phase, conditions, restarts) explains a VM that is not running yet.
    var rootDisks =
        new InformerEventSource<>(
            Informers.from(DataVolume.class, GraftedVirtualMachine.class)
                .withLabelSelector(Labels.ROOT_DISK_OF)
                .withOnAddFilter(dv -> false)
                .withOnUpdateFilter((now, before) -> !DataVolumeReport.same(now, before))
                .withOnDeleteFilter((dv, unknown) -> false)
                .withSecondaryToPrimaryMapper(
                    (DataVolume dv) ->
                        Set.of(
                            new ResourceID(
                                dv.getMetadata().getLabels().get(Labels.ROOT_DISK_OF),
                                dv.getMetadata().getNamespace())))
                .build(),
            context);
    // A BaseImage's update policy decides which base generation its os's requests are built on.
    var baseImages =
        new InformerEventSource<>(
            Informers.from(BaseImage.class, GraftedVirtualMachine.class)
                // Only a spec change (the policy) concerns the requests; status patches do not.
                .withOnAddFilter(bi -> false)
                .withOnUpdateFilter(RequestSources::specChanged)
                .withSecondaryToPrimaryMapper(
                    (BaseImage bi) -> concern(ids(gvms.list(gvm -> sameOs(gvm, bi.getSpec())))))
                .build(),
            context);
    List<EventSource<?, GraftedVirtualMachine>> sources =
        new java.util.ArrayList<>(
            List.of(fileSets, configMaps, secrets, images, vms, rootDisks, baseImages));
    if (config.sharedCatalog().isPresent()) {
      // A ClusterBaseImage's policy (it provides its os in the shared catalog) likewise.
      sources.add(
          new InformerEventSource<>(
              Informers.from(ClusterBaseImage.class, GraftedVirtualMachine.class)
                  .withNamespaces(Set.of(Constants.WATCH_ALL_NAMESPACES))
                  .withOnAddFilter(c -> false)
                  .withOnUpdateFilter(RequestSources::specChanged)
                  .withSecondaryToPrimaryMapper(
                      (ClusterBaseImage c) ->
                          concern(ids(gvms.list(gvm -> sameOs(gvm, c.getSpec())))))
                  .build(),
              context));
    }
    return sources;
  }

  /**
   * Every GoldenImage event goes to the planner's kept catalog of its namespace and to the requests
   * whose image name depends on it, before the SDK maps it to reconciles.
   */
  private ReportingEventSource.Listener<GoldenImage> catalogListener() {
    return new ReportingEventSource.Listener<>() {
      @Override
      public void changed(GoldenImage now) {
        feed.changed(now.getMetadata().getNamespace(), now.getMetadata().getName());
        pending.imageChanged(now);
      }

      @Override
      public void deleted(GoldenImage gone) {
        changed(gone);
      }

      @Override
      public void restarted() {
        feed.relisted();
        pending.restarted();
      }
    };
  }

  /** The requests a mapper found: their inputs changed, so they are resolved again. */
  private Set<ResourceID> concern(Set<ResourceID> ids) {
    pending.concern(ids);
    return ids;
  }

  /**
   * A request's {@link #BY_IMAGE} key: the namespace of its image as its status records it, else
   * {@code catalogNamespace} (its catalog's), and its image, if any.
   */
  static String imageKey(GraftedVirtualMachine gvm, String catalogNamespace) {
    var status = gvm.getStatus();
    if (status != null && status.image != null && status.imageNamespace != null) {
      return status.imageNamespace + "/" + status.image;
    }
    return catalogNamespace
        + "/"
        + (status == null || status.image == null ? UNMATCHED : status.image);
  }

  /** The {@link #BY_IMAGE} keys of the requests an image's event concerns. */
  static List<String> imageEventKeys(GoldenImage gi) {
    String catalog = gi.getMetadata().getNamespace();
    return List.of(catalog + "/" + UNMATCHED, catalog + "/" + gi.getMetadata().getName());
  }

  private static boolean specChanged(HasMetadata now, HasMetadata before) {
    return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration());
  }

  private static boolean sameOs(GraftedVirtualMachine gvm, BaseImage.Spec base) {
    return gvm.getSpec() != null && base != null && Objects.equals(gvm.getSpec().os, base.os);
  }

  /** A base image (a generation of an os) concerns every request of its os: it may move them. */
  private static boolean newBaseFor(GoldenImage gi, GraftedVirtualMachine gvm) {
    return gi.getSpec() != null
        && gi.getSpec().parent == null
        && gvm.getSpec() != null
        && Objects.equals(gi.getSpec().os, gvm.getSpec().os);
  }

  /** Reads FileSets, ConfigMaps and Secrets from the controller's informer caches. */
  static FileResolver.Lookup lookup(Context<GraftedVirtualMachine> ctx) {
    return lookup(
        Informers.source(ctx, FileSet.class),
        Informers.source(ctx, ConfigMap.class),
        Informers.source(ctx, Secret.class));
  }

  /** The manifest under the name of its image in the catalog: full digests compared. */
  static Manifest named(
      Manifest m, InformerEventSource<GoldenImage, GraftedVirtualMachine> images, String ns) {
    return m.namedAmong(
        name ->
            images
                .get(new ResourceID(name, ns))
                .map(gi -> gi.getSpec() == null ? "" : gi.getSpec().manifestDigest)
                .orElse(null));
  }

  /**
   * The same for a request from {@code requestNs}: an image with its exact files that it may not
   * reuse ({@link Tenancy#mayReuse}: another namespace's, with bytes of removed files in its free
   * blocks) counts as taken, so the request gets its own image under a longer name.
   */
  static Manifest named(
      Manifest m,
      InformerEventSource<GoldenImage, GraftedVirtualMachine> images,
      String ns,
      String requestNs) {
    Tenancy.Request request =
        new Tenancy.Request(
            Tenancy.namespacesOf(List.of(requestNs + "/"), ns), Tenancy.secretFiles(m.entries()));
    java.util.function.Function<String, GoldenImage> byName =
        name -> images.get(new ResourceID(name, ns)).orElse(null);
    return m.namedAmong(
        name ->
            images
                .get(new ResourceID(name, ns))
                .map(
                    gi ->
                        gi.getSpec() == null
                            ? ""
                            : gi.getSpec().manifestDigest.equals(m.digest())
                                    && !Tenancy.mayReuse(gi, byName, request, ns)
                                ? "" // taken: not for this namespace
                                : gi.getSpec().manifestDigest)
                .orElse(null));
  }

  private static String key(HasMetadata r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  private static Set<ResourceID> ids(java.util.stream.Stream<GraftedVirtualMachine> gvms) {
    return gvms.map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static Set<ResourceID> referencing(
      IndexerResourceCache<GraftedVirtualMachine> gvms,
      FileResolver.Lookup lookup,
      HasMetadata ref,
      boolean secret) {
    String name = ref.getMetadata().getName();
    return ids(
        gvms.list(ref.getMetadata().getNamespace())
            .filter(gvm -> FileResolver.references(gvm, lookup, secret).contains(name)));
  }

  private static FileResolver.Lookup lookup(
      InformerEventSource<FileSet, ?> fileSets,
      InformerEventSource<ConfigMap, ?> configMaps,
      InformerEventSource<Secret, ?> secrets) {
    return new FileResolver.Lookup() {
      @Override
      public FileSet fileSet(String ns, String name) {
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

  /**
   * The VM's root disk DataVolumes from the cache and, only when one of them is not in its spec (an
   * old one), the DataVolumes the namespace's other VMs name.
   */
  static RootDisks rootDisks(Context<GraftedVirtualMachine> ctx, String ns, VirtualMachine vm) {
    if (vm == null) {
      return RootDisks.NONE;
    }
    String name = vm.getMetadata().getName();
    List<DataVolume> disks =
        Informers.source(ctx, DataVolume.class)
            .list(ns, dv -> name.equals(dv.getMetadata().getLabels().get(Labels.ROOT_DISK_OF)))
            .toList();
    Set<String> named = VirtualMachines.dataVolumeNames(vm.getSpec());
    if (disks.stream().allMatch(dv -> named.contains(dv.getMetadata().getName()))) {
      return new RootDisks(disks, Set.of());
    }
    Set<String> elsewhere = new HashSet<>();
    Informers.source(ctx, VirtualMachine.class)
        .list(ns, other -> !name.equals(other.getMetadata().getName()))
        .forEach(other -> elsewhere.addAll(VirtualMachines.dataVolumeNames(other.getSpec())));
    return new RootDisks(disks, elsewhere);
  }
}
