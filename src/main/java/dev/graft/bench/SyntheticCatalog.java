package dev.graft.bench;

import dev.graft.planner.CostModel;
import dev.graft.planner.FileInfo;
import dev.graft.planner.FileTable;
import dev.graft.planner.ImageSet;
import dev.graft.planner.Problem;
import dev.graft.planner.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.roaringbitmap.RoaringBitmap;

/**
 * Random but structured planning instances for benchmarks: files come in overlapping "packs" (think
 * packages and their configs), images are unions of a few packs, and most requests are variations
 * of an existing image, as in a real fleet.
 */
public final class SyntheticCatalog {
  private static final long KIB = 1024;
  private static final long MAX_SIZE = 50 * 1024 * KIB;

  private final Random rnd;
  private final int osCount;
  private final FileTable files = new FileTable();
  private final List<int[]> packs = new ArrayList<>();

  /** A catalog over {@code fileCount} files in {@code fileCount / 20} packs and the given OSes. */
  public SyntheticCatalog(long seed, int fileCount, int osCount) {
    this.rnd = new Random(seed);
    this.osCount = osCount;
    for (int f = 0; f < fileCount; f++) {
      // Log-uniform between 1 KiB and 50 MiB: many small configs, a few big binaries.
      long size = (long) (KIB * Math.pow((double) MAX_SIZE / KIB, rnd.nextDouble()));
      files.add(new FileInfo("f" + f, "/opt/f" + f, size, 1, 1));
    }
    for (int p = 0; p < Math.max(1, fileCount / 20); p++) {
      int[] pack = new int[5 + rnd.nextInt(36)];
      for (int i = 0; i < pack.length; i++) {
        pack[i] = rnd.nextInt(fileCount);
      }
      packs.add(pack);
    }
  }

  /** {@code images} cached images and {@code requests} requests, weights in seconds. */
  public Problem problem(int images, int requests, Weights weights) {
    List<ImageSet> cached = new ArrayList<>();
    for (int os = 0; os < osCount; os++) {
      cached.add(new ImageSet("base-" + os, "os-" + os, new RoaringBitmap()));
    }
    while (cached.size() < images) {
      int os = rnd.nextInt(osCount);
      cached.add(new ImageSet("img-" + cached.size(), "os-" + os, composition(50, 150)));
    }
    List<ImageSet> wanted = new ArrayList<>();
    for (int r = 0; r < requests; r++) {
      ImageSet image;
      int kind = rnd.nextInt(10);
      if (kind < 6) {
        ImageSet like = cached.get(osCount + rnd.nextInt(cached.size() - osCount));
        image = new ImageSet("req-" + r, like.os(), vary(like.files()));
      } else if (kind < 7 && !wanted.isEmpty()) {
        ImageSet like = wanted.get(rnd.nextInt(wanted.size()));
        image = new ImageSet("req-" + r, like.os(), like.files().clone());
      } else {
        image = new ImageSet("req-" + r, "os-" + rnd.nextInt(osCount), composition(50, 150));
      }
      wanted.add(image);
    }
    return new Problem(new CostModel(weights, files), cached, wanted);
  }

  private RoaringBitmap composition(int min, int max) {
    int target = min + rnd.nextInt(max - min + 1);
    RoaringBitmap set = new RoaringBitmap();
    while (set.getCardinality() < target) {
      for (int f : packs.get(rnd.nextInt(packs.size()))) {
        if (set.getCardinality() < target) {
          set.add(f);
        }
      }
    }
    return set;
  }

  private RoaringBitmap vary(RoaringBitmap files) {
    RoaringBitmap set = files.clone();
    int[] members = set.toArray();
    for (int i = rnd.nextInt(11); i > 0; i--) {
      set.remove(members[rnd.nextInt(members.length)]);
    }
    int[] pack = packs.get(rnd.nextInt(packs.size()));
    for (int i = rnd.nextInt(11); i > 0; i--) {
      set.add(pack[rnd.nextInt(pack.length)]);
    }
    return set;
  }
}
