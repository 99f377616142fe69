package dev.graft.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.roaringbitmap.RoaringBitmap;

/** Builds planning problems for tests: by hand, or at random from a seed. */
final class Instances {
  private final FileTable files = new FileTable();
  private final List<ImageSet> images = new ArrayList<>();
  private final List<ImageSet> requests = new ArrayList<>();
  private Weights weights = new Weights(1, 0, 0, 0, 0);
  private DepthLimits limits = DepthLimits.NONE;

  Instances maxDepth(int max) {
    this.limits = DepthLimits.of(max);
    return this;
  }

  /** A cached image at a clone-chain depth. */
  Instances imageAt(int depth, String name, String os, String... fileIds) {
    images.add(new ImageSet(name, os, bitmap(fileIds), depth));
    return this;
  }

  Instances weights(Weights weights) {
    this.weights = weights;
    return this;
  }

  Instances file(String id, long size, double injectCost, double removeCost) {
    files.add(new FileInfo(id, "/" + id, size, injectCost, removeCost));
    return this;
  }

  Instances image(String name, String os, String... fileIds) {
    images.add(new ImageSet(name, os, bitmap(fileIds)));
    return this;
  }

  Instances request(String name, String os, String... fileIds) {
    requests.add(new ImageSet(name, os, bitmap(fileIds)));
    return this;
  }

  Problem problem() {
    return new Problem(new CostModel(weights, files), images, requests, limits);
  }

  private RoaringBitmap bitmap(String... ids) {
    RoaringBitmap set = new RoaringBitmap();
    for (String id : ids) {
      set.add(files.indexOf(id));
    }
    return set;
  }

  /** A random small problem: 1-2 OSes, up to 7 files, up to 4 images, up to 5 requests. */
  static Problem random(long seed) {
    Random rnd = new Random(seed);
    Instances b = new Instances();
    b.weights(
        new Weights(
            rnd.nextInt(3),
            rnd.nextInt(3),
            rnd.nextDouble() * 2,
            rnd.nextInt(2) * rnd.nextDouble(),
            rnd.nextInt(2) * rnd.nextInt(50)));
    int fileCount = 1 + rnd.nextInt(7);
    for (int f = 0; f < fileCount; f++) {
      b.file("f" + f, rnd.nextInt(1000), rnd.nextInt(10), rnd.nextInt(5));
    }
    int osCount = 1 + rnd.nextInt(2);
    int imageCount = osCount + rnd.nextInt(3);
    for (int i = 0; i < imageCount; i++) {
      b.image("img" + i, "os" + (i % osCount), randomFiles(rnd, fileCount));
    }
    int requestCount = 1 + rnd.nextInt(5);
    for (int r = 0; r < requestCount; r++) {
      b.request("req" + r, "os" + rnd.nextInt(osCount), randomFiles(rnd, fileCount));
    }
    return b.problem();
  }

  /**
   * A random problem with a depth limit: 1-2 OSes, up to {@code maxRequests} requests, cached
   * images at depths 0 to 3 (the first of each OS a base at depth 0), and a limit of 1 to 4.
   */
  static Problem randomBounded(long seed, int maxRequests) {
    Random rnd = new Random(seed);
    Instances b = new Instances();
    b.weights(
        new Weights(
            1 + rnd.nextInt(3),
            rnd.nextInt(3),
            rnd.nextDouble() * 2,
            rnd.nextInt(2) * rnd.nextDouble(),
            rnd.nextInt(2) * rnd.nextInt(50)));
    int fileCount = 2 + rnd.nextInt(8);
    for (int f = 0; f < fileCount; f++) {
      b.file("f" + f, rnd.nextInt(1000), rnd.nextInt(10), rnd.nextInt(5));
    }
    int osCount = 1 + rnd.nextInt(2);
    int imageCount = osCount + rnd.nextInt(4);
    for (int i = 0; i < imageCount; i++) {
      b.imageAt(
          i < osCount ? 0 : rnd.nextInt(4),
          "img" + i,
          "os" + (i % osCount),
          i < osCount ? new String[0] : randomFiles(rnd, fileCount));
    }
    int requestCount = 1 + rnd.nextInt(maxRequests);
    for (int r = 0; r < requestCount; r++) {
      b.request("req" + r, "os" + rnd.nextInt(osCount), randomFiles(rnd, fileCount));
    }
    return b.maxDepth(1 + rnd.nextInt(4)).problem();
  }

  private static String[] randomFiles(Random rnd, int fileCount) {
    List<String> ids = new ArrayList<>();
    for (int f = 0; f < fileCount; f++) {
      if (rnd.nextInt(100) < 45) {
        ids.add("f" + f);
      }
    }
    return ids.toArray(String[]::new);
  }
}
