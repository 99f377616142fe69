package dev.graft.planner;

/**
 * The cheapest depth-bounded plan of a small group, exactly, by dynamic programming over subsets
 * (time O(n² · 3ⁿ), memory O(n² · 2ⁿ)): {@code T[c][s][S]} is the least cost of hanging the
 * requests {@code S} below request {@code c} when {@code c} has slack {@code s}; a subtree is split
 * off {@code S} by the subset holding its lowest member, so each split is counted once. The forest
 * below the images is split the same way.
 */
final class ExactDepthSolver {
  /**
   * Largest group solved exactly when planning (about 10 ms); above it, {@link DepthLocalSearch}.
   */
  static final int LIMIT = 10;

  private final DepthGroup g;
  private final double[][] cost;
  private final int n;
  private final int slacks;
  private final double[][][] t;
  private final int[][][] tSplit;
  private final double[][][] h;
  private final int[][][] hChild;

  private ExactDepthSolver(DepthGroup group) {
    this.g = group;
    this.cost = group.matrix();
    this.n = group.n;
    this.slacks = group.maxSlack + 1;
    int all = 1 << n;
    t = new double[n][slacks][all];
    tSplit = new int[n][slacks][all];
    h = new double[n][slacks][all];
    hChild = new int[n][slacks][all];
  }

  /** The parent of every request in a cheapest plan within the limit; null if none exists. */
  static int[] solve(DepthGroup group) {
    if (group.n > 20) {
      throw new IllegalArgumentException("exact solver: " + group.n + " requests is too many");
    }
    return new ExactDepthSolver(group).run();
  }

  private int[] run() {
    int all = 1 << n;
    for (int s = 0; s < slacks; s++) {
      for (int p = 0; p < n; p++) {
        for (int b = 1; b < all; b++) {
          hangBelow(p, s, b);
        }
      }
      for (int c = 0; c < n; c++) {
        for (int set = 0; set < all; set++) {
          subtree(c, s, set);
        }
      }
    }
    double[] forest = new double[all];
    int[] forestSplit = new int[all];
    double[] tree = new double[all];
    int[] treeRoot = new int[all];
    for (int b = 1; b < all; b++) {
      tree[b] = DepthGroup.INF;
      for (int c = 0; c < n; c++) {
        if ((b & (1 << c)) == 0) {
          continue;
        }
        for (int s = 0; s < slacks; s++) {
          double v = g.root[c][s] + t[c][s][b & ~(1 << c)];
          if (v < tree[b]) {
            tree[b] = v;
            treeRoot[b] = c * slacks + s;
          }
        }
      }
    }
    for (int set = 1; set < all; set++) {
      forest[set] = DepthGroup.INF;
      int low = set & -set;
      for (int b = set; b > 0; b = (b - 1) & set) {
        if ((b & low) != 0) {
          double v = tree[b] + forest[set & ~b];
          if (v < forest[set]) {
            forest[set] = v;
            forestSplit[set] = b;
          }
        }
      }
    }
    if (forest[all - 1] == DepthGroup.INF) {
      return null;
    }
    int[] parent = new int[n];
    for (int set = all - 1; set != 0; set &= ~forestSplit[set]) {
      int b = forestSplit[set];
      int c = treeRoot[b] / slacks;
      int s = treeRoot[b] % slacks;
      parent[c] = -1 - s;
      emit(c, s, b & ~(1 << c), parent);
    }
    return parent;
  }

  /** h[p][s][b]: the requests b as one subtree below p (slack s): its top is the best member. */
  private void hangBelow(int p, int s, int b) {
    h[p][s][b] = DepthGroup.INF;
    if (s == 0 || (b & (1 << p)) != 0) {
      return;
    }
    for (int rest = b; rest != 0; rest &= rest - 1) {
      int c = Integer.numberOfTrailingZeros(rest);
      double v = cost[p][c] + t[c][s - 1][b & ~(1 << c)];
      if (v < h[p][s][b]) {
        h[p][s][b] = v;
        hChild[p][s][b] = c;
      }
    }
  }

  /** t[c][s][set]: the requests set below c (slack s), split by the subtree of set's lowest. */
  private void subtree(int c, int s, int set) {
    if (set == 0) {
      t[c][s][0] = 0;
      return;
    }
    t[c][s][set] = DepthGroup.INF;
    if ((set & (1 << c)) != 0 || s == 0) {
      return;
    }
    int low = set & -set;
    for (int b = set; b > 0; b = (b - 1) & set) {
      if ((b & low) != 0) {
        double v = h[c][s][b] + t[c][s][set & ~b];
        if (v < t[c][s][set]) {
          t[c][s][set] = v;
          tSplit[c][s][set] = b;
        }
      }
    }
  }

  private void emit(int c, int s, int set, int[] parent) {
    while (set != 0) {
      int b = tSplit[c][s][set];
      int child = hChild[c][s][b];
      parent[child] = c;
      emit(child, s - 1, b & ~(1 << child), parent);
      set &= ~b;
    }
  }
}
