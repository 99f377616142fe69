package dev.graft.planner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roaringbitmap.RoaringBitmap;

/**
 * Checks a plan against its problem from the outside, as any checker of plan-format.md would: every
 * request once, sources exist before use, exact set differences, recomputed costs.
 */
public final class PlanValidator {
  private static final double TOLERANCE = 1e-6;

  private PlanValidator() {}

  /** The list of violations; empty when the plan is valid. */
  public static List<String> violations(Problem problem, Plan plan) {
    List<String> errors = new ArrayList<>();
    CostModel model = problem.model();
    Map<String, ImageSet> images = new HashMap<>();
    problem.images().forEach(i -> images.put(i.name(), i));
    Map<String, ImageSet> requests = new HashMap<>();
    problem.requests().forEach(r -> requests.put(r.name(), r));
    Set<String> seen = new HashSet<>();
    Set<String> built = new HashSet<>();
    Map<String, Integer> depthOf = new HashMap<>();
    double total = 0;
    for (Plan.Build b : plan.builds()) {
      ImageSet target = requests.get(b.request());
      if (target == null || !seen.add(b.request())) {
        errors.add("build of unknown or repeated request " + b.request());
        continue;
      }
      ImageSet source =
          b.fromKind() == Plan.SourceKind.image ? images.get(b.from()) : requests.get(b.from());
      if (source == null) {
        errors.add(b.request() + ": unknown source " + b.from());
        continue;
      }
      if (b.fromKind() == Plan.SourceKind.request && !built.contains(b.from())) {
        errors.add(b.request() + ": source request " + b.from() + " is not built before it");
      }
      if (!source.os().equals(target.os())) {
        errors.add(b.request() + ": source " + b.from() + " has another os");
      }
      if (!ids(model, RoaringBitmap.andNot(target.files(), source.files())).equals(b.add())) {
        errors.add(b.request() + ": add list is not files(request) - files(source)");
      }
      if (!ids(model, RoaringBitmap.andNot(source.files(), target.files())).equals(b.remove())) {
        errors.add(b.request() + ": remove list is not files(source) - files(request)");
      }
      double expected = model.cost(source, target);
      if (Math.abs(expected - b.cost()) > TOLERANCE * Math.max(1, expected)) {
        errors.add(b.request() + ": cost " + b.cost() + " but the model says " + expected);
      }
      int sourceDepth =
          b.fromKind() == Plan.SourceKind.image
              ? source.depth()
              : depthOf.getOrDefault(b.from(), Integer.MIN_VALUE / 2);
      if (b.depth() != sourceDepth + 1) {
        errors.add(b.request() + ": depth " + b.depth() + " but its source's is " + sourceDepth);
      }
      if (b.depth() > problem.limits().max(target.os())) {
        errors.add(
            b.request()
                + ": depth "
                + b.depth()
                + " exceeds maxDepth "
                + problem.limits().max(target.os()));
      }
      depthOf.put(b.request(), b.depth());
      total += b.cost();
      built.add(b.request());
    }
    for (Plan.Reuse r : plan.reuses()) {
      ImageSet target = requests.get(r.request());
      if (target == null || !seen.add(r.request())) {
        errors.add("reuse of unknown or repeated request " + r.request());
        continue;
      }
      ImageSet same = r.image() != null ? images.get(r.image()) : requests.get(r.sameAs());
      if (same == null || !same.contentKey().equals(target.contentKey())) {
        errors.add(r.request() + ": reused image differs from the request");
      } else if (r.image() != null && r.depth() != same.depth()) {
        errors.add(r.request() + ": depth " + r.depth() + " but the image's is " + same.depth());
      }
    }
    if (seen.size() != problem.requests().size()) {
      errors.add("plan covers " + seen.size() + " of " + problem.requests().size() + " requests");
    }
    if (Math.abs(total - plan.totalCost()) > TOLERANCE * Math.max(1, total)) {
      errors.add("totalCost " + plan.totalCost() + " is not the sum of build costs " + total);
    }
    return errors;
  }

  private static List<String> ids(CostModel model, RoaringBitmap set) {
    List<String> ids = new ArrayList<>();
    set.forEach((int f) -> ids.add(model.files().get(f).id()));
    return ids;
  }
}
