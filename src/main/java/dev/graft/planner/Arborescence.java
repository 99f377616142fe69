package dev.graft.planner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Minimum-cost arborescence (Chu–Liu/Edmonds in Tarjan's O(E log V) form): meldable skew heaps of
 * incoming edges with lazy weight offsets, and a union–find with rollback so that contracted cycles
 * can be expanded again to recover every node's parent.
 */
public final class Arborescence {

  /** A directed edge {@code from -> to} with its weight. */
  public record Edge(int from, int to, double weight) {}

  private Arborescence() {}

  /**
   * The parent of every node in a minimum-cost arborescence rooted at {@code root} ({@code -1} for
   * the root), or {@code null} when some node cannot be reached.
   */
  public static int[] solve(int nodes, int root, List<Edge> edges) {
    Heap[] heaps = new Heap[nodes];
    for (Edge e : edges) {
      if (e.to() != root && e.from() != e.to()) {
        heaps[e.to()] = Heap.merge(heaps[e.to()], new Heap(e));
      }
    }
    RollbackUnionFind uf = new RollbackUnionFind(nodes);
    int[] seen = new int[nodes];
    Arrays.fill(seen, -1);
    seen[root] = root;
    Edge[] chosen = new Edge[nodes];
    int[] path = new int[nodes];
    Edge[] queue = new Edge[nodes];
    Edge[] incoming = new Edge[nodes];
    Deque<Cycle> cycles = new ArrayDeque<>();

    for (int start = 0; start < nodes; start++) {
      int u = start;
      int qi = 0;
      while (seen[u] < 0) {
        Edge e = popNonLoop(heaps, u, uf);
        if (e == null) {
          return null;
        }
        queue[qi] = e;
        path[qi++] = u;
        seen[u] = start;
        u = uf.find(e.from());
        if (seen[u] == start) {
          // A cycle: contract it into one node whose heap holds all their incoming edges.
          Heap merged = null;
          int end = qi;
          int time = uf.time();
          int w;
          do {
            w = path[--qi];
            merged = Heap.merge(merged, heaps[w]);
          } while (uf.join(u, w));
          u = uf.find(u);
          heaps[u] = merged;
          seen[u] = -1;
          cycles.push(new Cycle(u, time, Arrays.copyOfRange(queue, qi, end)));
        }
      }
      for (int i = 0; i < qi; i++) {
        incoming[uf.find(queue[i].to())] = queue[i];
      }
    }
    for (Cycle cycle : cycles) {
      uf.rollback(cycle.time);
      Edge into = incoming[cycle.node];
      for (Edge e : cycle.edges) {
        incoming[uf.find(e.to())] = e;
      }
      incoming[uf.find(into.to())] = into;
    }
    int[] parent = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      parent[i] = i == root ? -1 : incoming[i].from();
    }
    return parent;
  }

  /** Pops the cheapest edge entering component {@code u} that does not start inside it. */
  private static Edge popNonLoop(Heap[] heaps, int u, RollbackUnionFind uf) {
    while (heaps[u] != null) {
      Heap top = heaps[u];
      double w = top.weight();
      Edge e = top.edge;
      heaps[u] = top.pop();
      if (uf.find(e.from()) != u) {
        if (heaps[u] != null) {
          heaps[u].delta -= w;
        }
        return e;
      }
    }
    return null;
  }

  private record Cycle(int node, int time, Edge[] edges) {}

  /**
   * Leftist heap of edges ordered by weight, with a lazily propagated additive offset. Leftist
   * rather than skew so that a merge never recurses deeper than O(log n).
   */
  private static final class Heap {
    final Edge edge;
    double key;
    double delta;
    int rank = 1;
    Heap left;
    Heap right;

    Heap(Edge edge) {
      this.edge = edge;
      this.key = edge.weight();
    }

    double weight() {
      push();
      return key;
    }

    void push() {
      key += delta;
      if (left != null) {
        left.delta += delta;
      }
      if (right != null) {
        right.delta += delta;
      }
      delta = 0;
    }

    Heap pop() {
      push();
      return merge(left, right);
    }

    static Heap merge(Heap a, Heap b) {
      if (a == null) {
        return b;
      }
      if (b == null) {
        return a;
      }
      a.push();
      b.push();
      if (a.key > b.key) {
        Heap t = a;
        a = b;
        b = t;
      }
      a.right = merge(a.right, b);
      if (a.left == null || a.left.rank < a.right.rank) {
        Heap t = a.left;
        a.left = a.right;
        a.right = t;
      }
      a.rank = a.right == null ? 1 : a.right.rank + 1;
      return a;
    }
  }

  /** Union–find by size without path compression, so joins can be undone in reverse order. */
  private static final class RollbackUnionFind {
    private final int[] e;
    private final List<int[]> history = new ArrayList<>();

    RollbackUnionFind(int n) {
      e = new int[n];
      Arrays.fill(e, -1);
    }

    int find(int x) {
      while (e[x] >= 0) {
        x = e[x];
      }
      return x;
    }

    int time() {
      return history.size();
    }

    void rollback(int t) {
      for (int i = history.size() - 1; i >= t; i--) {
        int[] change = history.remove(i);
        e[change[0]] = change[1];
      }
    }

    boolean join(int a, int b) {
      a = find(a);
      b = find(b);
      if (a == b) {
        return false;
      }
      if (e[a] > e[b]) {
        int t = a;
        a = b;
        b = t;
      }
      history.add(new int[] {a, e[a]});
      history.add(new int[] {b, e[b]});
      e[a] += e[b];
      e[b] = a;
      return true;
    }
  }
}
