package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import dev.graft.api.Phase;
import dev.graft.build.Manifest;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import dev.graft.planner.Calibration;
import dev.graft.planner.CostModel;
import dev.graft.planner.DepthLimits;
import dev.graft.planner.FileInfo;
import dev.graft.planner.FileTable;
import dev.graft.planner.ImageSet;
import dev.graft.planner.Plan;
import dev.graft.planner.Problem;
import dev.graft.planner.Strategy;
import dev.graft.planner.Weights;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.roaringbitmap.RoaringBitmap;

/**
 * Turns pending manifests plus the catalog into the GoldenImages to create, with the planner. Each
 * file counts injectCost=1 and removeCost=1, so with the configured weights a cost is predicted
 * build seconds. The weights in use: those pinned in the run-time ConfigMap ({@link
 * RuntimeWeights}), else the ones learned from measured builds ({@link CostLearning}) once there
 * are enough, else the startup configuration's; each source image's clone time is learned per
 * storage class and clone method.
 */
@ApplicationScoped
public class CatalogPlanner {

  /** Calibration starts once this many builds were measured. */
  static final int MIN_SAMPLES = CostLearning.MIN_SAMPLES;

  /** One image to create: its manifest, its parent image, and the plan's diff and cost. */
  public record Order(
      String image,
      Manifest manifest,
      String parent,
      List<String> add,
      List<String> remove,
      double cost,
      String strategy,
      int depth) {

    /** An order one clone below a base image. */
    public Order(
        String image,
        Manifest manifest,
        String parent,
        List<String> add,
        List<String> remove,
        double cost,
        String strategy) {
      this(image, manifest, parent, add, remove, cost, strategy, 1);
    }
  }

  private final GraftConfig.Planner config;
  private final CloneDepthLimits depthLimits;
  private final String defaultStorageClass;
  private final CostLearning learning;
  private final RuntimeWeights runtime;
  private final GraftMetrics metrics;
  private final int disksPerJob;
  private final java.util.Set<String> exportedClones =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  // Per catalog namespace: file table, image sets and nearest index kept across plans.
  private final CatalogFeed kept = new CatalogFeed();

  /** Without run-time overrides, learning from its own measurements. */
  public CatalogPlanner(GraftConfig config, GraftMetrics metrics) {
    this(config, metrics, new CostLearning(), RuntimeWeights.none());
  }

  @jakarta.inject.Inject
  public CatalogPlanner(
      GraftConfig config, GraftMetrics metrics, CostLearning learning, RuntimeWeights runtime) {
    this.config = config.planner();
    this.metrics = metrics;
    this.learning = learning;
    this.runtime = runtime;
    this.depthLimits = CloneDepthLimits.parse(config.storage().maxCloneDepth());
    this.defaultStorageClass = config.storage().className().orElse("");
    this.disksPerJob = Math.max(1, config.build().maxDisksPerJob());
    runtime.start();
    weights(); // exports the weights in use from the start
  }

  /** The strategy in use. */
  public Strategy strategy() {
    return Strategy.fromId(config.strategy());
  }

  /**
   * The weights in use now (read at each planning round): pinned in the run-time ConfigMap, else
   * learned from measured builds once there are {@link #MIN_SAMPLES} (when calibrating), else the
   * startup configuration's. Exported as {@code graft_planner_weight}.
   */
  public Weights weights() {
    var w = config.weights();
    Weights configured =
        new Weights(w.missingBytes(), w.inject(), w.remove(), w.excessBytes(), w.perBuild());
    WeightOverrides overrides = runtime.current();
    Calibration.Fit fit = learning() ? learning.fit(configured) : null;
    Weights inUse = overrides.resolve(configured, fit == null ? null : fit.weights());
    // The launch shared by a Job's disks (graft.build.max-disks-per-job): a learned perBuild
    // already holds each build's share of its launch (Measure), so the terms are added only to a
    // configured or pinned one.
    boolean learnedFixed = fit != null && !overrides.pinned().containsKey("perBuild");
    if (!learnedFixed) {
      inUse = inUse.withLaunches(w.perLaunch(), w.perDisk(), disksPerJob);
    }
    metrics.plannerWeight("perLaunch", inUse.perLaunch());
    metrics.plannerWeight("perDisk", inUse.perDisk());
    metrics.plannerWeight("perBuild", inUse.perBuild());
    metrics.plannerWeight("missingBytes", inUse.missingBytes());
    metrics.plannerWeight("inject", inUse.inject());
    metrics.plannerWeight("remove", inUse.remove());
    metrics.plannerWeight("excessBytes", inUse.excessBytes());
    exportCloneFits();
    return inUse;
  }

  /**
   * Whether weights are learned: the run-time ConfigMap's {@code calibrate}, else the startup's.
   */
  public boolean learning() {
    Boolean runtimeCalibrate = runtime.current().calibrate();
    return runtimeCalibrate != null ? runtimeCalibrate : config.calibrate();
  }

  /** The measured builds the weights are learned from. */
  public CostLearning measurements() {
    return learning;
  }

  /** The learned clone times, as {@code graft_planner_weight{weight="clone:CLASS:METHOD:..."}}. */
  private void exportCloneFits() {
    var learner = learning.learner();
    for (String key : learner.cloneKeys()) {
      int slash = key.lastIndexOf('/');
      var fit = learner.clone(key.substring(0, slash), key.substring(slash + 1));
      String name = "clone:" + key.replace('/', ':');
      metrics.plannerWeight(name + ":fixedSeconds", fit.fixedSeconds());
      metrics.plannerWeight(name + ":secondsPerByte", fit.secondsPerByte());
      exportedClones.add(key);
    }
  }

  /** Whether an image can be a source: not failed, not being deleted. */
  public static boolean usable(GoldenImage gi) {
    return gi.getMetadata().getDeletionTimestamp() == null
        && (gi.getStatus() == null || gi.getStatus().phase != Phase.Failed);
  }

  /**
   * Plans every pending manifest (whose image does not exist yet) against the catalog, with the
   * configured strategy and the tenancy rule ({@link Tenancy}; {@code tenancy}: image name → its
   * request); returns the images to create, every parent before its children.
   */
  public List<Order> plan(
      Collection<Manifest> pending,
      Map<String, Tenancy.Request> tenancy,
      Collection<GoldenImage> catalog,
      String catalogNs) {
    return plan(pending, tenancy, CatalogSource.listed(catalog), catalogNs, false);
  }

  /**
   * The same from a source; {@code synced}: the namespace's kept catalog was just synced with it
   * ({@link #sync}) under the same lock, so it is not synced again.
   */
  List<Order> plan(
      Collection<Manifest> pending,
      Map<String, Tenancy.Request> tenancy,
      CatalogSource catalog,
      String catalogNs,
      boolean synced) {
    Strategy strategy = strategy();
    learning.prime(catalogNs, catalog::list);
    Weights weights = weights();
    List<Order> orders;
    if (strategy == Strategy.OPTIMAL || strategy == Strategy.NEAREST) {
      KeptCatalog k = kept.of(catalogNs);
      synchronized (k) {
        if (!synced) {
          syncKept(k, catalog);
        }
        orders =
            planKept(
                pending,
                tenancy,
                k,
                strategy,
                weights,
                depthLimits.forCatalog(k.bases(), defaultStorageClass));
      }
    } else {
      Collection<GoldenImage> all = catalog.list();
      orders =
          plan(
              pending,
              tenancy,
              all,
              catalogNs,
              strategy,
              weights,
              depthLimits.forCatalog(all, defaultStorageClass),
              cloneCosts());
    }
    if (!pending.isEmpty()) {
      metrics.planCost(strategy.id(), orders.stream().mapToDouble(Order::cost).sum());
    }
    return orders;
  }

  /**
   * Brings the namespace's kept catalog up to date with {@code catalog} (only what changed when it
   * is fed); returns whether an image of a name is in it, for the caller's checks under the lock.
   */
  public java.util.function.Predicate<String> sync(String catalogNs, CatalogSource catalog) {
    KeptCatalog k = kept.of(catalogNs);
    synchronized (k) {
      syncKept(k, catalog);
    }
    return name -> {
      synchronized (k) {
        return k.contains(name);
      }
    };
  }

  /** The kept catalogs, fed by the GoldenImage informer's events. */
  public CatalogFeed feed() {
    return kept;
  }

  private void syncKept(KeptCatalog k, CatalogSource catalog) {
    k.sync(catalog, cloneCosts(), learning() ? learning.cloneFits() : null);
  }

  /**
   * What cloning an image costs as a build's source, from the learned clone time of its storage
   * class and its size (0 while not learned, or when not learning).
   */
  CloneCosts cloneCosts() {
    if (!learning()) {
      return CloneCosts.NONE;
    }
    return gi -> {
      var storage = gi.getSpec().storage;
      String cls =
          storage != null && storage.storageClassName != null && !storage.storageClassName.isBlank()
              ? storage.storageClassName
              : defaultStorageClass;
      return learning.cloneSeconds(cls, CloneCosts.bytes(gi));
    };
  }

  /** The same for requests of the catalog's own namespace. */
  public List<Order> plan(Collection<Manifest> pending, Collection<GoldenImage> catalog) {
    return plan(pending, Map.of(), catalog, null);
  }

  /** The same with an explicit strategy and weights (for comparisons), without depth limits. */
  public static List<Order> plan(
      Collection<Manifest> pending,
      Collection<GoldenImage> catalog,
      Strategy strategy,
      Weights weights) {
    return plan(pending, Map.of(), catalog, null, strategy, weights, DepthLimits.NONE);
  }

  /** The same with explicit clone-depth limits per OS, for the catalog's own namespace. */
  public static List<Order> plan(
      Collection<Manifest> pending,
      Collection<GoldenImage> catalog,
      Strategy strategy,
      Weights weights,
      DepthLimits limits) {
    return plan(pending, Map.of(), catalog, null, strategy, weights, limits);
  }

  /** The same with the tenancy rule, without depth limits. */
  public static List<Order> plan(
      Collection<Manifest> pending,
      Map<String, Tenancy.Request> tenancy,
      Collection<GoldenImage> catalog,
      String catalogNs,
      Strategy strategy,
      Weights weights) {
    return plan(pending, tenancy, catalog, catalogNs, strategy, weights, DepthLimits.NONE);
  }

  /**
   * Plans with the tenancy rule and clone-depth limits per OS: each request is planned under a key
   * of its os, namespaces and Secret-sourced files, among the images allowed to serve that key
   * only; requests of one key may build on each other (same namespace, same Secret files), and
   * nothing else crosses. A key's depth limit is its os's.
   */
  public static List<Order> plan(
      Collection<Manifest> pending,
      Map<String, Tenancy.Request> tenancy,
      Collection<GoldenImage> catalog,
      String catalogNs,
      Strategy strategy,
      Weights weights,
      DepthLimits limits) {
    return plan(pending, tenancy, catalog, catalogNs, strategy, weights, limits, CloneCosts.NONE);
  }

  /**
   * The same with the clone term: a build from an image also pays cloning it ({@code clones}); a
   * request built from another request pays the clone of the first image of its key (images of one
   * key share their storage class and size).
   */
  static List<Order> plan(
      Collection<Manifest> pending,
      Map<String, Tenancy.Request> tenancy,
      Collection<GoldenImage> catalog,
      String catalogNs,
      Strategy strategy,
      Weights weights,
      DepthLimits limits,
      CloneCosts clones) {
    Keys keys = Keys.of(pending, tenancy);
    Map<String, Manifest> requests = keys.requests();
    if (requests.isEmpty()) {
      return List.of();
    }
    FileTable table = new FileTable();
    Map<String, Tenancy.Request> groups = keys.groups();
    Map<String, String> groupOf = keys.groupOf();
    List<ImageSet> images = new ArrayList<>();
    Set<String> keysWithSource = new HashSet<>();
    Map<String, Double> cloneOfKey = new HashMap<>();
    Map<String, GoldenImage> byName = new HashMap<>();
    catalog.forEach(gi -> byName.put(gi.getMetadata().getName(), gi));
    for (GoldenImage gi : catalog) {
      if (!usable(gi) || requests.containsKey(gi.getMetadata().getName())) {
        continue;
      }
      RoaringBitmap files = bits(table, gi.getSpec().files);
      Set<String> tenants = Tenancy.tenantsOf(gi, catalogNs);
      Set<String> secrets = Tenancy.secretsOf(gi);
      double clone = clones.seconds(gi);
      groups.forEach(
          (key, r) -> {
            if (key.startsWith(lineage(gi.getSpec().os, BaseGenerations.of(gi)) + "\u0000")
                && Tenancy.mayServe(tenants, secrets, r)) {
              images.add(
                  new ImageSet(
                      gi.getMetadata().getName(),
                      key,
                      files,
                      CloneDepthLimits.depthOf(gi, byName),
                      clone));
              keysWithSource.add(key);
              cloneOfKey.putIfAbsent(key, clone);
            }
          });
    }
    // A request with no image to start from cannot be planned: it is left out (the operator
    // reports it as NoBaseImage), never handed to the planner without a source.
    List<ImageSet> wanted = new ArrayList<>();
    for (Manifest m : requests.values()) {
      String key = groupOf.get(m.imageName());
      if (keysWithSource.contains(key)) {
        wanted.add(
            new ImageSet(
                m.imageName(),
                key,
                bits(table, m.entries()),
                0,
                cloneOfKey.getOrDefault(key, 0.0)));
      }
    }
    if (wanted.isEmpty()) {
      return List.of();
    }
    // The planner keeps each key apart as if it were an os: a key has its lineage's limit.
    Map<String, Integer> limitOfKey = new HashMap<>();
    groupOf.forEach((image, key) -> limitOfKey.put(key, limitOf(limits, requests.get(image))));
    Problem problem =
        new Problem(
            new CostModel(weights, table),
            images,
            wanted,
            new DepthLimits(DepthLimits.UNLIMITED, limitOfKey));
    return orders(strategy.plan(problem), requests, strategy);
  }

  /**
   * The same against a kept catalog (synced): the sources are found in its index, partitioned by
   * what the tenancy rule reads, and no catalog image is read; only the requests' files are.
   */
  static List<Order> planKept(
      Collection<Manifest> pending,
      Map<String, Tenancy.Request> tenancy,
      KeptCatalog kept,
      Strategy strategy,
      Weights weights,
      DepthLimits limits) {
    Keys keys = Keys.of(pending, tenancy);
    Map<String, Manifest> requests = keys.requests();
    if (requests.isEmpty()) {
      return List.of();
    }
    if (requests.keySet().stream().anyMatch(kept::contains)) {
      // An image of a request's own name is not its source: rare (callers plan missing images
      // only), planned without the kept index.
      return plan(
          pending,
          tenancy,
          kept.byName().values(),
          kept.catalogNamespace(),
          strategy,
          weights,
          limits,
          kept.cloneCosts());
    }
    Map<String, KeptCatalog.KeyedSources.Key> byKey = new HashMap<>();
    keys.groups()
        .forEach(
            (key, r) ->
                byKey.put(key, new KeptCatalog.KeyedSources.Key(keys.lineageOf().get(key), r)));
    KeptCatalog.KeyedSources sources = kept.sources(byKey);
    List<ImageSet> wanted = new ArrayList<>();
    for (Manifest m : requests.values()) {
      String key = keys.groupOf().get(m.imageName());
      if (sources.any(key)) {
        wanted.add(
            new ImageSet(m.imageName(), key, kept.bits(m.entries()), 0, sources.cloneOf(key)));
      }
    }
    if (wanted.isEmpty()) {
      return List.of();
    }
    Map<String, Integer> limitOfKey = new HashMap<>();
    keys.groupOf()
        .forEach((image, key) -> limitOfKey.put(key, limitOf(limits, requests.get(image))));
    Problem problem =
        new Problem(
            kept.model(weights),
            List.of(),
            wanted,
            new DepthLimits(DepthLimits.UNLIMITED, limitOfKey));
    return orders(strategy.plan(problem, sources), requests, strategy);
  }

  /**
   * The requests by image name (first of each), grouped under tenancy keys: a request is planned
   * under a key of its lineage, namespaces and Secret-sourced files.
   */
  private record Keys(
      Map<String, Manifest> requests,
      Map<String, Tenancy.Request> groups,
      Map<String, String> groupOf,
      Map<String, String> lineageOf) {

    static Keys of(Collection<Manifest> pending, Map<String, Tenancy.Request> tenancy) {
      Map<String, Manifest> requests = new LinkedHashMap<>();
      for (Manifest m : pending) {
        requests.putIfAbsent(m.imageName(), m);
      }
      Map<String, Tenancy.Request> groups = new LinkedHashMap<>();
      Map<String, String> groupOf = new LinkedHashMap<>();
      Map<String, String> lineageOf = new HashMap<>();
      for (Manifest m : requests.values()) {
        Tenancy.Request r =
            tenancy.getOrDefault(
                m.imageName(), new Tenancy.Request(Set.of(), Tenancy.secretFiles(m.entries())));
        r = new Tenancy.Request(r.namespaces(), Tenancy.secretFiles(m.entries()));
        // A request of several namespaces shares its key with no other: its image holds them all.
        // The key starts with the request's lineage (os and base generation): an image is only
        // built from images of its own base generation.
        String key =
            String.join(
                "\u0000",
                lineage(m),
                String.join(",", new TreeSet<>(r.namespaces())),
                String.join(",", r.secretFiles()),
                r.namespaces().size() > 1 ? m.imageName() : "");
        groups.put(key, r);
        groupOf.put(m.imageName(), key);
        lineageOf.put(key, lineage(m));
      }
      return new Keys(requests, groups, groupOf, lineageOf);
    }
  }

  private static List<Order> orders(Plan plan, Map<String, Manifest> requests, Strategy strategy) {
    List<Order> orders = new ArrayList<>();
    for (Plan.Build b : plan.builds()) {
      orders.add(
          new Order(
              b.request(),
              requests.get(b.request()),
              b.from(),
              b.add(),
              b.remove(),
              b.cost(),
              strategy.id(),
              b.depth()));
    }
    return orders;
  }

  /** Total cost of planning these manifests with a strategy (for the demo's comparison). */
  public static double totalCost(
      Collection<Manifest> pending,
      Collection<GoldenImage> catalog,
      Strategy strategy,
      Weights weights) {
    return plan(pending, catalog, strategy, weights).stream().mapToDouble(Order::cost).sum();
  }

  /**
   * What the planner calls an os: the os and the base generation. An image is only built from
   * images of its own generation, so a new base generation is planned as one new lineage.
   */
  static String lineage(String os, int generation) {
    return generation <= 1 ? os : os + "@generation-" + generation;
  }

  private static String lineage(Manifest m) {
    return lineage(m.os(), m.baseGeneration());
  }

  /**
   * A request's clone-depth limit: its lineage's ({@link CloneDepthLimits#forCatalog} keys limits
   * per base generation), else its os's (limits given per os).
   */
  private static int limitOf(DepthLimits limits, Manifest m) {
    String lineage = lineage(m);
    return limits.byOs().containsKey(lineage) ? limits.max(lineage) : limits.max(m.os());
  }

  /** A request's files in {@code table} (new files are added). */
  static RoaringBitmap bits(FileTable table, List<ManifestEntry> entries) {
    RoaringBitmap set = new RoaringBitmap();
    if (entries == null) {
      return set;
    }
    for (ManifestEntry e : entries) {
      int i = table.indexOf(e.digest);
      if (i < 0) {
        i = table.add(new FileInfo(e.digest, e.path, e.size, 1.0, 1.0));
      }
      set.add(i);
    }
    return set;
  }
}
