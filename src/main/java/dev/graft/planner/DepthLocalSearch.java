package dev.graft.planner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Depth-bounded planning for groups too large to solve exactly (a hop-constrained arborescence is
 * NP-hard). Two starts, each improved by local search, the cheaper kept:
 *
 * <ol>
 *   <li>nearest-per-request: every request from its cheapest image within the limit (so the result
 *       is never worse than nearest-per-request);
 *   <li>the unbounded optimum, repaired top-down: a request whose subtree no longer fits below its
 *       parent is moved to an image shallow enough for its subtree.
 * </ol>
 *
 * A move gives one request a new parent: an image leaving it just the slack its subtree needs, or
 * another request (outside its subtree) with room for it; when that request is built from an image,
 * it may switch to a shallower image to make room. Moves are taken while they lower the total, in
 * passes over all requests, until a pass changes nothing (at most {@link #MAX_PASSES}).
 */
final class DepthLocalSearch {
  static final int MAX_PASSES = 50;
  static final int MAX_HUB_STARTS = 12;
  static final int MAX_KICKS = 24;
  static final int MAX_KICK_ROUNDS = 3;
  private static final double EPS = 1e-9;

  private final DepthGroup g;
  private final int n;
  private final int[] parent;
  private final int[] level;
  private final int[] height;
  private final double[] paid;
  // What a request pays to the request it is built from (kept at each move: no edge lookups).
  private final double[] edgePaid;
  private final List<List<Integer>> children = new ArrayList<>();
  private final List<List<Out>> outgoing = new ArrayList<>();

  /** A request-to-request edge out of a request: to {@code to}, costing {@code cost}. */
  private record Out(int to, double cost) {}

  private DepthLocalSearch(DepthGroup group, int[] start) {
    this.g = group;
    this.n = group.n;
    this.parent = start.clone();
    this.level = new int[n];
    this.height = new int[n];
    this.paid = new double[n];
    this.edgePaid = new double[n];
    for (int j = 0; j < n; j++) {
      children.add(new ArrayList<>());
      outgoing.add(new ArrayList<>());
    }
    for (int j = 0; j < n; j++) {
      for (DepthGroup.In e : group.incoming.get(j)) {
        outgoing.get(e.from()).add(new Out(j, e.cost()));
      }
      if (parent[j] >= 0) {
        children.get(parent[j]).add(j);
        edgePaid[j] = edgeCost(parent[j], j);
      }
    }
    recompute();
  }

  /** The parent of every request (see {@link DepthGroup}); null when no plan fits the limit. */
  static int[] solve(DepthGroup group, int[] unbounded) {
    int[] nearest = new int[group.n];
    for (int j = 0; j < group.n; j++) {
      if (group.root[j][0] == DepthGroup.INF) {
        return null;
      }
      nearest[j] = -1; // slack 0: the cheapest image within the limit
    }
    List<int[]> starts = new ArrayList<>();
    starts.add(nearest);
    if (unbounded != null) {
      starts.add(repair(group, unbounded));
    }
    // Hub starts: one request built shallow, every other from its nearest image; the search then
    // gathers requests below it. Escapes the local optimum where the wrong request is the hub.
    for (int hub : hubCandidates(group, MAX_HUB_STARTS)) {
      int[] start = nearest.clone();
      start[hub] = -1 - group.maxSlack;
      starts.add(start);
    }
    int[] best = null;
    double bestTotal = DepthGroup.INF;
    for (int[] start : starts) {
      int[] found = new DepthLocalSearch(group, start).improve();
      double total = group.total(found);
      if (best == null || total < bestTotal - EPS) {
        best = found;
        bestTotal = total;
      }
    }
    // Kicks: from the best plan so far, each candidate hub is rebuilt from the shallowest image
    // and the search runs again; rounds while one improves.
    List<Integer> kicks = hubCandidates(group, MAX_KICKS);
    for (int round = 0; round < MAX_KICK_ROUNDS; round++) {
      boolean improved = false;
      for (int hub : kicks) {
        for (int slack = 1; slack <= group.maxSlack; slack++) {
          int[] start = best.clone();
          start[hub] = -1 - slack;
          if (group.total(start) == DepthGroup.INF) {
            continue; // its subtree does not fit that deep
          }
          int[] found = new DepthLocalSearch(group, start).improve();
          double total = group.total(found);
          if (total < bestTotal - EPS) {
            best = found;
            bestTotal = total;
            improved = true;
          }
        }
      }
      if (!improved) {
        break;
      }
    }
    return best;
  }

  /** The requests that would save most as hubs: below them, others are cheaper than alone. */
  private static List<Integer> hubCandidates(DepthGroup group, int limit) {
    double[] saving = new double[group.n];
    for (int j = 0; j < group.n; j++) {
      for (DepthGroup.In e : group.incoming.get(j)) {
        saving[e.from()] += Math.max(0, group.root[j][0] - e.cost());
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < group.n; i++) {
      if (saving[i] > 0 && group.maxSlack > 0) {
        order.add(i);
      }
    }
    order.sort((a, b) -> Double.compare(saving[b], saving[a]));
    return order.subList(0, Math.min(limit, order.size()));
  }

  /**
   * The unbounded tree with each root's slack set to its subtree's height, and every request that
   * then lies too deep moved to an image leaving its own subtree room (top-down).
   */
  static int[] repair(DepthGroup group, int[] unbounded) {
    int n = group.n;
    List<List<Integer>> kids = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      kids.add(new ArrayList<>());
    }
    for (int j = 0; j < n; j++) {
      if (unbounded[j] >= 0) {
        kids.get(unbounded[j]).add(j);
      }
    }
    int[] height = new int[n];
    for (int j : postOrder(unbounded, kids)) {
      for (int c : kids.get(j)) {
        height[j] = Math.max(height[j], height[c] + 1);
      }
    }
    int[] parent = unbounded.clone();
    int[] level = new int[n];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int j = 0; j < n; j++) {
      if (unbounded[j] < 0) {
        parent[j] = -1 - Math.min(height[j], group.maxSlack);
        level[j] = group.maxDepth + 1 + parent[j];
        queue.add(j);
      }
    }
    while (!queue.isEmpty()) {
      int p = queue.poll();
      for (int c : kids.get(p)) {
        if (level[p] + 1 + height[c] > group.maxDepth) {
          parent[c] = -1 - Math.min(height[c], group.maxSlack);
          level[c] = group.maxDepth + 1 + parent[c];
        } else {
          level[c] = level[p] + 1;
        }
        queue.add(c);
      }
    }
    return parent;
  }

  private static List<Integer> postOrder(int[] parent, List<List<Integer>> kids) {
    List<Integer> order = new ArrayList<>();
    ArrayDeque<Integer> stack = new ArrayDeque<>();
    for (int j = 0; j < parent.length; j++) {
      if (parent[j] < 0) {
        stack.push(j);
      }
    }
    while (!stack.isEmpty()) {
      int j = stack.pop();
      order.add(j);
      kids.get(j).forEach(stack::push);
    }
    java.util.Collections.reverse(order);
    return order;
  }

  private int[] improve() {
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      boolean moved = false;
      for (int j = 0; j < n; j++) {
        moved |= bestMove(j);
      }
      for (int i = 0; i < n; i++) {
        moved |= openHub(i);
      }
      for (int j = 0; j < n; j++) {
        moved |= swapWithParent(j);
      }
      for (int i = 0; i < n; i++) {
        moved |= closeHub(i);
      }
      if (!moved) {
        break;
      }
    }
    return parent.clone();
  }

  /** Applies the cheapest move of request j if it lowers the total; true when it did. */
  private boolean bestMove(int j) {
    int h = height[j];
    double current = paid[j];
    // Option: an image leaving j just the slack its subtree needs.
    double bestGain = current - g.root[j][h];
    int bestParent = -1 - h;
    int bestSlack = -1;
    double bestCost = 0;
    for (DepthGroup.In e : g.incoming.get(j)) {
      int i = e.from();
      if (i == parent[j] || inSubtree(i, j)) {
        continue;
      }
      double gain = current - e.cost();
      int slack = -1;
      if (level[i] + 1 + h > g.maxDepth) {
        if (parent[i] >= 0) {
          continue;
        }
        // i is built from an image: a shallower one makes room for j.
        slack = Math.max(h + 1, heightWithout(i, j));
        if (slack > g.maxSlack) {
          continue;
        }
        gain -= g.root[i][slack] - paid[i];
      }
      if (gain > bestGain) {
        bestGain = gain;
        bestParent = i;
        bestSlack = slack;
        bestCost = e.cost();
      }
    }
    if (bestGain <= EPS || Double.isNaN(bestGain)) {
      return false;
    }
    if (bestSlack >= 0) {
      parent[bestParent] = -1 - bestSlack;
    }
    if (parent[j] >= 0) {
      children.get(parent[j]).remove(Integer.valueOf(j));
    }
    parent[j] = bestParent;
    if (bestParent >= 0) {
      children.get(bestParent).add(j);
      edgePaid[j] = bestCost;
    }
    recompute();
    return true;
  }

  /**
   * The move a single-request move cannot find: request i is built from a shallower image (it pays
   * more) so that several requests, each cheaper below i, move below it at once.
   */
  private boolean openHub(int i) {
    double bestGain = EPS;
    int bestSlack = -1;
    for (int s = Math.max(1, height[i]); s <= g.maxSlack; s++) {
      double gain = paid[i] - g.root[i][s];
      for (Out e : outgoing.get(i)) {
        int j = e.to();
        if (parent[j] != i && height[j] <= s - 1) {
          gain += Math.max(0, paid[j] - e.cost());
        }
      }
      if (gain > bestGain) {
        bestGain = gain;
        bestSlack = s;
      }
    }
    if (bestSlack < 0) {
      return false;
    }
    int s = bestSlack;
    if (parent[i] >= 0) {
      children.get(parent[i]).remove(Integer.valueOf(i));
    }
    parent[i] = -1 - s;
    // Once i is built from an image, nothing lies above it: any request may move below it.
    for (Out e : outgoing.get(i)) {
      int j = e.to();
      if (parent[j] != i && height[j] <= s - 1 && e.cost() < paid[j]) {
        if (parent[j] >= 0) {
          children.get(parent[j]).remove(Integer.valueOf(j));
        }
        parent[j] = i;
        children.get(i).add(j);
        edgePaid[j] = e.cost();
      }
    }
    recompute();
    return true;
  }

  /**
   * Request j takes the place of its parent p (built from an image): j from the image p had, p
   * below j, and each other child of p staying below p, moving below j, or built from its nearest
   * image, whichever is cheapest and fits.
   */
  private boolean swapWithParent(int j) {
    int p = parent[j];
    if (p < 0 || parent[p] >= 0) {
      return false;
    }
    double pUnderJ = edgeCost(j, p);
    if (pUnderJ == DepthGroup.INF) {
      return false;
    }
    double before = paid[p] + paid[j];
    for (int c : children.get(p)) {
      before += c == j ? 0 : paid[c];
    }
    double bestAfter = before - EPS;
    int bestSlack = -1;
    // j may take any image that leaves room for its own subtree and for p below it.
    for (int s = Math.max(1, height[j]); s <= g.maxSlack; s++) {
      double after = g.root[j][s] + pUnderJ;
      int levelJ = g.maxDepth - s;
      for (int c : children.get(p)) {
        if (c != j) {
          after += placeBelowSwap(c, p, j, levelJ, null);
        }
      }
      if (after < bestAfter) {
        bestAfter = after;
        bestSlack = s;
      }
    }
    if (bestSlack < 0) {
      return false;
    }
    int levelJ = g.maxDepth - bestSlack;
    int[] choice = new int[1];
    for (int c : new ArrayList<>(children.get(p))) {
      if (c == j) {
        continue;
      }
      double price = placeBelowSwap(c, p, j, levelJ, choice);
      if (choice[0] != p) {
        children.get(p).remove(Integer.valueOf(c));
        parent[c] = choice[0];
        if (choice[0] >= 0) {
          children.get(choice[0]).add(c);
          edgePaid[c] = price;
        }
      }
    }
    children.get(p).remove(Integer.valueOf(j));
    parent[j] = -1 - bestSlack;
    parent[p] = j;
    children.get(j).add(p);
    edgePaid[p] = pUnderJ;
    recompute();
    return true;
  }

  /**
   * The cheapest place of p's child c when j (at {@code levelJ}) takes p's place and p goes below
   * j: below p still, below j, or from its nearest image leaving it room; its parent in {@code
   * choice[0]} when asked.
   */
  private double placeBelowSwap(int c, int p, int j, int levelJ, int[] choice) {
    int h = height[c];
    double stay = levelJ + 2 + h <= g.maxDepth ? edgePaid[c] : DepthGroup.INF;
    double toJ = levelJ + 1 + h <= g.maxDepth ? edgeCost(j, c) : DepthGroup.INF;
    double alone = g.root[c][Math.min(h, g.maxSlack)];
    double least = Math.min(stay, Math.min(toJ, alone));
    if (choice != null) {
      choice[0] = least == stay ? p : least == toJ ? j : -1 - Math.min(h, g.maxSlack);
    }
    return least;
  }

  /**
   * Request i stops being a parent: each child moves to its best place outside i's subtree, and i,
   * now a leaf, to its own best place; taken when the total drops (a single move of i cannot: its
   * subtree does not fit where i is cheapest).
   */
  private boolean closeHub(int i) {
    List<Integer> kids = children.get(i);
    if (kids.isEmpty()) {
      return false;
    }
    double before = paid[i];
    double after = 0;
    int[] place = new int[kids.size()];
    double[] price = new double[kids.size()];
    for (int k = 0; k < kids.size(); k++) {
      int c = kids.get(k);
      before += paid[c];
      int h = height[c];
      place[k] = -1 - h;
      double least = g.root[c][h];
      for (DepthGroup.In e : g.incoming.get(c)) {
        int u = e.from();
        if (e.cost() < least && level[u] + 1 + h <= g.maxDepth && !inSubtree(u, i)) {
          least = e.cost();
          place[k] = u;
        }
      }
      price[k] = least;
      after += least;
    }
    int iPlace = -1;
    double iLeast = g.root[i][0];
    for (DepthGroup.In e : g.incoming.get(i)) {
      int u = e.from();
      if (e.cost() < iLeast && level[u] + 1 <= g.maxDepth && !inSubtree(u, i)) {
        iLeast = e.cost();
        iPlace = u;
      }
    }
    after += iLeast;
    if (after >= before - EPS) {
      return false;
    }
    for (int k = 0; k < place.length; k++) {
      int c = kids.get(k);
      parent[c] = place[k];
      if (place[k] >= 0) {
        children.get(place[k]).add(c);
        edgePaid[c] = price[k];
      }
    }
    kids.clear();
    if (parent[i] >= 0) {
      children.get(parent[i]).remove(Integer.valueOf(i));
    }
    parent[i] = iPlace;
    if (iPlace >= 0) {
      children.get(iPlace).add(i);
      edgePaid[i] = iLeast;
    }
    recompute();
    return true;
  }

  private int heightWithout(int i, int j) {
    int hi = 0;
    for (int c : children.get(i)) {
      if (c != j) {
        hi = Math.max(hi, height[c] + 1);
      }
    }
    return hi;
  }

  private boolean inSubtree(int i, int j) {
    for (int at = i; at >= 0; at = parent[at]) {
      if (at == j) {
        return true;
      }
    }
    return false;
  }

  /** Levels, heights and what each request pays, from the parents. */
  private void recompute() {
    Arrays.fill(height, 0);
    List<Integer> order = postOrder(parent, children);
    for (int j : order) {
      for (int c : children.get(j)) {
        height[j] = Math.max(height[j], height[c] + 1);
      }
    }
    for (int k = order.size() - 1; k >= 0; k--) {
      int j = order.get(k);
      if (parent[j] < 0) {
        level[j] = g.maxDepth + 1 + parent[j];
        paid[j] = g.root[j][-1 - parent[j]];
      } else {
        level[j] = level[parent[j]] + 1;
        paid[j] = edgePaid[j];
      }
    }
  }

  private double edgeCost(int from, int to) {
    for (DepthGroup.In e : g.incoming.get(to)) {
      if (e.from() == from) {
        return e.cost();
      }
    }
    return DepthGroup.INF;
  }
}
