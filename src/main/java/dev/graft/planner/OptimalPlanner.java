package dev.graft.planner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Plans all pending requests together as a minimum-cost arborescence. Node 0 is a root standing for
 * the catalog; the edge root -> r costs r's cheapest existing source, and r_i -> r_j (same OS)
 * costs building r_j from r_i once built. An edge between requests that is no cheaper than the root
 * edge into the same request is dropped: swapping it for the root edge never raises the total, so
 * the optimum survives and the graph stays small. Under a depth limit, the sources are the images
 * shallow enough, and an OS whose optimum builds too deep a chain is planned again by {@link
 * DepthBoundedPlanner}.
 */
final class OptimalPlanner {
  private OptimalPlanner() {}

  static Choice[] choose(Problem problem, SourceIndex index, Choice[] choices, DepthSolver solver) {
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < choices.length; i++) {
      if (choices[i] == null) {
        pending.add(i);
      }
    }
    int n = pending.size();
    ImageSet[] bestImage = new ImageSet[n];
    double[] rootCost = new double[n];
    List<Arborescence.Edge> edges = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      ImageSet request = problem.requests().get(pending.get(k));
      NearestIndex.Match match = index.nearest(request, problem.limits().maxSource(request.os()));
      if (match == null) {
        throw problem.noSource(request.os());
      }
      bestImage[k] = match.source();
      rootCost[k] = match.cost();
      edges.add(new Arborescence.Edge(0, k + 1, match.cost()));
    }
    for (List<Integer> group : byOs(problem, pending).values()) {
      requestEdges(
          problem,
          pending,
          group,
          rootCost,
          (from, to, cost) -> edges.add(new Arborescence.Edge(from + 1, to + 1, cost)));
    }

    int[] parent = Arborescence.solve(n + 1, 0, edges);
    if (parent == null) {
      throw new IllegalStateException("every request has a root edge, so a tree must exist");
    }
    for (int k = 0; k < n; k++) {
      int p = parent[k + 1];
      choices[pending.get(k)] =
          p == 0 ? new Choice.FromImage(bestImage[k]) : new Choice.FromRequest(pending.get(p - 1));
    }
    if (problem.limits().bounded()) {
      DepthBoundedPlanner.enforce(problem, index, pending, byOs(problem, pending), choices, solver);
    }
    return choices;
  }

  /** Positions in {@code pending}, grouped by the requests' OS. */
  static Map<String, List<Integer>> byOs(Problem problem, List<Integer> pending) {
    Map<String, List<Integer>> byOs = new HashMap<>();
    for (int k = 0; k < pending.size(); k++) {
      byOs.computeIfAbsent(problem.requests().get(pending.get(k)).os(), os -> new ArrayList<>())
          .add(k);
    }
    return byOs;
  }

  /** Receives one request-to-request edge (positions in {@code pending}). */
  interface EdgeSink {
    void edge(int from, int to, double cost);
  }

  /**
   * Every edge between requests of one OS group (positions in {@code pending}) cheaper than {@code
   * below[to]}: costs from the shared files, through an inverted index, not pair by pair.
   */
  static void requestEdges(
      Problem problem, List<Integer> pending, List<Integer> group, double[] below, EdgeSink sink) {
    CostModel model = problem.model();
    double perBuild = model.weights().fixedCost();
    int m = group.size();
    if (m < 2) {
      return;
    }
    RoaringBitmap[] sets = new RoaringBitmap[m];
    double[] add = new double[m];
    double[] drop = new double[m];
    Map<Integer, List<Integer>> holders = new HashMap<>();
    for (int a = 0; a < m; a++) {
      ImageSet request = problem.requests().get(pending.get(group.get(a)));
      sets[a] = request.files();
      add[a] = model.addCost(sets[a]);
      drop[a] = model.dropCost(sets[a]) + request.cloneCost(); // a request as a source is cloned
      final int member = a;
      sets[a].forEach((int f) -> holders.computeIfAbsent(f, x -> new ArrayList<>()).add(member));
    }
    double[] shared = new double[m];
    for (int to = 0; to < m; to++) {
      java.util.Arrays.fill(shared, 0);
      for (int f : sets[to]) {
        double saving = model.sharedSaving(f);
        for (int from : holders.get(f)) {
          shared[from] += saving;
        }
      }
      int target = group.get(to);
      for (int from = 0; from < m; from++) {
        if (from == to) {
          continue;
        }
        double cost = perBuild + add[to] + drop[from] - shared[from];
        if (cost < below[target]) {
          sink.edge(group.get(from), target, cost);
        }
      }
    }
  }
}
