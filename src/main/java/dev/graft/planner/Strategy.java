package dev.graft.planner;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The ways of choosing sources, side by side so that their total costs can be compared. */
public enum Strategy {
  /** All requests at once, other requests allowed as sources: minimum total cost. */
  OPTIMAL("optimal") {
    @Override
    Choice[] choose(Problem problem, SourceIndex index, Choice[] choices) {
      return OptimalPlanner.choose(problem, index, choices, DepthSolver.AUTO);
    }
  },
  /** Each request alone, in input order, from the cheapest existing image. */
  NEAREST("nearest") {
    @Override
    Choice[] choose(Problem problem, SourceIndex index, Choice[] choices) {
      for (int i = 0; i < choices.length; i++) {
        if (choices[i] == null) {
          ImageSet request = problem.requests().get(i);
          NearestIndex.Match match =
              index.nearest(request, problem.limits().maxSource(request.os()));
          if (match == null) {
            throw problem.noSource(request.os());
          }
          choices[i] = new Choice.FromImage(match.source());
        }
      }
      return choices;
    }
  },
  /** Reuse an exact match, otherwise build from the OS base image. */
  EXACT_ONLY("exact-only") {
    @Override
    Choice[] choose(Problem problem, SourceIndex index, Choice[] choices) {
      for (int i = 0; i < choices.length; i++) {
        if (choices[i] == null) {
          choices[i] = new Choice.FromImage(problem.baseImage(problem.requests().get(i).os()));
        }
      }
      return choices;
    }
  },
  /** Per-VM injection: every request is built from its OS base image, nothing is reused. */
  BASE_ONLY("base-only") {
    @Override
    Choice[] choose(Problem problem, SourceIndex index, Choice[] choices) {
      for (int i = 0; i < choices.length; i++) {
        choices[i] = new Choice.FromImage(problem.baseImage(problem.requests().get(i).os()));
      }
      return choices;
    }

    @Override
    boolean reuses() {
      return false;
    }
  };

  private final String id;

  Strategy(String id) {
    this.id = id;
  }

  /** The name used on the command line and in configuration. */
  public String id() {
    return id;
  }

  /** The strategy with this name; the message lists the valid ones otherwise. */
  public static Strategy fromId(String id) {
    for (Strategy s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    throw new PlanInputException(
        "strategy",
        "unknown strategy \""
            + id
            + "\", expected one of "
            + Arrays.stream(values()).map(Strategy::id).toList());
  }

  /** Plans every request of the problem. */
  public Plan plan(Problem problem) {
    return plan(problem, new NearestIndex(problem.model(), problem.images()));
  }

  /**
   * Plans with a prebuilt index holding the images (a kept one: see {@link NearestIndex}). The
   * optimal and nearest strategies read the images from the index alone, so {@code
   * problem.images()} may then be empty; exact-only and base-only read their base images there.
   */
  public Plan plan(Problem problem, SourceIndex index) {
    Choice[] choices = new Choice[problem.requests().size()];
    if (reuses()) {
      markReuses(problem, index, choices);
    }
    return PlanAssembler.assemble(problem, choose(problem, index, choices));
  }

  /** The optimal plan with a chosen solver for OS groups whose optimum breaks a depth limit. */
  public static Plan optimal(Problem problem, DepthSolver solver) {
    NearestIndex index = new NearestIndex(problem.model(), problem.images());
    Choice[] choices = new Choice[problem.requests().size()];
    markReuses(problem, index, choices);
    return PlanAssembler.assemble(problem, OptimalPlanner.choose(problem, index, choices, solver));
  }

  /** Fills in the choice of every request still null. */
  abstract Choice[] choose(Problem problem, SourceIndex index, Choice[] choices);

  /** Whether exact cache hits and duplicate requests are served without a build. */
  boolean reuses() {
    return true;
  }

  /** Duplicates of an earlier request become {@code sameAs}; exact cache hits become reuses. */
  private static void markReuses(Problem problem, SourceIndex index, Choice[] choices) {
    Map<String, Integer> firstByContent = new HashMap<>();
    for (int i = 0; i < choices.length; i++) {
      ImageSet request = problem.requests().get(i);
      Integer first = firstByContent.putIfAbsent(request.contentKey(), i);
      if (first != null) {
        choices[i] = new Choice.SameAs(first);
        continue;
      }
      ImageSet exact = index.exact(request);
      if (exact != null) {
        choices[i] = new Choice.Exact(exact);
      }
    }
  }
}
