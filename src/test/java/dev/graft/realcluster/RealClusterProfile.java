package dev.graft.realcluster;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The real-control-plane tier: the application's operator talks to a real kube-apiserver (with the
 * garbage collector and Job controller of a real kube-controller-manager) as the chart's
 * ServiceAccount. Every test class with this profile shares one application and one control plane.
 */
public class RealClusterProfile implements QuarkusTestProfile {
  public static final String TAG = "real-cluster";

  /** Where the leader-election test runs operators of its own. */
  public static final String LEADER_ELECTION_NAMESPACE = "leader-election";

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        // The tier installs the CRDs exactly as shipped, as cluster admin; the operator's
        // ServiceAccount may only read them (as in a Helm install).
        "quarkus.operator-sdk.crd.apply", "false",
        "graft.build.max-attempts", "2",
        // One Pod retry per Job: the Job controller's 10 s backoff, not 30 s, per failing Job.
        "graft.injector.backoff-limit", "1");
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(RealClusterResource.class));
  }

  @Override
  public Set<String> tags() {
    return Set.of(TAG);
  }
}
