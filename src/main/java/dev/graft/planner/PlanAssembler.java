package dev.graft.planner;

import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/** Turns per-request choices into a {@link Plan}: exact set differences, costs, a valid order. */
final class PlanAssembler {
  private final Problem problem;
  private final Choice[] choices;
  private final boolean[] emitted;
  private final boolean[] visiting;
  private final int[] depth;
  private final List<Plan.Build> builds = new ArrayList<>();

  private PlanAssembler(Problem problem, Choice[] choices) {
    this.problem = problem;
    this.choices = choices;
    this.emitted = new boolean[choices.length];
    this.visiting = new boolean[choices.length];
    this.depth = new int[choices.length];
  }

  static Plan assemble(Problem problem, Choice[] choices) {
    return new PlanAssembler(problem, choices).run();
  }

  private Plan run() {
    for (int i = 0; i < choices.length; i++) {
      if (!(choices[i] instanceof Choice.Exact) && !(choices[i] instanceof Choice.SameAs)) {
        emit(i);
      }
    }
    // In request order, after the builds: a duplicate's depth is that of what it duplicates.
    List<Plan.Reuse> reuses = new ArrayList<>();
    for (int i = 0; i < choices.length; i++) {
      String name = problem.requests().get(i).name();
      if (choices[i] instanceof Choice.Exact exact) {
        reuses.add(new Plan.Reuse(name, exact.image().name(), null, exact.image().depth()));
      } else if (choices[i] instanceof Choice.SameAs same) {
        int first = same.request();
        int d = choices[first] instanceof Choice.Exact e ? e.image().depth() : depth[first];
        reuses.add(new Plan.Reuse(name, null, problem.requests().get(first).name(), d));
      }
    }
    double total = 0;
    for (Plan.Build build : builds) {
      total += build.cost();
    }
    return new Plan(total, List.copyOf(builds), List.copyOf(reuses));
  }

  /** Emits a build after the build of its source request, depth first. */
  private void emit(int request) {
    if (emitted[request]) {
      return;
    }
    if (visiting[request]) {
      throw new IllegalStateException("build cycle through request " + request);
    }
    visiting[request] = true;
    ImageSet target = problem.requests().get(request);
    Choice choice = choices[request];
    if (choice instanceof Choice.FromRequest from) {
      emit(from.request());
      depth[request] = depth[from.request()] + 1;
      builds.add(
          build(
              target,
              problem.requests().get(from.request()),
              Plan.SourceKind.request,
              depth[request]));
    } else if (choice instanceof Choice.FromImage from) {
      depth[request] = from.image().depth() + 1;
      builds.add(build(target, from.image(), Plan.SourceKind.image, depth[request]));
    } else {
      throw new IllegalStateException("request " + target.name() + " is not a build: " + choice);
    }
    visiting[request] = false;
    emitted[request] = true;
  }

  private Plan.Build build(ImageSet target, ImageSet source, Plan.SourceKind kind, int depth) {
    CostModel model = problem.model();
    return new Plan.Build(
        target.name(),
        source.name(),
        kind,
        ids(RoaringBitmap.andNot(target.files(), source.files())),
        ids(RoaringBitmap.andNot(source.files(), target.files())),
        model.cost(source, target),
        depth);
  }

  private List<String> ids(RoaringBitmap set) {
    List<String> ids = new ArrayList<>(set.getCardinality());
    for (int f : set) {
      ids.add(problem.model().files().get(f).id());
    }
    return ids;
  }
}
