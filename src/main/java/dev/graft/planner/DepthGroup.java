package dev.graft.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pending requests of one OS under a depth limit {@code D}, as the bounded solvers see them.
 * Requests are numbered 0..n-1. A request built from an image of depth {@code d} sits at level
 * {@code d + 1}; its <em>slack</em> {@code D - level} is how deep a chain of requests may still
 * grow below it. {@code root[j][s]} is the cheapest image that leaves request {@code j} a slack of
 * at least {@code s} (an image of depth at most {@code D - 1 - s}); slack is capped at {@code n -
 * 1}, enough for any chain of requests. {@code incoming[j]} are the request-to-request edges into
 * {@code j} cheaper than its shallowest root source (the others never help: that root source gives
 * the same or a lower level at no higher cost).
 *
 * <p>A solution is a parent per request: another request's number, or {@code -1 - s} for an image
 * chosen with slack {@code s}.
 */
final class DepthGroup {
  static final double INF = Double.POSITIVE_INFINITY;

  /** A request-to-request edge into a request: from {@code from}, costing {@code cost}. */
  record In(int from, double cost) {}

  final int n;
  final int maxDepth;
  final int maxSlack;
  final double[][] root;
  final List<List<In>> incoming;

  DepthGroup(int maxDepth, double[][] root, List<List<In>> incoming) {
    this.n = root.length;
    this.maxDepth = maxDepth;
    this.maxSlack = root.length == 0 ? 0 : root[0].length - 1;
    this.root = root;
    this.incoming = incoming;
  }

  /** A group from a full cost matrix (tests and the gap benchmark); {@code cost[i][j]}: i -> j. */
  static DepthGroup dense(int maxDepth, double[][] root, double[][] cost) {
    List<List<In>> incoming = new ArrayList<>();
    for (int j = 0; j < root.length; j++) {
      List<In> in = new ArrayList<>();
      for (int i = 0; i < root.length; i++) {
        if (i != j && cost[i][j] < root[j][root[j].length - 1]) {
          in.add(new In(i, cost[i][j]));
        }
      }
      incoming.add(in);
    }
    return new DepthGroup(maxDepth, root, incoming);
  }

  /** The slack cap for {@code n} requests under limit {@code maxDepth}. */
  static int slackCap(int n, int maxDepth) {
    return Math.max(0, Math.min(maxDepth - 1, n - 1));
  }

  /** Cost matrix with {@code INF} where no edge is kept. */
  double[][] matrix() {
    double[][] cost = new double[n][n];
    for (double[] row : cost) {
      Arrays.fill(row, INF);
    }
    for (int j = 0; j < n; j++) {
      for (In e : incoming.get(j)) {
        cost[e.from()][j] = Math.min(cost[e.from()][j], e.cost());
      }
    }
    return cost;
  }

  /** Total cost of a solution, or {@code INF} when it breaks the limit, has a cycle or no edge. */
  double total(int[] parent) {
    double[][] cost = matrix();
    double sum = 0;
    for (int j = 0; j < n; j++) {
      int level = level(parent, j, 0);
      if (level < 0 || level > maxDepth) {
        return INF;
      }
      sum += parent[j] >= 0 ? cost[parent[j]][j] : root[j][-1 - parent[j]];
    }
    return sum;
  }

  /** The level a solution gives request {@code j} (an upper bound of its depth); -1 on a cycle. */
  private int level(int[] parent, int j, int steps) {
    if (steps > n) {
      return -1;
    }
    if (parent[j] < 0) {
      return maxDepth - (-1 - parent[j]);
    }
    int above = level(parent, parent[j], steps + 1);
    return above < 0 ? -1 : above + 1;
  }
}
