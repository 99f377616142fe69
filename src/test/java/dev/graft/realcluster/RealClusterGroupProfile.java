package dev.graft.realcluster;

import java.util.HashMap;
import java.util.Map;

/**
 * The real-control-plane tier with injection groups on (graft.build.max-disks-per-job=4): a profile
 * apart (it restarts the application), so that the tier's other classes keep one Job per build.
 */
public class RealClusterGroupProfile extends RealClusterProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> config = new HashMap<>(super.getConfigOverrides());
    config.put("graft.build.max-disks-per-job", "4");
    return config;
  }
}
