package dev.graft.catalog;

import dev.graft.api.GraftedVirtualMachine;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

/**
 * The GraftedVirtualMachines as the request controller's informer holds them (every namespace it
 * watches, nothing else), for eviction, which runs outside any reconcile: a pass reads this cache
 * instead of listing every request from the API server.
 */
@ApplicationScoped
public class RequestCache {
  private volatile IndexerResourceCache<GraftedVirtualMachine> cache;

  /** Set by the request controller once its informer exists. */
  public void readFrom(IndexerResourceCache<GraftedVirtualMachine> cache) {
    this.cache = cache;
  }

  /**
   * Every request the operator watches. Throws until the informer has synced: an empty list then
   * would let eviction take images that VMs still use (a failed pass is retried).
   */
  public List<GraftedVirtualMachine> all() {
    IndexerResourceCache<GraftedVirtualMachine> c = cache;
    if (c == null || !synced(c)) {
      throw new IllegalStateException("the GraftedVirtualMachine informer has not synced yet");
    }
    return c.list().toList();
  }

  /** Whether every informer behind a cache has synced (a cache without informers: it has). */
  static boolean synced(Object cache) {
    if (cache instanceof InformerWrappingEventSourceHealthIndicator<?> informed) {
      Collection<InformerHealthIndicator> informers = informed.informerHealthIndicators().values();
      return !informers.isEmpty()
          && informers.stream().allMatch(InformerHealthIndicator::hasSynced);
    }
    return true;
  }
}
