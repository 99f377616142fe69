package dev.graft.bench;

import dev.graft.cache.CacheEntry;
import dev.graft.cache.CacheLimits;
import dev.graft.cache.GreedyDualSizeFrequency;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Replays a stream of image requests against a size-limited catalog under an eviction policy and
 * counts hits and the build seconds spent on misses. Popularity is Zipf-like and shifts halfway, as
 * fleets do between releases. Images differ in size (OS plus injected files) and in rebuild cost
 * (appliance launch + bytes + files), which is what a cost-aware policy can exploit.
 */
public final class CacheSimulation {

  /** The eviction policies compared. */
  public enum Policy {
    GDSF,
    LRU
  }

  /** What one replay measured. */
  public record Result(Policy policy, int requests, int hits, double buildSeconds) {
    public double hitRatio() {
      return (double) hits / requests;
    }
  }

  private record Image(String name, String os, long size, double rebuildSeconds) {}

  private final List<Image> universe = new ArrayList<>();
  private final int[] stream;

  /** A universe of {@code images} images over 3 OSes and a stream of {@code requests}. */
  public CacheSimulation(long seed, int images, int requests) {
    Random rnd = new Random(seed);
    for (int i = 0; i < images; i++) {
      String os = "os-" + (i % 3);
      long osBytes = (2L + i % 3 * 2) << 30;
      long injected = (long) ((1 << 20) * Math.pow(4096, rnd.nextDouble()));
      int files = 10 + rnd.nextInt(290);
      double seconds = 16 + injected / 50e6 + 0.05 * files;
      universe.add(new Image("img-" + i, os, osBytes + injected, seconds));
    }
    stream = new int[requests];
    double[] cdf = zipfCdf(images, 0.9);
    int[] rank = shuffled(rnd, images);
    for (int r = 0; r < requests; r++) {
      if (r == requests / 2) {
        rank = shuffled(rnd, images); // a new release: popularity moves
      }
      int k = java.util.Arrays.binarySearch(cdf, rnd.nextDouble());
      stream[r] = rank[Math.min(images - 1, k < 0 ? -k - 1 : k)];
    }
  }

  /** Bytes of the whole universe for one OS, to size the limit as a fraction of it. */
  public long bytesPerOs() {
    return universe.stream().filter(i -> i.os().equals("os-0")).mapToLong(Image::size).sum();
  }

  public Result run(Policy policy, CacheLimits limits) {
    GreedyDualSizeFrequency gdsf = new GreedyDualSizeFrequency();
    Map<String, CacheEntry> cached = new HashMap<>();
    Map<String, Long> hitsByName = new HashMap<>();
    int hits = 0;
    double seconds = 0;
    for (int tick = 0; tick < stream.length; tick++) {
      Image image = universe.get(stream[tick]);
      boolean hit = cached.containsKey(image.name());
      if (hit) {
        hits++;
      } else {
        seconds += image.rebuildSeconds();
      }
      long count = hitsByName.merge(image.name(), 1L, Long::sum);
      double priority =
          policy == Policy.LRU
              ? tick
              : gdsf.priority(image.os(), count, image.rebuildSeconds(), image.size());
      cached.put(
          image.name(),
          new CacheEntry(image.name(), image.os(), image.size(), tick, priority, null));
      if (!hit) {
        for (CacheEntry victim : gdsf.victims(List.copyOf(cached.values()), limits)) {
          cached.remove(victim.name());
          if (policy == Policy.GDSF) {
            hitsByName.remove(victim.name()); // GDSF-in-cache: frequency restarts on re-entry
          }
        }
      }
    }
    return new Result(policy, stream.length, hits, seconds);
  }

  private static int[] shuffled(Random rnd, int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Cumulative Zipf(s) probabilities of ranks 1..n. */
  private static double[] zipfCdf(int n, double s) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 1; k <= n; k++) {
      sum += 1 / Math.pow(k, s);
      cdf[k - 1] = sum;
    }
    for (int k = 0; k < n; k++) {
      cdf[k] /= sum;
    }
    return cdf;
  }
}
