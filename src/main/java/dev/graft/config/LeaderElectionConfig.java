package dev.graft.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Leader election settings (prefix {@code graft.leader-election}), kept apart from {@link
 * GraftConfig} because they are about running the Deployment, not about what Graft builds.
 */
@ConfigMapping(prefix = "graft.leader-election")
public interface LeaderElectionConfig {

  /** Take a Lease before reconciling; the Helm chart turns it on for more than one replica. */
  @WithDefault("false")
  boolean enabled();

  /** Name of the Lease, in the operator's namespace. */
  @WithDefault("graft-operator-lease")
  String leaseName();
}
