package dev.graft.realcluster;

import java.util.HashMap;
import java.util.Map;

/**
 * The real-control-plane tier with a short activeDeadlineSeconds on injection Jobs, so that the Job
 * controller's deadline can be seen to fail a build: a profile apart (it restarts the application),
 * so that the tier's other classes keep the production deadline.
 */
public class RealClusterDeadlineProfile extends RealClusterProfile {
  public static final long DEADLINE_SECONDS = 5;

  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> config = new HashMap<>(super.getConfigOverrides());
    config.put("graft.injector.active-deadline-seconds", Long.toString(DEADLINE_SECONDS));
    return config;
  }
}
