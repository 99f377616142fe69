package dev.graft.controller;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The profile of tests that stop the application's operator and run their own ({@link
 * FreshOperator}): they share one application instance, apart from the other tests.
 */
public class StandaloneOperators implements QuarkusTestProfile {
  /** Stops the application's operator, so that only the test's own operators run. */
  static void stop(Operator applicationOperator) {
    if (applicationOperator.getRuntimeInfo().isStarted()) {
      applicationOperator.stop();
    }
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of("graft.build.max-attempts", "3");
  }
}
