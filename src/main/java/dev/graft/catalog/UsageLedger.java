package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * What the GoldenImage reconciler, the one writer of GoldenImage status, still has to write that
 * others asked for: uses of an image (a VM cloned it; a hit when it was Ready before the request
 * needed it), and raises of an os's cache clock (eviction). Requesters record here and the image is
 * woken; its reconcile takes what is pending into its status patch.
 */
@ApplicationScoped
public class UsageLedger {
  /** Uses of one image not written yet: how many were hits, and the last one's time. */
  public record Uses(int uses, int hits, String last) {
    Uses plus(Uses o) {
      return new Uses(uses + o.uses, hits + o.hits, o.last.compareTo(last) > 0 ? o.last : last);
    }
  }

  private final Map<String, Uses> uses = new ConcurrentHashMap<>();
  private final Map<String, Double> clocks = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, String> wake = (ns, name) -> {};

  /** Who wakes an image's reconcile: set by the GoldenImage reconciler's event source. */
  public void wakeWith(BiConsumer<String, String> wake) {
    this.wake = wake;
  }

  /** A VM now clones image {@code namespace/name}. */
  public void used(String namespace, String name, boolean hit) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    uses.merge(key(namespace, name), new Uses(1, hit ? 1 : 0, now), Uses::plus);
    wake.accept(namespace, name);
  }

  /** Takes the uses pending for an image (null: none). */
  public Uses take(String namespace, String name) {
    return uses.remove(key(namespace, name));
  }

  /** Gives back uses taken for a status write that failed. */
  public void putBack(String namespace, String name, Uses taken) {
    if (taken != null) {
      uses.merge(key(namespace, name), taken, Uses::plus);
    }
  }

  /**
   * Eviction raised the clock of a catalog (namespace, os): its base images (one per generation)
   * store it.
   */
  public void raiseClock(String namespace, String os, double to, Collection<String> bases) {
    clocks.merge(key(namespace, os), to, Math::max);
    bases.forEach(base -> wake.accept(namespace, base));
  }

  /** The same, for an os whose bases are not known: its first generation's stores it. */
  public void raiseClock(String namespace, String os, double to) {
    raiseClock(namespace, os, to, List.of(dev.graft.build.Manifest.baseImageName(os)));
  }

  /**
   * The clock of a catalog: the one stored on its base image, or a raise not stored yet. Read from
   * here and the cache, never the API: this process is the only one that raises it.
   */
  public double clock(String namespace, String os, GoldenImage base) {
    return clock(namespace, os, base == null ? List.of() : List.of(base));
  }

  /** The same, over the bases of every generation of the os. */
  public double clock(String namespace, String os, Collection<GoldenImage> bases) {
    return Math.max(CacheClock.of(bases), clocks.getOrDefault(key(namespace, os), 0.0));
  }

  /** A raise to store on the base image of {@code os}, or null; kept until it is stored. */
  public Double pendingClock(String namespace, String os, GoldenImage base) {
    Double raised = clocks.get(key(namespace, os));
    return raised != null && raised > CacheClock.of(base) ? raised : null;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
