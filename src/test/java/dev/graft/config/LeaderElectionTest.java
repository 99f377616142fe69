package dev.graft.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

  @Test
  void disabledByDefault() {
    assertThat(LeaderElection.configuration(false, "graft-operator-lease", "graft-system"))
        .isNull();
  }

  @Test
  void enabledUsesTheLeaseInThePodNamespace() {
    var config = LeaderElection.configuration(true, "graft-operator-lease", "graft-system");
    assertThat(config.getLeaseName()).isEqualTo("graft-operator-lease");
    assertThat(config.getLeaseNamespace()).contains("graft-system");
    assertThat(LeaderElection.configuration(true, "l", null).getLeaseNamespace()).isEmpty();
  }

  @Test
  void leaderElectionPropertiesLiveBesideGraftConfigWithoutBreakingIt() {
    // The chart sets these next to the graft.* properties of GraftConfig; the mapping must not
    // reject them as unknown.
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            // Quarkus' own duration syntax ("30s"), as in the running operator
            .withConverter(Duration.class, 200, new DurationConverter())
            .withMapping(GraftConfig.class)
            .withMapping(LeaderElectionConfig.class)
            .withSources(
                new PropertiesConfigSource(
                    Map.of(
                        "graft.leader-election.enabled", "true",
                        "graft.leader-election.lease-name", "x",
                        "graft.planner.strategy", "nearest"),
                    "test",
                    500))
            .build();
    assertThat(config.getConfigMapping(GraftConfig.class).planner().strategy())
        .isEqualTo("nearest");
    assertThat(config.getConfigMapping(LeaderElectionConfig.class).enabled()).isTrue();
    assertThat(config.getConfigMapping(LeaderElectionConfig.class).leaseName()).isEqualTo("x");
  }

  @Test
  void theChartsEnvironmentVariablesReachBothMappings() {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            // Quarkus' own duration syntax ("30s"), as in the running operator
            .withConverter(Duration.class, 200, new DurationConverter())
            .withMapping(GraftConfig.class)
            .withMapping(LeaderElectionConfig.class)
            .withSources(
                new EnvConfigSource(
                    Map.of(
                        "GRAFT_LEADER_ELECTION_ENABLED", "true",
                        "GRAFT_LEADER_ELECTION_LEASE_NAME", "lease-1",
                        "GRAFT_PLANNER_WEIGHTS_PER_BUILD", "30",
                        "GRAFT_CACHE_MAX_BYTES_PER_OS", "536870912000",
                        "GRAFT_PLANNER_WEIGHTS_MISSING_BYTES", "2e-08"),
                    300))
            .build();
    assertThat(config.getConfigMapping(LeaderElectionConfig.class).enabled()).isTrue();
    assertThat(config.getConfigMapping(LeaderElectionConfig.class).leaseName())
        .isEqualTo("lease-1");
    GraftConfig graft = config.getConfigMapping(GraftConfig.class);
    assertThat(graft.planner().weights().perBuild()).isEqualTo(30.0);
    assertThat(graft.planner().weights().missingBytes()).isEqualTo(2.0e-8);
    assertThat(graft.cache().maxBytesPerOs()).isEqualTo(536870912000L);
  }
}
