package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.build.Manifest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans the pending requests of a catalog, one plan at a time per catalog namespace, under a lock
 * that covers only the planning itself: never an API call. An image planned here is claimed while
 * the reconcile that planned it creates it (released when that reconcile ends: the SDK then has the
 * image in its cache; at most {@link #CLAIM}), so that a plan running meanwhile does not plan it
 * again.
 */
@ApplicationScoped
public class PlanningService {
  /** How long a planned image is held back from planning without showing in the catalog. */
  static final Duration CLAIM = Duration.ofSeconds(60);

  private final CatalogPlanner planner;
  private final Map<String, Instant> claimed = new HashMap<>();

  public PlanningService(CatalogPlanner planner) {
    this.planner = planner;
  }

  /**
   * The images to create for {@code pending} (image name → manifest) against {@code catalog} (the
   * images of {@code namespace}), every parent before its children; none for an image that exists
   * or was planned and claimed already.
   */
  public List<CatalogPlanner.Order> plan(
      String namespace, Map<String, Manifest> pending, Collection<GoldenImage> catalog) {
    return plan(namespace, pending, Map.of(), catalog);
  }

  /**
   * The same, with the requests ({@code namespace/name}) of each pending image, whose namespaces
   * the tenancy rule ({@link Tenancy}) keeps apart.
   */
  public List<CatalogPlanner.Order> plan(
      String namespace,
      Map<String, Manifest> pending,
      Map<String, List<String>> requesters,
      Collection<GoldenImage> catalog) {
    return plan(namespace, pending, requesters, CatalogSource.listed(catalog));
  }

  /**
   * The same against a source of the catalog: a fed one ({@link CatalogSource#fed}, as the
   * GraftedVirtualMachine controller's informer is) is read only where it changed since the last
   * plan, a listed one walked in full.
   */
  public List<CatalogPlanner.Order> plan(
      String namespace,
      Map<String, Manifest> pending,
      Map<String, List<String>> requesters,
      CatalogSource catalog) {
    synchronized (this) {
      // The planner's kept catalog, brought up to date once: its names answer "exists?".
      java.util.function.Predicate<String> exists = planner.sync(namespace, catalog);
      Instant now = Instant.now();
      claimed
          .entrySet()
          .removeIf(
              e ->
                  e.getValue().isBefore(now.minus(CLAIM))
                      || (e.getKey().startsWith(namespace + "/")
                          && exists.test(e.getKey().substring(namespace.length() + 1))));
      Map<String, Manifest> open = new LinkedHashMap<>();
      pending.forEach(
          (name, m) -> {
            if (!exists.test(name) && !claimed.containsKey(namespace + "/" + name)) {
              open.put(name, m);
            }
          });
      if (open.isEmpty()) {
        return List.of();
      }
      Map<String, Tenancy.Request> tenancy = new HashMap<>();
      open.forEach(
          (name, m) ->
              tenancy.put(
                  name,
                  new Tenancy.Request(
                      Tenancy.namespacesOf(requesters.get(name), namespace),
                      Tenancy.secretFiles(m.entries()))));
      List<CatalogPlanner.Order> orders =
          planner.plan(open.values(), tenancy, catalog, namespace, true);
      orders.forEach(o -> claimed.put(namespace + "/" + o.image(), now));
      return orders;
    }
  }

  /** Ends the claims of orders once their reconcile is over (created, or failed to be). */
  public synchronized void release(String namespace, List<CatalogPlanner.Order> orders) {
    orders.forEach(o -> claimed.remove(namespace + "/" + o.image()));
    notifyAll();
  }

  /**
   * Waits (at most {@code atMost}, without holding the planning lock) while another reconcile
   * creates {@code image}; true when it waited, and the caller should look at the cache again. A
   * request whose image is being created then finds it, instead of reporting Planning and waiting
   * for an event of its image.
   */
  public synchronized boolean awaitCreation(String namespace, String image, Duration atMost)
      throws InterruptedException {
    String key = namespace + "/" + image;
    if (!claimed.containsKey(key)) {
      return false;
    }
    Instant deadline = Instant.now().plus(atMost);
    while (claimed.containsKey(key) && Instant.now().isBefore(deadline)) {
      wait(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()));
    }
    return true;
  }

  /** Whether an image was planned and is being created. */
  public synchronized boolean claimed(String namespace, String image) {
    return claimed.containsKey(namespace + "/" + image);
  }

  public CatalogPlanner planner() {
    return planner;
  }
}
