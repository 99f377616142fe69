package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.planner.CostModel;
import dev.graft.planner.FileTable;
import dev.graft.planner.ImageSet;
import dev.graft.planner.NearestIndex;
import dev.graft.planner.SourceIndex;
import dev.graft.planner.Weights;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.roaringbitmap.RoaringBitmap;

/**
 * One catalog namespace's planning structures, kept across plans: the file table, each usable
 * GoldenImage's file set, and one {@link NearestIndex} of them. The index's "os" is a partition:
 * the image's lineage (os and base generation) and the content the tenancy rule reads (its tenants
 * and Secret-sourced files), so that a request finds its sources in the partitions that may serve
 * it ({@link #sources}) without the images being copied per request key.
 *
 * <p>{@link #sync} brings it up to date with the catalog: fed by the informer's events ({@link
 * CatalogFeed}), it reads only the images noted changed since the last sync; otherwise it walks the
 * catalog as the informer cache lists it. Either way an image whose resourceVersion is the one read
 * last time is not read again; a new or changed one is read (its manifest, tenancy, depth and clone
 * cost) and replaces its old entry; one no longer there leaves the index. The index does not depend
 * on the weights (priced at each lookup), and clone costs, which learning moves, are replaced in
 * place when the learned clone fits change. An image with no resourceVersion (built by hand) is
 * read again on every walk.
 *
 * <p>Not thread-safe, but for {@link #changed} and {@link #relist}: the planner syncs and plans
 * under its lock.
 */
final class KeptCatalog {
  /** A partition of the index: the images that one tenancy decision covers. */
  private record Partition(String id, String lineage, Set<String> tenants, Set<String> secrets) {}

  /** What was read of one GoldenImage; {@code image} null when it is not a usable source. */
  private static final class Entry {
    String version;
    Partition partition;
    ImageSet image;
    GoldenImage gi;
    int seen;
  }

  private final String catalogNs;
  private final FileTable table = new FileTable();
  private final NearestIndex index = NearestIndex.kept(new CostModel(Weights.DEFAULT, table));
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, GoldenImage> byName = new HashMap<>();
  private final Map<String, GoldenImage> bases = new LinkedHashMap<>();
  private final Map<String, Partition> partitions = new HashMap<>();
  private final Map<String, List<Partition>> partitionsOfLineage = new HashMap<>();
  private CloneCosts clones = CloneCosts.NONE;
  private Object cloneFits;
  private CostModel model;
  private int modelFiles = -1;
  private int syncs;
  // Fed by the informer's events (any thread): names changed since the last sync.
  private final Set<String> changed = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean relist = true;
  private long walkedAt;
  private int walks;

  /** A fed kept catalog is still walked this often: a lost event is repaired within it. */
  static final java.time.Duration WALK_EVERY = java.time.Duration.ofMinutes(10);

  KeptCatalog(String catalogNs) {
    this.catalogNs = catalogNs;
  }

  /**
   * Brings the kept structures up to date with {@code catalog}, the namespace's images as listed
   * now (a walk over all of them); {@code fits} identifies the clone-cost function (equal fits:
   * equal costs).
   */
  void sync(Collection<GoldenImage> catalog, CloneCosts clones, Object fits) {
    boolean repriced = clonesFrom(clones, fits);
    int stamp = ++syncs;
    List<GoldenImage> changed = new ArrayList<>();
    for (GoldenImage gi : catalog) {
      String name = gi.getMetadata().getName();
      Entry e = entries.get(name);
      String version = gi.getMetadata().getResourceVersion();
      if (e != null && version != null && version.equals(e.version)) {
        e.seen = stamp;
      } else {
        changed.add(gi);
        byName.put(name, gi); // first, so that depths read through the new parents
      }
    }
    for (GoldenImage gi : changed) {
      read(gi, stamp);
    }
    if (entries.size() > catalog.size()) {
      List<String> gone = new ArrayList<>();
      entries.forEach(
          (name, e) -> {
            if (e.seen != stamp) {
              gone.add(name);
            }
          });
      gone.forEach(this::forget);
    }
    settle(repriced);
  }

  /**
   * The same from a source: a fed one ({@link CatalogSource#fed}) reads only the images noted
   * changed since the last sync, from the source as it is now (absent: forgotten); a walk instead
   * on the first sync, after a relist, every {@link #WALK_EVERY} (a safety net: a lost event is
   * repaired within it), and always for a source that is not fed.
   */
  void sync(CatalogSource source, CloneCosts clones, Object fits) {
    long now = System.nanoTime();
    if (!source.fed() || relist || now - walkedAt > WALK_EVERY.toNanos()) {
      relist = false;
      changed.clear(); // before the walk lists: a change after that is noted again
      walkedAt = now;
      walks++;
      sync(source.list(), clones, fits);
      return;
    }
    boolean repriced = clonesFrom(clones, fits);
    int stamp = syncs;
    List<GoldenImage> read = new ArrayList<>();
    for (var it = changed.iterator(); it.hasNext(); ) {
      String name = it.next();
      it.remove(); // before the read: a change after it is noted again
      GoldenImage gi = source.get(name);
      Entry e = entries.get(name);
      if (gi == null) {
        if (e != null) {
          forget(name);
        }
        continue;
      }
      String version = gi.getMetadata().getResourceVersion();
      if (e == null || version == null || !version.equals(e.version)) {
        read.add(gi);
        byName.put(name, gi); // first, so that depths read through the new parents
      }
    }
    for (GoldenImage gi : read) {
      read(gi, stamp);
    }
    settle(repriced);
  }

  /** Notes an image added, changed or deleted since the last sync (from any thread). */
  void changed(String name) {
    changed.add(name);
  }

  /** Makes the next sync walk its source (the informer was (re)started). */
  void relist() {
    relist = true;
  }

  /** How many syncs walked the whole catalog (the first, relists, the safety net). */
  int walks() {
    return walks;
  }

  /** Takes the clone costs in use; whether they differ from the last sync's. */
  private boolean clonesFrom(CloneCosts clones, Object fits) {
    boolean repriced = !Objects.equals(fits, cloneFits);
    this.clones = clones;
    this.cloneFits = fits;
    return repriced;
  }

  /** Builds the postings now (not on a request's first lookup) and reprices clone costs. */
  private void settle(boolean repriced) {
    index.buildAll();
    if (repriced) {
      for (Entry e : entries.values()) {
        if (e.image != null) {
          double clone = clones.seconds(e.gi);
          if (clone != e.image.cloneCost()) {
            ImageSet image = withClone(e.image, clone);
            index.replace(image);
            e.image = image;
          }
        }
      }
    }
  }

  String catalogNamespace() {
    return catalogNs;
  }

  /** The clone costs the last sync priced with. */
  CloneCosts cloneCosts() {
    return clones;
  }

  /** Whether the catalog, as of the last sync, has an image of this name. */
  boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The catalog's images by name, as of the last sync (a view). */
  Map<String, GoldenImage> byName() {
    return java.util.Collections.unmodifiableMap(byName);
  }

  /** The base images (no parent), as of the last sync. */
  Collection<GoldenImage> bases() {
    return bases.values();
  }

  /** How many usable images are indexed. */
  int indexed() {
    return index.size();
  }

  /** The file table of the index: requests' files are added to it too. */
  FileTable table() {
    return table;
  }

  /** The cost model under {@code weights} over the table as it is now (kept while they hold). */
  CostModel model(Weights weights) {
    if (model == null || !model.weights().equals(weights) || modelFiles != table.size()) {
      model = new CostModel(weights, table);
      modelFiles = table.size();
    }
    index.price(model);
    return model;
  }

  /** A request's files in the table (new files are added). */
  RoaringBitmap bits(List<ManifestEntry> entries) {
    return CatalogPlanner.bits(table, entries);
  }

  /**
   * The sources of requests planned under tenancy keys: a request whose os is a key finds its
   * sources in the partitions of the key's lineage that may serve it.
   *
   * @param keys each key's lineage and tenancy request
   */
  KeyedSources sources(Map<String, KeyedSources.Key> keys) {
    return new KeyedSources(keys);
  }

  /** A {@link SourceIndex} over the partitions each request key may use. */
  final class KeyedSources implements SourceIndex {
    /** A request key's lineage and what it brings to the tenancy rule. */
    record Key(String lineage, Tenancy.Request request) {}

    private final Map<String, Key> keys;
    private final Map<String, List<Partition>> eligible = new HashMap<>();

    private KeyedSources(Map<String, Key> keys) {
      this.keys = keys;
    }

    /** The partitions that may serve a key and hold an image, in the order they appeared. */
    private List<Partition> of(String key) {
      return eligible.computeIfAbsent(
          key,
          k -> {
            Key of = keys.get(k);
            List<Partition> out = new ArrayList<>();
            if (of != null) {
              for (Partition p : partitionsOfLineage.getOrDefault(of.lineage(), List.of())) {
                if (index.hasOs(p.id())
                    && Tenancy.mayServe(p.tenants(), p.secrets(), of.request())) {
                  out.add(p);
                }
              }
            }
            return out;
          });
    }

    /** Whether any image may serve a key. */
    boolean any(String key) {
      return !of(key).isEmpty();
    }

    /** The clone cost of an image that may serve the key (one key's images share their storage). */
    double cloneOf(String key) {
      for (Partition p : of(key)) {
        ImageSet some = index.first(p.id());
        if (some != null) {
          return some.cloneCost();
        }
      }
      return 0;
    }

    @Override
    public ImageSet exact(ImageSet request) {
      for (Partition p : of(request.os())) {
        ImageSet found = index.exact(in(request, p));
        if (found != null) {
          return found;
        }
      }
      return null;
    }

    @Override
    public NearestIndex.Match nearest(ImageSet request, int maxSourceDepth) {
      NearestIndex.Match best = null;
      for (Partition p : of(request.os())) {
        NearestIndex.Match m = index.nearest(in(request, p), maxSourceDepth);
        if (m != null && (best == null || m.cost() < best.cost())) {
          best = m;
        }
      }
      // The match's cost is the request's, whichever partition held the source.
      return best;
    }

    @Override
    public Set<Integer> depths(String key) {
      Set<Integer> out = new TreeSet<>();
      for (Partition p : of(key)) {
        out.addAll(index.depths(p.id()));
      }
      return out;
    }

    private static ImageSet in(ImageSet request, Partition p) {
      return new ImageSet(
          request.name(), p.id(), request.files(), request.depth(), request.cloneCost());
    }
  }

  private void read(GoldenImage gi, int stamp) {
    String name = gi.getMetadata().getName();
    Entry e = entries.computeIfAbsent(name, n -> new Entry());
    e.version = gi.getMetadata().getResourceVersion();
    e.gi = gi;
    e.seen = stamp;
    if (BaseGenerations.isBase(gi)) {
      bases.put(name, gi);
    } else {
      bases.remove(name);
    }
    if (gi.getSpec() == null || !CatalogPlanner.usable(gi)) {
      drop(e, name);
      return;
    }
    Partition p = partition(gi);
    ImageSet image =
        new ImageSet(
            name,
            p.id(),
            bits(gi.getSpec().files),
            CloneDepthLimits.depthOf(gi, byName),
            clones.seconds(gi));
    if (e.image != null
        && e.partition == p
        && e.image.depth() == image.depth()
        && e.image.files().equals(image.files())) {
      if (e.image.cloneCost() != image.cloneCost()) {
        index.replace(image);
        e.image = image;
      }
      return;
    }
    drop(e, name);
    index.add(image);
    e.image = image;
    e.partition = p;
  }

  private void drop(Entry e, String name) {
    if (e.image != null) {
      index.remove(e.partition.id(), name);
      e.image = null;
      e.partition = null;
    }
  }

  private void forget(String name) {
    Entry e = entries.remove(name);
    drop(e, name);
    byName.remove(name);
    bases.remove(name);
  }

  private Partition partition(GoldenImage gi) {
    String lineage = CatalogPlanner.lineage(gi.getSpec().os, BaseGenerations.of(gi));
    Set<String> tenants = Tenancy.tenantsOf(gi, catalogNs);
    Set<String> secrets = Tenancy.secretsOf(gi);
    String id =
        String.join(
            "\u0000", lineage, String.join(",", new TreeSet<>(tenants)), String.join(",", secrets));
    return partitions.computeIfAbsent(
        id,
        k -> {
          Partition p = new Partition(k, lineage, Set.copyOf(tenants), Set.copyOf(secrets));
          partitionsOfLineage.computeIfAbsent(lineage, l -> new ArrayList<>()).add(p);
          return p;
        });
  }

  private static ImageSet withClone(ImageSet image, double clone) {
    return new ImageSet(image.name(), image.os(), image.files(), image.depth(), clone);
  }
}
