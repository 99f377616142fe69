package dev.graft.controller;

import java.util.Map;

/** Standalone operators that learn their cost model from measured builds (tests turn it off). */
public class LearningOperators extends StandaloneOperators {
  @Override
  public Map<String, String> getConfigOverrides() {
    // %test: application.properties turns learning off for the test profile by that name.
    return Map.of("graft.build.max-attempts", "3", "%test.graft.planner.calibrate", "true");
  }
}
