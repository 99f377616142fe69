package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.assertj.core.data.Offset;

/** The depth-limited planner on random small instances, checked against brute force. */
class DepthLimitPropertiesTest {

  @Property(tries = 500)
  void optimalIsTheCheapestPlanWithinTheLimit(@ForAll long seed) {
    Problem problem = Instances.randomBounded(seed, 5);
    Plan plan = Strategy.OPTIMAL.plan(problem);
    assertThat(PlanValidator.violations(problem, plan)).isEmpty();
    assertThat(plan.totalCost()).isCloseTo(bruteForce(problem), Offset.offset(1e-6));
  }

  @Property(tries = 300)
  void exactSolverForcedOnEveryGroupAgreesWithBruteForce(@ForAll long seed) {
    Problem problem = Instances.randomBounded(seed, 5);
    Plan plan = Strategy.optimal(problem, DepthSolver.EXACT);
    assertThat(PlanValidator.violations(problem, plan)).isEmpty();
    assertThat(plan.totalCost()).isCloseTo(bruteForce(problem), Offset.offset(1e-6));
  }

  @Property(tries = 300)
  void heuristicIsValidNeverBelowTheOptimumAndNeverAboveNearest(@ForAll long seed) {
    Problem problem = Instances.randomBounded(seed, 9);
    Plan heuristic = Strategy.optimal(problem, DepthSolver.HEURISTIC);
    Plan exact = Strategy.optimal(problem, DepthSolver.EXACT);
    Plan nearest = Strategy.NEAREST.plan(problem);
    assertThat(PlanValidator.violations(problem, heuristic)).isEmpty();
    assertThat(PlanValidator.violations(problem, nearest)).isEmpty();
    assertThat(heuristic.totalCost()).isGreaterThanOrEqualTo(exact.totalCost() - 1e-6);
    assertThat(heuristic.totalCost()).isLessThanOrEqualTo(nearest.totalCost() + 1e-6);
  }

  @Property(tries = 300)
  void everyStrategyStaysWithinTheLimit(@ForAll long seed) {
    Problem problem = Instances.randomBounded(seed, 5);
    for (Strategy strategy : Strategy.values()) {
      assertThat(PlanValidator.violations(problem, strategy.plan(problem)))
          .as(strategy.id())
          .isEmpty();
    }
  }

  /**
   * The lowest total over every assignment of a source to every distinct request (an image of its
   * OS or another distinct request of its OS) without a cycle and with every built image's depth
   * (its source's + 1) within the limit.
   */
  static double bruteForce(Problem problem) {
    Map<String, ImageSet> distinct = new LinkedHashMap<>();
    problem.requests().forEach(r -> distinct.putIfAbsent(r.contentKey(), r));
    List<ImageSet> requests = new ArrayList<>();
    List<ImageSet> exactHits = new ArrayList<>();
    for (ImageSet r : distinct.values()) {
      boolean hit = problem.images().stream().anyMatch(i -> i.contentKey().equals(r.contentKey()));
      (hit ? exactHits : requests).add(r);
    }
    int n = requests.size();
    List<List<Object>> options = new ArrayList<>();
    for (ImageSet r : requests) {
      List<Object> sources = new ArrayList<>();
      problem.images().stream().filter(i -> i.os().equals(r.os())).forEach(sources::add);
      for (int j = 0; j < n; j++) {
        if (requests.get(j) != r && requests.get(j).os().equals(r.os())) {
          sources.add(j);
        }
      }
      options.add(sources);
    }
    return search(problem, requests, options, new Object[n], 0);
  }

  private static double search(
      Problem problem, List<ImageSet> requests, List<List<Object>> options, Object[] pick, int k) {
    if (k == pick.length) {
      return fits(problem, requests, pick) ? total(problem, requests, pick) : Double.MAX_VALUE;
    }
    double best = Double.MAX_VALUE;
    for (Object source : options.get(k)) {
      pick[k] = source;
      best = Math.min(best, search(problem, requests, options, pick, k + 1));
    }
    return best;
  }

  /** No cycle, and every request's depth within its OS's limit. */
  private static boolean fits(Problem problem, List<ImageSet> requests, Object[] pick) {
    for (int start = 0; start < pick.length; start++) {
      int steps = 0;
      Object at = pick[start];
      while (at instanceof Integer next) {
        if (++steps > pick.length) {
          return false;
        }
        at = pick[next];
      }
      int depth = ((ImageSet) at).depth() + 1 + steps;
      if (depth > problem.limits().max(requests.get(start).os())) {
        return false;
      }
    }
    return true;
  }

  private static double total(Problem problem, List<ImageSet> requests, Object[] pick) {
    double sum = 0;
    for (int k = 0; k < pick.length; k++) {
      ImageSet source = pick[k] instanceof Integer j ? requests.get(j) : (ImageSet) pick[k];
      sum += problem.model().cost(source.files(), requests.get(k).files());
    }
    return sum;
  }
}
