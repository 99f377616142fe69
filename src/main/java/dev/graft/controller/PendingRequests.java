package dev.graft.controller;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.Manifest;
import dev.graft.build.ManifestCache;
import dev.graft.build.ResolutionException;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The GraftedVirtualMachines of each catalog as last resolved for planning, kept across plans: a
 * plan resolves again only the requests whose inputs changed since, and reads the pending ones
 * (valid, a base to build from, no image yet). A request is resolved again when
 *
 * <ul>
 *   <li>it is new, its spec or the image it has changed, or it is being deleted (seen as the
 *       request cache indexes it);
 *   <li>a FileSet, ConfigMap or Secret it reads changed (the event sources' mappers name it);
 *   <li>a GoldenImage of a name its image's name depends on changed (its own, or a shorter one it
 *       had to skip);
 *   <li>a base image of its os in its catalog changed: a new base generation may move every request
 *       of the os, also those resolved "no base" or "image exists" before, and they must all be
 *       pending in the same plan (one batch). The bases of each os are compared at every plan from
 *       the image cache's index, not only from the (later) events, so a plan never sees a new base
 *       with requests still resolved on the old one;
 *   <li>its os's BaseImage or ClusterBaseImage spec changed (the update policy picks its
 *       generation), or an informer restarted (every request).
 * </ul>
 *
 * A pending request is checked at each plan against the caches: still there with the same spec, its
 * image still missing (also from this controller's own creations, which the image cache shows
 * before their events).
 */
final class PendingRequests {
  /** Requests that are gone from the cache are forgotten this often (one walk over the cache). */
  static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

  /** What resolving a request reads: its catalog's caches ({@link RequestCatalog}). */
  interface Catalog {
    RequestCatalog.Resolved resolve(GraftedVirtualMachine gvm) throws ResolutionException;

    /** The catalog's image of this name, or null. */
    GoldenImage image(String name);

    /** What a resolution reads of an os's bases (equal: requests of the os resolve the same). */
    String basesVersion(String os);
  }

  /** A pending request: its key (namespace/name), its image's name and its manifest. */
  record Pending(String key, String image, Manifest manifest) {}

  /** One request as last resolved: manifest null when it did not resolve. */
  private record Entry(
      String uid,
      Long generation,
      String catalogNs,
      String os,
      String key,
      String current,
      Manifest manifest,
      String image,
      List<String> names,
      boolean hasBase) {
    boolean pending() {
      return manifest != null && hasBase;
    }
  }

  private final Function<String, String> catalogOf;
  private final ManifestCache manifests;
  private final Map<ResourceID, Entry> entries = new ConcurrentHashMap<>();
  // Per catalog namespace: the requests to resolve again at its next plan (any thread).
  private final Map<String, Set<ResourceID>> dirty = new ConcurrentHashMap<>();
  // "namespace/name" of a GoldenImage → the requests whose image name depends on it.
  private final Map<String, Set<ResourceID>> byImage = new ConcurrentHashMap<>();
  // Guarded by this: per catalog, the pending requests, and the bases of each os last compared.
  private final Map<String, Set<ResourceID>> pendingOf = new HashMap<>();
  private final Map<String, Map<String, String>> basesSeen = new HashMap<>();
  private long sweptAt = System.nanoTime();
  private int resolved;

  /**
   * @param catalogOf the catalog namespace of a request's namespace
   * @param manifests the manifest cache, trimmed to the requests in the cache at each sweep
   */
  PendingRequests(Function<String, String> catalogOf, ManifestCache manifests) {
    this.catalogOf = catalogOf;
    this.manifests = manifests;
  }

  /** The request cache added or updated a request (called as it indexes it). */
  void seen(GraftedVirtualMachine gvm) {
    ResourceID id = ResourceID.fromResource(gvm);
    Entry e = entries.get(id);
    if (e == null
        || !Objects.equals(e.uid(), gvm.getMetadata().getUid())
        || !Objects.equals(e.generation(), gvm.getMetadata().getGeneration())
        || !Objects.equals(e.current(), current(gvm))
        || gvm.getMetadata().getDeletionTimestamp() != null) {
      mark(id);
    }
  }

  /** Requests whose inputs (files, base policy) changed. */
  void concern(Collection<ResourceID> ids) {
    ids.forEach(this::mark);
  }

  /**
   * A GoldenImage was added, changed or deleted: the requests whose image name depends on it. (A
   * base's changes are found by each plan, {@link RequestCatalog#basesVersion}.)
   */
  void imageChanged(GoldenImage gi) {
    Set<ResourceID> ids =
        byImage.get(gi.getMetadata().getNamespace() + "/" + gi.getMetadata().getName());
    if (ids != null) {
      ids.forEach(this::mark);
    }
  }

  /** An informer restarted: every request is resolved again. */
  void restarted() {
    entries.keySet().forEach(this::mark);
  }

  /** How many resolutions plans did (for tests). */
  synchronized int resolutions() {
    return resolved;
  }

  /**
   * The pending requests of a catalog, in key order: the requests marked since the last plan (and
   * every request of an os whose bases changed) resolved again first.
   */
  synchronized List<Pending> pending(
      String catalogNs, IndexedResourceCache<GraftedVirtualMachine> gvms, Catalog catalog) {
    sweep(gvms);
    Map<String, String> seen = basesSeen.computeIfAbsent(catalogNs, k -> new HashMap<>());
    for (Map.Entry<String, String> os : seen.entrySet()) {
      String now = catalog.basesVersion(os.getKey());
      if (!now.equals(os.getValue())) {
        os.setValue(now);
        entries.forEach(
            (id, e) -> {
              if (e.catalogNs().equals(catalogNs) && e.os().equals(os.getKey())) {
                mark(id);
              }
            });
      }
    }
    Set<ResourceID> marked = dirty.get(catalogNs);
    if (marked != null) {
      for (var it = marked.iterator(); it.hasNext(); ) {
        ResourceID id = it.next();
        it.remove(); // before resolving: a change after it marks the request again
        resolve(id, gvms.get(id).orElse(null), catalog, seen);
      }
    }
    Set<ResourceID> ids = pendingOf.getOrDefault(catalogNs, Set.of());
    List<Pending> out = new ArrayList<>();
    for (ResourceID id : List.copyOf(ids)) {
      GraftedVirtualMachine now = gvms.get(id).orElse(null);
      Entry e = entries.get(id);
      if (e == null || now == null || !current(e, now)) {
        e = resolve(id, now, catalog, seen);
      }
      if (e != null && e.pending() && catalog.image(e.image()) == null) {
        out.add(new Pending(e.key(), e.image(), e.manifest()));
      }
    }
    out.sort(Comparator.comparing(Pending::key));
    return out;
  }

  private static boolean current(Entry e, GraftedVirtualMachine gvm) {
    return gvm.getMetadata().getDeletionTimestamp() == null
        && Objects.equals(e.uid(), gvm.getMetadata().getUid())
        && Objects.equals(e.generation(), gvm.getMetadata().getGeneration())
        && Objects.equals(e.current(), current(gvm));
  }

  /** The image a request has: under the Manual update policy, it keeps its base generation. */
  private static String current(GraftedVirtualMachine gvm) {
    var s = gvm.getStatus();
    return s == null || s.image == null ? null : s.image + "@" + s.baseGeneration;
  }

  private void mark(ResourceID id) {
    String ns = id.getNamespace().orElse("");
    dirty.computeIfAbsent(catalogOf.apply(ns), k -> ConcurrentHashMap.newKeySet()).add(id);
  }

  /** Resolves one request from the caches (gone or being deleted: forgotten). */
  private Entry resolve(
      ResourceID id, GraftedVirtualMachine gvm, Catalog catalog, Map<String, String> basesSeen) {
    forget(id);
    if (gvm == null || gvm.getMetadata().getDeletionTimestamp() != null) {
      return null;
    }
    resolved++;
    String catalogNs = catalogOf.apply(gvm.getMetadata().getNamespace());
    String os = gvm.getSpec() == null || gvm.getSpec().os == null ? "" : gvm.getSpec().os;
    // The bases of its os are compared from now on (before resolving: a later change is seen).
    basesSeen.computeIfAbsent(os, catalog::basesVersion);
    Manifest m = null;
    boolean hasBase = false;
    try {
      RequestCatalog.Resolved r = catalog.resolve(gvm);
      m = r.manifest();
      hasBase = r.base() != null;
    } catch (ResolutionException invalid) {
      // Reported by the request's own reconcile; resolved again when its inputs change.
    }
    Entry e =
        new Entry(
            gvm.getMetadata().getUid(),
            gvm.getMetadata().getGeneration(),
            catalogNs,
            os,
            key(gvm),
            current(gvm),
            m,
            m == null ? null : m.imageName(),
            m == null ? List.of() : m.namesLookedAt(),
            hasBase);
    entries.put(id, e);
    for (String name : e.names()) {
      byImage.computeIfAbsent(catalogNs + "/" + name, k -> ConcurrentHashMap.newKeySet()).add(id);
    }
    if (e.pending()) {
      pendingOf.computeIfAbsent(catalogNs, k -> new HashSet<>()).add(id);
    }
    return e;
  }

  private void forget(ResourceID id) {
    Entry old = entries.remove(id);
    if (old == null) {
      return;
    }
    for (String name : old.names()) {
      Set<ResourceID> ids = byImage.get(old.catalogNs() + "/" + name);
      if (ids != null) {
        ids.remove(id);
        if (ids.isEmpty()) {
          byImage.remove(old.catalogNs() + "/" + name, ids);
        }
      }
    }
    Set<ResourceID> pending = pendingOf.get(old.catalogNs());
    if (pending != null) {
      pending.remove(id);
    }
  }

  /**
   * Now and then, forgets the requests that left the cache (a deletion is not indexed) and trims
   * the manifest cache to the requests there.
   */
  private void sweep(IndexedResourceCache<GraftedVirtualMachine> gvms) {
    long now = System.nanoTime();
    if (now - sweptAt < SWEEP_EVERY.toNanos()) {
      return;
    }
    sweptAt = now;
    for (ResourceID id : List.copyOf(entries.keySet())) {
      if (gvms.get(id).isEmpty()) {
        forget(id);
      }
    }
    manifests.retain(gvms.list().map(g -> g.getMetadata().getUid()).collect(Collectors.toSet()));
  }

  private static String key(GraftedVirtualMachine gvm) {
    return gvm.getMetadata().getNamespace() + "/" + gvm.getMetadata().getName();
  }
}
