package dev.graft.catalog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The planner's kept catalogs, one per catalog namespace, fed by the GoldenImage informer's events:
 * each event notes its image's name in its namespace's kept catalog, which reads only the noted
 * images at its next sync (from the cache as it is then, so events out of order or repeated by a
 * resync or a relist converge on the cache's content). A (re)started informer makes every kept
 * catalog walk its source once: a new informer reports no deletion of what it never listed.
 */
public final class CatalogFeed {
  private final Map<String, KeptCatalog> kept = new ConcurrentHashMap<>();

  /** An image of {@code namespace} was added, changed or deleted (from any thread). */
  public void changed(String namespace, String name) {
    KeptCatalog k = kept.get(key(namespace));
    if (k != null) {
      k.changed(name);
    }
  }

  /** The informer (re)started or its namespaces changed: each kept catalog is walked once. */
  public void relisted() {
    kept.values().forEach(KeptCatalog::relist);
  }

  /**
   * How many plans walked a namespace's whole catalog (its first, relists, the safety net); 0 when
   * none planned yet.
   */
  public int walks(String namespace) {
    KeptCatalog k = kept.get(key(namespace));
    if (k == null) {
      return 0;
    }
    synchronized (k) {
      return k.walks();
    }
  }

  /** The names of a namespace's images as of its kept catalog's last sync. */
  public java.util.Set<String> names(String namespace) {
    KeptCatalog k = kept.get(key(namespace));
    if (k == null) {
      return java.util.Set.of();
    }
    synchronized (k) {
      return java.util.Set.copyOf(k.byName().keySet());
    }
  }

  /** The kept catalog of a namespace (null: the catalog's own namespace in tools). */
  KeptCatalog of(String namespace) {
    return kept.computeIfAbsent(key(namespace), ns -> new KeptCatalog(namespace));
  }

  private static String key(String namespace) {
    return namespace == null ? "" : namespace;
  }
}
