package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.assertj.core.data.Offset;

/** Properties of the planner on random small instances, checked against brute force. */
class PlannerPropertiesTest {

  @Property(tries = 400)
  void optimalEqualsBruteForceOverEverySourceAssignment(@ForAll long seed) {
    Problem problem = Instances.random(seed);
    Plan plan = Strategy.OPTIMAL.plan(problem);
    assertThat(plan.totalCost()).isCloseTo(bruteForce(problem), Offset.offset(1e-6));
  }

  @Property(tries = 400)
  void strategiesAreOrderedOptimalNearestExactOnlyBaseOnly(@ForAll long seed) {
    Problem problem = Instances.random(seed);
    double optimal = Strategy.OPTIMAL.plan(problem).totalCost();
    double nearest = Strategy.NEAREST.plan(problem).totalCost();
    double exactOnly = Strategy.EXACT_ONLY.plan(problem).totalCost();
    double baseOnly = Strategy.BASE_ONLY.plan(problem).totalCost();
    assertThat(optimal).isLessThanOrEqualTo(nearest + 1e-9);
    assertThat(nearest).isLessThanOrEqualTo(exactOnly + 1e-9);
    assertThat(exactOnly).isLessThanOrEqualTo(baseOnly + 1e-9);
  }

  @Property(tries = 400)
  void everyPlanOfEveryStrategyIsValid(@ForAll long seed) {
    Problem problem = Instances.random(seed);
    for (Strategy strategy : Strategy.values()) {
      assertThat(PlanValidator.violations(problem, strategy.plan(problem)))
          .as(strategy.id())
          .isEmpty();
    }
  }

  @Property(tries = 300)
  void nearestIndexFindsTheCheapestImageByFullScan(@ForAll long seed) {
    Problem problem = Instances.random(seed);
    NearestIndex index = new NearestIndex(problem.model(), problem.images());
    for (ImageSet request : problem.requests()) {
      double best = Double.MAX_VALUE;
      for (ImageSet image : problem.images()) {
        if (image.os().equals(request.os())) {
          best = Math.min(best, problem.model().cost(image.files(), request.files()));
        }
      }
      assertThat(index.nearest(request).cost()).isCloseTo(best, Offset.offset(1e-9));
    }
  }

  /**
   * The lowest total over every assignment of a source to every distinct request (an image of its
   * OS or another distinct request of its OS) that has no cycle.
   */
  static double bruteForce(Problem problem) {
    Map<String, ImageSet> distinct = new LinkedHashMap<>();
    problem.requests().forEach(r -> distinct.putIfAbsent(r.contentKey(), r));
    List<ImageSet> requests = new ArrayList<>(distinct.values());
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
      return acyclic(pick) ? total(problem, requests, pick) : Double.MAX_VALUE;
    }
    double best = Double.MAX_VALUE;
    for (Object source : options.get(k)) {
      pick[k] = source;
      best = Math.min(best, search(problem, requests, options, pick, k + 1));
    }
    return best;
  }

  private static boolean acyclic(Object[] pick) {
    for (int start = 0; start < pick.length; start++) {
      int steps = 0;
      Object at = pick[start];
      while (at instanceof Integer next) {
        if (++steps > pick.length) {
          return false;
        }
        at = pick[next];
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
