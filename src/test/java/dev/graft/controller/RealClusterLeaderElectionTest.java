package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.ImageSource;
import dev.graft.api.StorageSpec;
import dev.graft.api.VirtualMachineTemplate;
import dev.graft.build.InjectionJobs;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import dev.graft.realcluster.Fleets;
import dev.graft.realcluster.Kubelet;
import dev.graft.realcluster.RealCluster;
import dev.graft.realcluster.RealClusterProfile;
import dev.graft.realcluster.RealClusterStandaloneProfile;
import dev.graft.realcluster.RealControlPlane;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two operators with leader election against the real API server, as the chart's ServiceAccount:
 * exactly one reconciles; stopping the leader hands over within the lease duration; nothing is
 * built twice. Who wrote what is read from the server's managedFields (each operator's client has
 * its own user agent, which the server records as the field manager). Both reconcile only their own
 * namespace, which the application's operator does not watch (RealClusterProfile).
 */
@QuarkusTest
@TestProfile(RealClusterStandaloneProfile.class)
@Tag(RealClusterProfile.TAG)
class RealClusterLeaderElectionTest {
  static final String NS = RealClusterProfile.LEADER_ELECTION_NAMESPACE;

  @Inject GraftConfig config;
  @Inject InjectionJobs jobs;
  @Inject GraftMetrics metrics;
  @Inject Operator applicationOperator;

  @BeforeEach
  void onlyTheTestsOperatorsRun() {
    StandaloneOperators.stop(applicationOperator);
  }

  @Test
  void exactlyOneReconcilesAndTheOtherTakesOverWithinTheLease() throws Exception {
    RealControlPlane cp = RealCluster.setUp();
    try (KubernetesClient admin = cp.adminClient();
        ClusterSimulator cdi = ClusterSimulator.cdiOnly(admin).start();
        Kubelet kubelet = new Kubelet(admin)) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .serverSideApply();
      String token = RealCluster.operatorToken(admin);
      LeaderElectionConfiguration base =
          dev.graft.config.LeaderElection.configuration(true, "graft-le-test", "graft-system");

      FreshOperator a =
          FreshOperator.startElected(
              operatorClient(cp, token, "graft-op-a"),
              elected(base, "graft-op-a"),
              NS,
              config,
              jobs,
              metrics);
      FreshOperator b = null;
      try {
        Fleets.until(admin, NS, () -> "graft-op-a".equals(holder(admin, base)));
        b =
            FreshOperator.startElected(
                operatorClient(cp, token, "graft-op-b"),
                elected(base, "graft-op-b"),
                NS,
                config,
                jobs,
                metrics);

        admin.resource(baseImage()).create();
        admin.resource(gvm("one", "/etc/one")).create();
        Fleets.until(admin, NS, () -> Fleets.allReady(admin, NS, 1));
        assertThat(writers(admin))
            .as("writers while a leads")
            .contains("graft-op-a")
            .doesNotContain("graft-op-b");

        long stopped = System.nanoTime();
        a.close();
        Fleets.until(admin, NS, () -> "graft-op-b".equals(holder(admin, base)));
        Duration handover = Duration.ofNanos(System.nanoTime() - stopped);
        assertThat(handover)
            .as("handover")
            .isLessThanOrEqualTo(
                base.getLeaseDuration().plus(base.getRetryPeriod()).plusSeconds(5));

        admin.resource(gvm("two", "/etc/two")).create();
        Fleets.until(admin, NS, () -> Fleets.allReady(admin, NS, 2));
        assertThat(writers(admin)).as("writers after the handover").contains("graft-op-b");
        Fleets.assertBuiltOnce(admin, NS);
      } finally {
        if (b != null) {
          b.close();
        }
        a.close();
      }
    }
  }

  /** The production Lease settings, with a distinct identity per operator, not exiting the JVM. */
  static LeaderElectionConfiguration elected(LeaderElectionConfiguration base, String identity) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(base.getLeaseName())
        .withLeaseNamespace(base.getLeaseNamespace().orElseThrow())
        .withLeaseDuration(base.getLeaseDuration())
        .withRenewDeadline(base.getRenewDeadline())
        .withRetryPeriod(base.getRetryPeriod())
        .withIdentity(identity)
        .buildForTest(false);
  }

  static Config operatorClient(RealControlPlane cp, String token, String userAgent) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(cp.url())
        .withCaCertFile(cp.caCertFile())
        .withOauthToken(token)
        .withUserAgent(userAgent + "/test")
        .build();
  }

  static String holder(KubernetesClient admin, LeaderElectionConfiguration le) {
    Lease lease =
        admin
            .leases()
            .inNamespace(le.getLeaseNamespace().orElseThrow())
            .withName(le.getLeaseName())
            .get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Field managers of the objects in the namespace that Graft reconciles or creates. */
  static Set<String> writers(KubernetesClient admin) {
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(admin.resources(GraftedVirtualMachine.class).inNamespace(NS).list().getItems());
    all.addAll(admin.resources(GoldenImage.class).inNamespace(NS).list().getItems());
    all.addAll(admin.resources(BaseImage.class).inNamespace(NS).list().getItems());
    all.addAll(admin.batch().v1().jobs().inNamespace(NS).list().getItems());
    Set<String> managers = new TreeSet<>();
    for (HasMetadata o : all) {
      Stream.ofNullable(o.getMetadata().getManagedFields())
          .flatMap(List::stream)
          .map(ManagedFieldsEntry::getManager)
          .filter(m -> m.startsWith("graft-op-"))
          .forEach(managers::add);
    }
    return managers;
  }

  static BaseImage baseImage() {
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName("fedora-40");
    bi.getMetadata().setNamespace(NS);
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = "fedora-40";
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.http = new ImageSource.Url("https://images.example.org/fedora-40.qcow2");
    bi.getSpec().storage = new StorageSpec();
    bi.getSpec().storage.size = "8Gi";
    return bi;
  }

  static GraftedVirtualMachine gvm(String name, String path) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.getMetadata().setName(name);
    gvm.getMetadata().setNamespace(NS);
    gvm.setSpec(new GraftedVirtualMachine.Spec());
    gvm.getSpec().os = "fedora-40";
    gvm.getSpec().files = new ArrayList<>(List.of(FileSpec.inline(path, name)));
    gvm.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(1, "1Gi");
    return gvm;
  }
}
