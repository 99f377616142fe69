package dev.graft.planner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Finds the cheapest source image for a request without scanning every image: an inverted index
 * from file to the images holding it scores only the images that share a file with the request;
 * every other image costs {@code perBuild + A(r) + D(x)}, so among those only the one with the
 * smallest drop cost {@code D(x)} (its clone cost included) can win. Exact matches are a hash
 * lookup.
 *
 * <p>Not thread-safe: a query reuses per-OS scratch arrays.
 */
public final class NearestIndex {

  /** The cheapest source found for a request, and what building from it costs. */
  public record Match(ImageSet source, double cost) {
    public boolean exact() {
      return cost == 0 && source != null;
    }
  }

  private final CostModel model;
  private final Map<String, ImageSet> exactByContent = new HashMap<>();
  private final Map<String, List<ImageSet>> imagesByOs = new HashMap<>();
  // Built on the first nearest() of an OS: strategies that only look up exact matches never pay.
  private final Map<String, OsIndex> byOs = new HashMap<>();

  public NearestIndex(CostModel model, List<ImageSet> images) {
    this.model = model;
    for (ImageSet image : images) {
      exactByContent.putIfAbsent(image.contentKey(), image);
      imagesByOs.computeIfAbsent(image.os(), os -> new ArrayList<>()).add(image);
    }
  }

  /** Builds the index of every OS now rather than on its first lookup; returns this. */
  public NearestIndex buildAll() {
    imagesByOs.forEach((os, images) -> byOs.computeIfAbsent(os, o -> new OsIndex(images)));
    return this;
  }

  /** Whether any image of this OS exists. */
  public boolean hasOs(String os) {
    return imagesByOs.containsKey(os);
  }

  /** The first image whose OS and files equal the request's, or null. */
  public ImageSet exact(ImageSet request) {
    return exactByContent.get(request.contentKey());
  }

  /**
   * The cheapest image to build the request from (cost 0 for an exact match); null if no image has
   * its OS.
   */
  public Match nearest(ImageSet request) {
    return nearest(request, DepthLimits.UNLIMITED);
  }

  /**
   * The cheapest image of depth at most {@code maxSourceDepth} to build the request from; null if
   * no image of its OS is that shallow.
   */
  public Match nearest(ImageSet request, int maxSourceDepth) {
    ImageSet exact = exact(request);
    if (exact != null && exact.depth() <= maxSourceDepth) {
      return new Match(exact, 0);
    }
    List<ImageSet> images = imagesByOs.get(request.os());
    if (images == null) {
      return null;
    }
    OsIndex index = byOs.computeIfAbsent(request.os(), os -> new OsIndex(images));
    ImageSet best = index.cheapest(request.files(), maxSourceDepth);
    return best == null ? null : new Match(best, model.cost(best, request));
  }

  /** Images of one OS with their drop costs and the file-to-image postings. */
  private final class OsIndex {
    private final ImageSet[] images;
    private final double[] drop;
    private final int[][] postings;
    private final double[] shared;
    private final int[] stamp;
    private final int[] depth;
    // Distinct depths, ascending, and the image of least drop cost among those at most that deep.
    private final int[] levels;
    private final int[] cheapestToKeep;
    private int query;

    OsIndex(List<ImageSet> list) {
      images = list.toArray(ImageSet[]::new);
      drop = new double[images.length];
      shared = new double[images.length];
      stamp = new int[images.length];
      depth = new int[images.length];
      int[] counts = new int[model.files().size()];
      java.util.TreeMap<Integer, Integer> cheapestAtDepth = new java.util.TreeMap<>();
      for (int i = 0; i < images.length; i++) {
        drop[i] = model.dropCost(images[i].files()) + images[i].cloneCost();
        depth[i] = images[i].depth();
        images[i].files().forEach((int f) -> counts[f]++);
        Integer held = cheapestAtDepth.get(depth[i]);
        if (held == null || drop[i] < drop[held]) {
          cheapestAtDepth.put(depth[i], i);
        }
      }
      levels = new int[cheapestAtDepth.size()];
      cheapestToKeep = new int[levels.length];
      int k = 0;
      for (var e : cheapestAtDepth.entrySet()) {
        int i = e.getValue();
        int previous = k == 0 ? -1 : cheapestToKeep[k - 1];
        boolean better =
            previous < 0 || drop[i] < drop[previous] || (drop[i] == drop[previous] && i < previous);
        levels[k] = e.getKey();
        cheapestToKeep[k++] = better ? i : previous;
      }
      postings = new int[counts.length][];
      for (int f = 0; f < counts.length; f++) {
        postings[f] = new int[counts[f]];
        counts[f] = 0;
      }
      for (int i = 0; i < images.length; i++) {
        final int image = i;
        images[i].files().forEach((int f) -> postings[f][counts[f]++] = image);
      }
    }

    /**
     * The image of depth at most {@code maxDepth} minimising {@code D(x) - saving(r ∩ x)}; ties go
     * to the earlier image; null when none is that shallow.
     */
    ImageSet cheapest(RoaringBitmap request, int maxDepth) {
      int level = java.util.Arrays.binarySearch(levels, maxDepth);
      level = level >= 0 ? level : -level - 2;
      if (level < 0) {
        return null;
      }
      int current = ++query;
      List<Integer> touched = new ArrayList<>();
      for (int f : request) {
        if (f >= postings.length) {
          continue;
        }
        double saving = model.sharedSaving(f);
        for (int image : postings[f]) {
          if (stamp[image] != current) {
            stamp[image] = current;
            shared[image] = 0;
            touched.add(image);
          }
          shared[image] += saving;
        }
      }
      int best = cheapestToKeep[level];
      double bestScore = score(best, current);
      for (int image : touched) {
        if (depth[image] > maxDepth) {
          continue;
        }
        double s = drop[image] - shared[image];
        if (s < bestScore || (s == bestScore && image < best)) {
          best = image;
          bestScore = s;
        }
      }
      return images[best];
    }

    private double score(int image, int current) {
      return drop[image] - (stamp[image] == current ? shared[image] : 0);
    }
  }
}
