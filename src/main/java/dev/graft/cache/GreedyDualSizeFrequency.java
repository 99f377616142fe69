package dev.graft.cache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GreedyDual-Size-Frequency (Cherkasova 1998): an image's priority is {@code L + hits · rebuildCost
 * / size}, and the least valuable image goes first. {@code L} (the inflation, one per OS) rises to
 * the priority of each evicted image, so images that were valuable long ago age out instead of
 * squatting forever. Cheap-to-rebuild, large, rarely used images are evicted first; protected ones
 * never.
 */
public final class GreedyDualSizeFrequency {
  private static final Comparator<CacheEntry> LEAST_VALUABLE_FIRST =
      Comparator.comparingDouble(CacheEntry::priority)
          .thenComparingLong(CacheEntry::lastUseMillis)
          .thenComparing(CacheEntry::name);

  private final Map<String, Double> inflation = new HashMap<>();

  /** The priority to store on an image when it is built or used. */
  public double priority(String os, long hits, double rebuildCost, long sizeBytes) {
    return priority(inflation(os), hits, rebuildCost, sizeBytes);
  }

  /** The priority for an inflation kept elsewhere (the operator keeps it in the API). */
  public static double priority(double inflation, long hits, double rebuildCost, long sizeBytes) {
    return inflation + Math.max(1, hits) * rebuildCost / Math.max(1, sizeBytes);
  }

  /** The current inflation of an OS (0 until something was evicted). */
  public double inflation(String os) {
    return inflation.getOrDefault(os, 0.0);
  }

  /** Starts an OS's inflation from a value kept elsewhere; it never goes down. */
  public void restoreInflation(String os, double value) {
    inflation.merge(os, value, Math::max);
  }

  /**
   * After a restart the inflation is unknown; the lowest priority still cached is a safe lower
   * bound (every evicted image had at most that priority when it went).
   */
  public void restoreInflation(List<CacheEntry> entries) {
    for (CacheEntry e : entries) {
      if (e.evictable()) {
        inflation.merge(e.os(), e.priority(), (a, b) -> a == 0.0 ? b : Math.min(a, b));
      }
    }
  }

  /**
   * The images to evict so that every OS is within the limits, least valuable first. When only
   * protected images remain an OS may stay over its limit; nothing protected is ever returned.
   */
  public List<CacheEntry> victims(List<CacheEntry> entries, CacheLimits limits) {
    Map<String, List<CacheEntry>> byOs = new HashMap<>();
    entries.forEach(e -> byOs.computeIfAbsent(e.os(), os -> new ArrayList<>()).add(e));
    List<CacheEntry> victims = new ArrayList<>();
    byOs.forEach(
        (os, list) -> {
          int count = list.size();
          long bytes = list.stream().mapToLong(CacheEntry::sizeBytes).sum();
          List<CacheEntry> candidates =
              new ArrayList<>(list.stream().filter(CacheEntry::evictable).toList());
          candidates.sort(LEAST_VALUABLE_FIRST);
          for (CacheEntry victim : candidates) {
            if (!limits.exceeded(count, bytes)) {
              break;
            }
            victims.add(victim);
            inflation.merge(os, victim.priority(), Math::max);
            count--;
            bytes -= victim.sizeBytes();
          }
        });
    victims.sort(Comparator.comparing(CacheEntry::os).thenComparing(LEAST_VALUABLE_FIRST));
    return victims;
  }
}
