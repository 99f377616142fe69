package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.catalog.BaseGenerations;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The builds this operator let past the {@link Queue} whose start ({@code status.buildStartedAt})
 * the informer cache does not show yet, per namespace. Without them, images reconciled at the same
 * time (a batch just created) each see fewer builds running than there are and all start. A slot is
 * granted under this object's lock, so grants never exceed the limit; it is forgotten once the
 * informer's list shows the build started (then {@link Queue#ahead} counts it), settled, or gone.
 */
public final class BuildSlots {
  private final Map<String, Set<String>> granted = new HashMap<>();

  /**
   * As {@link #catalog(GoldenImage, GoldenImage, List, int, Instant)}, with the namespace's images
   * read from the cache under this object's lock. A list read before the lock may be older than one
   * a call that got the lock first read: that call forgot a grant its list showed started, and this
   * one, whose list does not show it started yet, would count it nowhere and grant one build too
   * many (seen as three builds running under a limit of two). The cache only moves forward, so
   * lists read in lock order never go back.
   */
  public synchronized BuildView.Catalog catalog(
      GoldenImage gi,
      GoldenImage parent,
      java.util.function.Supplier<List<GoldenImage>> images,
      int maxConcurrentBuilds,
      Instant now) {
    return catalog(gi, parent, images.get(), maxConcurrentBuilds, now);
  }

  /**
   * Where {@code gi} stands among {@code images} (its namespace's GoldenImages), counting the
   * builds granted a slot but not yet seen started; grants {@code gi} a slot when it may start now.
   * Whether it may is judged on {@code parent}, the copy of its parent its reconcile decides on
   * (WaitForParent): the list may not show that parent Ready yet (the SDK hands out its own status
   * writes before the informer has them), and a build let past the queue without a slot was seen as
   * four builds running under a limit of two.
   */
  public synchronized BuildView.Catalog catalog(
      GoldenImage gi,
      GoldenImage parent,
      List<GoldenImage> images,
      int maxConcurrentBuilds,
      Instant now) {
    // Only a build waiting for its start asks for a slot; the images of every other reconcile (a
    // Ready image's uses, a running build's steps) need no name map. Grants are forgotten by the
    // next call that asks, on a list at least as new (lock order).
    if (maxConcurrentBuilds <= 0 || gi.getSpec().parent == null || !pending(gi)) {
      return BuildView.Catalog.of(gi, images, maxConcurrentBuilds);
    }
    Map<String, GoldenImage> byName = new HashMap<>();
    images.forEach(i -> byName.put(i.getMetadata().getName(), i));
    Set<String> mine =
        granted.computeIfAbsent(gi.getMetadata().getNamespace(), k -> new HashSet<>());
    // Only the list forgets a grant: the reconciled copy may be the SDK's cache of this image's
    // own status write, newer than the informer's list, and forgetting on it would leave the
    // started build counted nowhere (seen as three builds running under a limit of two).
    mine.removeIf(name -> !pending(byName.get(name)));
    String name = gi.getMetadata().getName();
    // Queue.ahead already counts a granted build made before this one (it could start).
    int ahead =
        Queue.ahead(gi, images, byName)
            + (int)
                mine.stream()
                    .filter(n -> !n.equals(name))
                    .filter(
                        n ->
                            !(startable(byName.get(n), byName, now)
                                && Queue.ORDER.compare(byName.get(n), gi) < 0))
                    .count();
    if (ahead < maxConcurrentBuilds && startable(gi, parent, now)) {
      mine.add(name);
    }
    int current = BaseGenerations.currentGeneration(images, gi.getSpec().os);
    return new BuildView.Catalog(current, ahead, maxConcurrentBuilds);
  }

  /** Not started as far as the cache shows, not settled, not being deleted. */
  private static boolean pending(GoldenImage gi) {
    if (gi == null || gi.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    var s = gi.getStatus();
    return s == null
        || (s.buildStartedAt == null && s.phase != Phase.Ready && s.phase != Phase.Failed);
  }

  /** Its parent is Ready and no retry backoff holds it: passing the queue, it starts now. */
  private static boolean startable(GoldenImage gi, Map<String, GoldenImage> byName, Instant now) {
    return startable(gi, byName.get(gi.getSpec().parent), now);
  }

  private static boolean startable(GoldenImage gi, GoldenImage parent, Instant now) {
    boolean parentReady =
        parent != null && parent.getStatus() != null && parent.getStatus().phase == Phase.Ready;
    String retryAfter = gi.getStatus() == null ? null : gi.getStatus().retryAfter;
    return parentReady && (retryAfter == null || !Instant.parse(retryAfter).isAfter(now));
  }
}
