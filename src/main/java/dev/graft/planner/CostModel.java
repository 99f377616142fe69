package dev.graft.planner;

import org.roaringbitmap.RoaringBitmap;

/**
 * The cost of building one image from another (plan-format.md):
 *
 * <pre>
 * cost(x -> r) = fixed + missingBytes * size(missing) + inject * injectCost(missing)
 *              + remove * removeCost(excess) + excessBytes * size(excess) + cloneCost(x)
 * fixed        = perBuild + perDisk + perLaunch / disksPerLaunch
 * </pre>
 *
 * <p>(the launch shared by up to {@code disksPerLaunch} builds, {@link Weights#fixedCost()}; below,
 * {@code perBuild} stands for that fixed cost.)
 *
 * <p>With per-file add cost {@code a(f)} and drop cost {@code d(f)} this is {@code perBuild + A(r)
 * + D(x) - sum over r∩x of (a(f) + d(f))}, which lets the nearest-image index score a candidate
 * from the shared files alone.
 */
public final class CostModel {
  private final Weights weights;
  private final FileTable files;
  private final double[] addCost;
  private final double[] dropCost;

  public CostModel(Weights weights, FileTable files) {
    this.weights = weights;
    this.files = files;
    int n = files.size();
    addCost = new double[n];
    dropCost = new double[n];
    for (int i = 0; i < n; i++) {
      FileInfo f = files.get(i);
      addCost[i] = weights.missingBytes() * f.size() + weights.inject() * f.injectCost();
      dropCost[i] = weights.remove() * f.removeCost() + weights.excessBytes() * f.size();
    }
  }

  public Weights weights() {
    return weights;
  }

  public FileTable files() {
    return files;
  }

  /** Cost of building {@code target} from {@code source}; 0 when their file sets are equal. */
  public double cost(RoaringBitmap source, RoaringBitmap target) {
    if (source.equals(target)) {
      return 0;
    }
    return weights.fixedCost()
        + addCost(RoaringBitmap.andNot(target, source))
        + dropCost(RoaringBitmap.andNot(source, target));
  }

  /** Cost of building {@code target} from the image {@code source}, its clone term included. */
  public double cost(ImageSet source, ImageSet target) {
    double files = cost(source.files(), target.files());
    return source.files().equals(target.files()) ? files : files + source.cloneCost();
  }

  /** Sum of the per-file add costs of a set (what injecting all of it costs). */
  public double addCost(RoaringBitmap set) {
    double sum = 0;
    for (int f : set) {
      sum += addCost[f];
    }
    return sum;
  }

  /** Sum of the per-file drop costs of a set (what removing all of it costs). */
  public double dropCost(RoaringBitmap set) {
    double sum = 0;
    for (int f : set) {
      sum += dropCost[f];
    }
    return sum;
  }

  /**
   * The drop cost of a set given its sums of remove costs and sizes: {@code remove * removeCost +
   * excessBytes * size}; what an index that outlives the weights stores per image.
   */
  public double dropCost(double removeUnits, double bytes) {
    return weights.remove() * removeUnits + weights.excessBytes() * bytes;
  }

  /** What a file saves when source and target share it: it is neither added nor removed. */
  double sharedSaving(int file) {
    return addCost[file] + dropCost[file];
  }
}
