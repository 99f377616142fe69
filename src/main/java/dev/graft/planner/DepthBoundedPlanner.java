package dev.graft.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Makes the optimal strategy's choices respect each OS's depth limit: an OS whose unbounded optimum
 * builds a chain deeper than its limit is planned again as a {@link DepthGroup}, exactly when small
 * ({@link ExactDepthSolver}), by local search otherwise ({@link DepthLocalSearch}). The unbounded
 * optimum, when it fits, is also the bounded one.
 */
final class DepthBoundedPlanner {
  private DepthBoundedPlanner() {}

  static void enforce(
      Problem problem,
      SourceIndex index,
      List<Integer> pending,
      Map<String, List<Integer>> groups,
      Choice[] choices,
      DepthSolver solver) {
    groups.forEach(
        (os, group) -> {
          int max = problem.limits().max(os);
          if (max != DepthLimits.UNLIMITED && deepest(problem, pending, group, choices) > max) {
            replan(problem, index, pending, group, choices, solver, max);
          }
        });
  }

  private static int deepest(
      Problem problem, List<Integer> pending, List<Integer> group, Choice[] choices) {
    int deepest = 0;
    for (int k : group) {
      deepest = Math.max(deepest, depth(choices, pending.get(k), choices.length));
    }
    return deepest;
  }

  private static int depth(Choice[] choices, int request, int guard) {
    if (guard < 0) {
      throw new IllegalStateException("build cycle through request " + request);
    }
    if (choices[request] instanceof Choice.FromImage from) {
      return from.image().depth() + 1;
    }
    return depth(choices, ((Choice.FromRequest) choices[request]).request(), guard - 1) + 1;
  }

  private static void replan(
      Problem problem,
      SourceIndex index,
      List<Integer> pending,
      List<Integer> group,
      Choice[] choices,
      DepthSolver solver,
      int max) {
    int m = group.size();
    int slacks = DepthGroup.slackCap(m, max) + 1;
    String os = problem.requests().get(pending.get(group.get(0))).os();
    TreeSet<Integer> depths = new TreeSet<>(index.depths(os));
    double[][] root = new double[m][slacks];
    ImageSet[][] source = new ImageSet[m][slacks];
    double[] below = new double[pending.size()];
    for (int j = 0; j < m; j++) {
      ImageSet request = problem.requests().get(pending.get(group.get(j)));
      NearestIndex.Match previous = null;
      Integer previousDepth = null;
      for (int s = slacks - 1; s >= 0; s--) {
        // Only the distinct image depths change the answer: one lookup per depth, not per slack.
        Integer d = depths.floor(max - 1 - s);
        NearestIndex.Match match =
            d == null ? null : d.equals(previousDepth) ? previous : index.nearest(request, d);
        previous = match;
        previousDepth = d;
        root[j][s] = match == null ? DepthGroup.INF : match.cost();
        source[j][s] = match == null ? null : match.source();
      }
      if (source[j][0] == null) {
        throw problem.noSource(os);
      }
      below[group.get(j)] = root[j][slacks - 1];
    }
    List<List<DepthGroup.In>> incoming = new ArrayList<>();
    int[] local = new int[pending.size()];
    for (int j = 0; j < m; j++) {
      incoming.add(new ArrayList<>());
      local[group.get(j)] = j;
    }
    OptimalPlanner.requestEdges(
        problem,
        pending,
        group,
        below,
        (from, to, cost) -> incoming.get(local[to]).add(new DepthGroup.In(local[from], cost)));
    DepthGroup g = new DepthGroup(max, root, incoming);
    int[] position = new int[choices.length];
    for (int k = 0; k < pending.size(); k++) {
      position[pending.get(k)] = k;
    }
    int[] unbounded = new int[m];
    for (int j = 0; j < m; j++) {
      Choice c = choices[pending.get(group.get(j))];
      unbounded[j] = c instanceof Choice.FromRequest from ? local[position[from.request()]] : -1;
    }
    boolean exact =
        solver == DepthSolver.EXACT || (solver == DepthSolver.AUTO && m <= ExactDepthSolver.LIMIT);
    int[] parent = exact ? ExactDepthSolver.solve(g) : DepthLocalSearch.solve(g, unbounded);
    for (int j = 0; j < m; j++) {
      int request = pending.get(group.get(j));
      choices[request] =
          parent[j] >= 0
              ? new Choice.FromRequest(pending.get(group.get(parent[j])))
              : new Choice.FromImage(source[j][-1 - parent[j]]);
    }
  }
}
