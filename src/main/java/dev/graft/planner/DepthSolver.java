package dev.graft.planner;

/** How the optimal strategy plans a group of requests whose unbounded optimum is too deep. */
public enum DepthSolver {
  /** Exactly up to {@link ExactDepthSolver#LIMIT} requests of one OS, by local search above. */
  AUTO,
  /** Always exactly (exponential: for measurements on small groups). */
  EXACT,
  /** Always by local search (for measuring its gap to the exact optimum). */
  HEURISTIC
}
