package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ArborescenceTest {

  private static Arborescence.Edge e(int from, int to, double w) {
    return new Arborescence.Edge(from, to, w);
  }

  @Test
  void contractsACycleAndEntersItAtTheCheapestPoint() {
    // 1 <-> 2 cost 1 each way; entering costs 10 at 1 and 5 at 2. Best: 0->2, 2->1.
    int[] parent =
        Arborescence.solve(3, 0, List.of(e(0, 1, 10), e(0, 2, 5), e(1, 2, 1), e(2, 1, 1)));
    assertThat(parent).containsExactly(-1, 2, 0);
  }

  @Test
  void nestedCyclesAreExpandedCorrectly() {
    List<Arborescence.Edge> edges =
        List.of(
            e(0, 1, 100), e(1, 2, 1), e(2, 3, 1), e(3, 1, 1), e(3, 4, 2), e(4, 2, 2), e(0, 4, 7));
    int[] parent = Arborescence.solve(5, 0, edges);
    assertThat(cost(parent, edges)).isEqualTo(bruteForce(5, edges));
  }

  @Test
  void unreachableNodeGivesNull() {
    assertThat(Arborescence.solve(3, 0, List.of(e(0, 1, 1)))).isNull();
  }

  @Property(tries = 500)
  void matchesBruteForceOnRandomDenseGraphs(@ForAll long seed) {
    Random rnd = new Random(seed);
    int n = 2 + rnd.nextInt(5);
    List<Arborescence.Edge> edges = new ArrayList<>();
    for (int to = 1; to < n; to++) {
      edges.add(e(0, to, rnd.nextInt(50)));
      for (int from = 1; from < n; from++) {
        if (from != to && rnd.nextBoolean()) {
          edges.add(e(from, to, rnd.nextInt(50) + rnd.nextDouble()));
        }
      }
    }
    int[] parent = Arborescence.solve(n, 0, edges);
    assertThat(isTree(parent)).isTrue();
    assertThat(cost(parent, edges)).isCloseTo(bruteForce(n, edges), Offset.offset(1e-9));
  }

  private static boolean isTree(int[] parent) {
    for (int v = 1; v < parent.length; v++) {
      int at = v;
      for (int steps = 0; at != 0; steps++) {
        if (steps > parent.length) {
          return false;
        }
        at = parent[at];
      }
    }
    return true;
  }

  /** Cheapest edge for every (parent, child) pair the solution uses. */
  private static double cost(int[] parent, List<Arborescence.Edge> edges) {
    double sum = 0;
    for (int v = 1; v < parent.length; v++) {
      double best = Double.MAX_VALUE;
      for (Arborescence.Edge edge : edges) {
        if (edge.from() == parent[v] && edge.to() == v) {
          best = Math.min(best, edge.weight());
        }
      }
      sum += best;
    }
    return sum;
  }

  private static double bruteForce(int n, List<Arborescence.Edge> edges) {
    return search(n, edges, new int[n], 1);
  }

  private static double search(int n, List<Arborescence.Edge> edges, int[] parent, int v) {
    if (v == n) {
      parent[0] = -1;
      return isTree(parent) ? cost(parent, edges) : Double.MAX_VALUE;
    }
    double best = Double.MAX_VALUE;
    for (Arborescence.Edge edge : edges) {
      if (edge.to() == v) {
        parent[v] = edge.from();
        best = Math.min(best, search(n, edges, parent, v + 1));
      }
    }
    return best;
  }
}
