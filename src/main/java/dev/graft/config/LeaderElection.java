package dev.graft.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Turns on the SDK's Lease-based leader election when the Deployment runs more than one replica
 * (the Helm chart sets {@code GRAFT_LEADER_ELECTION_ENABLED=true} then). Off by default, so a
 * single replica and local runs start reconciling at once and need no Lease permission.
 */
public class LeaderElection {

  /** The SDK picks this bean up; {@code null} (allowed for a dependent bean) means disabled. */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "graft.leader-election.enabled", defaultValue = "false")
          boolean enabled,
      @ConfigProperty(
              name = "graft.leader-election.lease-name",
              defaultValue = "graft-operator-lease")
          String leaseName,
      @ConfigProperty(name = "pod.namespace") Optional<String> podNamespace) {
    return configuration(enabled, leaseName, podNamespace.orElse(null));
  }

  public static LeaderElectionConfiguration configuration(
      boolean enabled, String leaseName, String namespace) {
    if (!enabled) {
      return null;
    }
    var builder = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName);
    if (namespace != null && !namespace.isBlank()) {
      builder.withLeaseNamespace(namespace);
    }
    return builder.build();
  }
}
