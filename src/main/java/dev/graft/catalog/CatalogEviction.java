package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.cache.CacheEntry;
import dev.graft.cache.CacheLimits;
import dev.graft.cache.GreedyDualSizeFrequency;
import dev.graft.config.GraftConfig;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.EventRecorder;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Keeps each OS's catalog within {@code graft.cache.*} by deleting the least valuable Ready images
 * (GreedyDual-Size-Frequency with aging: the priority each image stored at its last use, clock +
 * measured build seconds × hits ÷ size, least recently used first on a tie), then raises the clock
 * to the last evicted priority (see {@link CacheClock}). Runs on its own timer, never in a
 * reconcile. Never evicted: the current base image of an os, images that are not Ready, the parent
 * of an unfinished build, and any image a GraftedVirtualMachine uses (its VM clones from it). An
 * older base goes only once no image of its generation is left and no VM pins that generation.
 */
@ApplicationScoped
public class CatalogEviction {
  private static final Logger LOG = Logger.getLogger(CatalogEviction.class);

  /** A pass waits this long after it is requested, so that a burst of requests makes one pass. */
  static final Duration DEBOUNCE = Duration.ofMillis(200);

  /** A pass that raised the clock looks again this soon, once the base image stored it. */
  static final Duration AGAIN = Duration.ofMillis(500);

  /**
   * A pass that left the os over its limit (what stays is used, planned or building) looks again
   * this late: a request moving to a new image frees its old one with no image event, and the
   * request cache may show the move only after the pass ran. A cache read, no API call.
   */
  static final Duration STILL_OVER = Duration.ofSeconds(5);

  private final GraftConfig config;
  private final KubernetesClient client;
  private final EventRecorder events;
  private final GraftMetrics metrics;
  private final UsageLedger ledger;
  private final RequestCache requests;
  private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "graft-eviction");
            t.setDaemon(true);
            return t;
          });

  public CatalogEviction(
      GraftConfig config,
      KubernetesClient client,
      EventRecorder events,
      GraftMetrics metrics,
      UsageLedger ledger,
      RequestCache requests) {
    this.config = config;
    this.client = client;
    this.events = events;
    this.metrics = metrics;
    this.ledger = ledger;
    this.requests = requests;
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }

  /**
   * Asks for a pass over the images of {@code os} in {@code namespace}, on eviction's own thread
   * (never in a reconcile); {@code catalog} reads the GoldenImage cache when the pass runs. A pass
   * that could not finish (a clock raise not stored yet, an API error) asks again.
   */
  public void request(String namespace, String os, Supplier<Collection<GoldenImage>> catalog) {
    if (!limited() || !scheduled.add(namespace + "/" + os)) {
      return;
    }
    schedule(namespace, os, catalog, DEBOUNCE);
  }

  private void schedule(
      String namespace, String os, Supplier<Collection<GoldenImage>> catalog, Duration delay) {
    timer.schedule(
        () -> {
          scheduled.remove(namespace + "/" + os);
          try {
            Pass pass = enforce(namespace, os, catalog.get());
            if (pass.again()) {
              request(namespace, os, catalog);
            } else if (pass.stillOver() && scheduled.add(namespace + "/" + os)) {
              schedule(namespace, os, catalog, STILL_OVER);
            }
          } catch (RuntimeException e) {
            LOG.warnf("eviction of %s/%s failed, retrying: %s", namespace, os, e.getMessage());
            if (scheduled.add(namespace + "/" + os)) {
              schedule(namespace, os, catalog, Duration.ofSeconds(5));
            }
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private boolean limited() {
    return config.cache().maxImagesPerOs() > 0 || config.cache().maxBytesPerOs() > 0;
  }

  /**
   * What a pass did: the images deleted, whether it must run again, and whether the os is still
   * over its limit after it (then it looks again later, {@link #STILL_OVER}).
   */
  public record Pass(List<String> evicted, boolean again, boolean stillOver) {
    Pass(List<String> evicted, boolean again) {
      this(evicted, again, false);
    }
  }

  /**
   * Evicts from the images of {@code os} in {@code namespace} until they fit the limits. {@code
   * catalog} is the GoldenImage cache (every namespace). A raise of the clock is stored on the base
   * image (by its reconciler, the one writer of GoldenImage status) before anything is deleted:
   * after a crash in between, the same victims are still the least valuable and go on the next
   * pass; the other order could lose the raise.
   */
  public synchronized Pass enforce(String namespace, String os, Collection<GoldenImage> catalog) {
    CacheLimits limits =
        new CacheLimits(config.cache().maxImagesPerOs(), config.cache().maxBytesPerOs());
    List<GoldenImage> images =
        catalog.stream()
            .filter(gi -> namespace.equals(gi.getMetadata().getNamespace()))
            .filter(gi -> os.equals(gi.getSpec().os))
            .filter(gi -> gi.getMetadata().getDeletionTimestamp() == null)
            .toList();
    long bytes = images.stream().mapToLong(CatalogEviction::sizeBytes).sum();
    if (!limits.exceeded(images.size(), bytes)) {
      List<String> expired = expireOutdated(os, images);
      // Once the images of an old generation are gone, its base may go on the next pass.
      return new Pass(expired, !expired.isEmpty());
    }
    // Only now, over a limit, look at which images VMs use (the request informer's cache).
    Decision decision = decide(os, images, usage(namespace), limits);
    List<CacheEntry> victims = decision.victims();
    if (decision.clock() > decision.clockBefore()) {
      ledger.raiseClock(
          namespace,
          os,
          decision.clock(),
          BaseGenerations.bases(images, os).stream()
              .map(gi -> gi.getMetadata().getName())
              .toList());
      return new Pass(List.of(), true);
    }
    for (CacheEntry victim : victims) {
      GoldenImage gi =
          images.stream()
              .filter(i -> i.getMetadata().getName().equals(victim.name()))
              .findFirst()
              .orElseThrow();
      events.normal(
          gi,
          "Evicted",
          "evicted to keep "
              + os
              + " within the cache limits (priority "
              + String.format("%.3g", victim.priority())
              + ")");
      try {
        client.resource(gi).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
      metrics.eviction(os);
    }
    int current = BaseGenerations.currentGeneration(images, os);
    boolean outdatedGone =
        images.stream()
            .filter(
                gi -> victims.stream().anyMatch(v -> v.name().equals(gi.getMetadata().getName())))
            .anyMatch(gi -> BaseGenerations.outdated(gi, current));
    // An outdated image gone may leave the base of its generation unneeded: look again.
    List<String> evicted = victims.stream().map(CacheEntry::name).toList();
    List<GoldenImage> kept =
        images.stream().filter(gi -> !evicted.contains(gi.getMetadata().getName())).toList();
    boolean stillOver =
        limits.exceeded(kept.size(), kept.stream().mapToLong(CatalogEviction::sizeBytes).sum());
    return new Pass(evicted, outdatedGone, stillOver);
  }

  /**
   * Deletes the images outdated for longer than the grace period that nothing protects (they will
   * never be used for a new build). Lists usage only when there is such a candidate.
   */
  private List<String> expireOutdated(String os, List<GoldenImage> images) {
    Duration grace = config.cache().outdatedGracePeriod();
    Instant now = Instant.now();
    if (expired(images, new Usage(Set.of(), Set.of()), now, grace).isEmpty()) {
      return List.of();
    }
    String namespace = images.get(0).getMetadata().getNamespace();
    List<String> deleted = new java.util.ArrayList<>();
    for (GoldenImage gi : expired(images, usage(namespace), now, grace)) {
      events.normal(
          gi, "Evicted", "outdated (built on an older base) and unused for more than " + grace);
      try {
        client.resource(gi).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
      metrics.eviction(os);
      deleted.add(gi.getMetadata().getName());
    }
    return deleted;
  }

  /** The images of {@code images} outdated since before {@code now - grace} and not protected. */
  static List<GoldenImage> expired(
      List<GoldenImage> images, Usage usage, Instant now, Duration grace) {
    return images.stream()
        .filter(gi -> protectedReason(gi, images, usage) == null)
        .filter(
            gi -> {
              var c = Conditions.get(gi.getStatus(), Conditions.OUTDATED);
              return c != null
                  && "True".equals(c.getStatus())
                  && c.getLastTransitionTime() != null
                  && Instant.parse(c.getLastTransitionTime()).plus(grace).isBefore(now);
            })
        .toList();
  }

  /** The images to evict, least valuable first, and the clock before and after evicting them. */
  record Decision(List<CacheEntry> victims, double clockBefore, double clock) {}

  /** What to evict from {@code images}, the whole catalog of {@code os} (one namespace). */
  static Decision decide(String os, List<GoldenImage> images, Usage usage, CacheLimits limits) {
    double clock = CacheClock.of(BaseGenerations.bases(images, os));
    int current = BaseGenerations.currentGeneration(images, os);
    // A policy per pass, started from the stored clock: the clock lives in the API, not here.
    GreedyDualSizeFrequency policy = new GreedyDualSizeFrequency();
    policy.restoreInflation(os, clock);
    List<CacheEntry> entries =
        images.stream().map(gi -> entry(gi, protectedReason(gi, images, usage), current)).toList();
    List<CacheEntry> victims = policy.victims(entries, limits);
    return new Decision(victims, clock, policy.inflation(os));
  }

  /**
   * An image as the policy ranks it. An outdated one (built on an older base generation) ranks
   * below every current one: nothing new is built from it, so it goes first when it is unused.
   */
  private static CacheEntry entry(GoldenImage gi, String protectedReason, int current) {
    GoldenImage.Status s = gi.getStatus();
    boolean outdated = BaseGenerations.outdated(gi, current);
    return new CacheEntry(
        gi.getMetadata().getName(),
        gi.getSpec().os,
        sizeBytes(gi),
        outdated ? 0 : lastUse(s),
        outdated ? Math.min(0, CacheClock.stored(s)) - 1 : CacheClock.stored(s),
        protectedReason);
  }

  /** Why an image must stay, or null when it may be evicted. */
  static String protectedReason(GoldenImage gi, Collection<GoldenImage> sameOs, Usage usage) {
    String name = gi.getMetadata().getName();
    if (gi.getSpec().parent == null) {
      String why = baseProtection(gi, sameOs, usage);
      if (why != null) {
        return why;
      }
    }
    if (gi.getStatus() == null || gi.getStatus().phase != Phase.Ready) {
      return "not Ready";
    }
    if (usage.images().contains(name)) {
      return "used by a VM";
    }
    List<String> requestedBy =
        gi.getSpec().requestedBy == null ? List.of() : gi.getSpec().requestedBy;
    for (String gvm : requestedBy) {
      if (usage.waiting().contains(gvm)) {
        return "planned for " + gvm + ", not Ready yet";
      }
    }
    for (GoldenImage child : sameOs) {
      Phase phase = child.getStatus() == null ? null : child.getStatus().phase;
      if (name.equals(child.getSpec().parent) && phase != Phase.Ready && phase != Phase.Failed) {
        return "parent of unfinished build " + child.getMetadata().getName();
      }
    }
    return null;
  }

  /**
   * Why a base image must stay, or null for an old base nothing needs any more: the current base
   * (and a newer one still importing) stays; an older one stays while a VM uses it, a VM pins its
   * generation, or any image built on its generation is still there (it goes after them, so the
   * parent of an image in use or building never goes).
   */
  private static String baseProtection(
      GoldenImage base, Collection<GoldenImage> sameOs, Usage usage) {
    int generation = BaseGenerations.of(base);
    String os = base.getSpec().os;
    if (!BaseGenerations.outdated(base, BaseGenerations.currentGeneration(sameOs, os))) {
      return "base image";
    }
    if (usage.images().contains(base.getMetadata().getName())) {
      return "used by a VM";
    }
    if (usage.pinned().contains(os + "@" + generation)) {
      return "base of generation " + generation + ", pinned by a VM";
    }
    for (GoldenImage other : sameOs) {
      if (other.getSpec().parent != null
          && os.equals(other.getSpec().os)
          && BaseGenerations.of(other) == generation
          && other.getMetadata().getDeletionTimestamp() == null) {
        return "base of " + other.getMetadata().getName() + " (generation " + generation + ")";
      }
    }
    return null;
  }

  /**
   * Images VMs clone from, GraftedVirtualMachines (namespace/name) still settling, and the base
   * generations VMs pin ({@code os@generation}).
   */
  record Usage(Set<String> images, Set<String> waiting, Set<String> pinned) {
    Usage(Set<String> images, Set<String> waiting) {
      this(images, waiting, Set.of());
    }
  }

  private Usage usage(String catalogNamespace) {
    Set<String> images = new HashSet<>();
    Set<String> waiting = new HashSet<>();
    Set<String> pinned = new HashSet<>();
    for (GraftedVirtualMachine gvm : requests.all()) {
      if (gvm.getSpec() != null && gvm.getSpec().baseGeneration != null) {
        pinned.add(gvm.getSpec().os + "@" + gvm.getSpec().baseGeneration);
      }
      var s = gvm.getStatus();
      if (s == null || s.phase != Phase.Ready) {
        waiting.add(gvm.getMetadata().getNamespace() + "/" + gvm.getMetadata().getName());
      }
      if (s != null && s.image != null) {
        String ns = s.imageNamespace == null ? gvm.getMetadata().getNamespace() : s.imageNamespace;
        if (catalogNamespace.equals(ns)) {
          images.add(s.image);
        }
      }
    }
    return new Usage(images, waiting, pinned);
  }

  static long sizeBytes(GoldenImage gi) {
    return CacheClock.sizeBytes(gi.getStatus());
  }

  private static long lastUse(GoldenImage.Status s) {
    if (s == null || s.lastUsed == null) {
      return 0;
    }
    return Instant.parse(s.lastUsed).toEpochMilli();
  }
}
