package dev.graft.realcluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts the real control plane (once per JVM), installs the CRDs and the chart's RBAC, and points
 * the application's Kubernetes client at it with a token of the operator's ServiceAccount: the
 * operator under test has exactly the rights that the Helm chart gives it.
 */
public class RealClusterResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    RealControlPlane cp = RealCluster.setUp();
    String token;
    try (KubernetesClient admin = cp.adminClient()) {
      token = RealCluster.operatorToken(admin);
    }
    return Map.of(
        "quarkus.kubernetes-client.api-server-url",
        cp.url(),
        "quarkus.kubernetes-client.ca-cert-file",
        cp.caCertFile(),
        "quarkus.kubernetes-client.token",
        token,
        "quarkus.kubernetes-client.trust-certs",
        "false",
        "quarkus.kubernetes-client.namespace",
        RealCluster.OPERATOR_NAMESPACE,
        "pod.namespace",
        RealCluster.OPERATOR_NAMESPACE);
  }

  @Override
  public void stop() {
    // The control plane lives as long as the JVM: other test classes of the tier reuse it.
  }
}
