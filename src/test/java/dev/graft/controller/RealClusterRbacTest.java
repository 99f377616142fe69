package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.graft.api.GoldenImage;
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
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The operator's identity and rights on the real API server: it is the chart's ServiceAccount, not
 * an admin, and a rule missing from the chart's ClusterRole is a 403 that stops the build (so the
 * fleet tests, which run the operator with exactly the chart's rules, would fail).
 */
@QuarkusTest
@TestProfile(RealClusterStandaloneProfile.class)
@Tag(RealClusterProfile.TAG)
class RealClusterRbacTest {
  static final String NS = "rbac";

  @Inject GraftConfig config;
  @Inject InjectionJobs jobs;
  @Inject GraftMetrics metrics;
  @Inject Operator applicationOperator;

  @BeforeEach
  void onlyTheTestsOperatorsRun() {
    StandaloneOperators.stop(applicationOperator);
  }

  @Test
  void theOperatorIsTheChartsServiceAccountAndNotAnAdmin() {
    RealControlPlane cp = RealCluster.setUp();
    try (KubernetesClient admin = cp.adminClient();
        KubernetesClient operator =
            new KubernetesClientBuilder()
                .withConfig(
                    RealClusterLeaderElectionTest.operatorClient(
                        cp, RealCluster.operatorToken(admin), "graft-rbac"))
                .build()) {
      // Allowed by the chart: list GraftedVirtualMachines and Jobs everywhere.
      operator.batch().v1().jobs().inAnyNamespace().list();
      // Not in the chart: deleting Jobs (the garbage collector does it), reading Deployments.
      KubernetesClientException e =
          catchThrowableOfType(
              KubernetesClientException.class,
              () -> operator.batch().v1().jobs().inNamespace("default").withName("x").delete());
      assertThat(e.getCode()).isEqualTo(403);
      assertThat(e.getMessage())
          .contains("system:serviceaccount:graft-system:graft")
          .contains("cannot delete resource \"jobs\"");
      assertThat(
              catchThrowableOfType(
                      KubernetesClientException.class,
                      () -> operator.apps().deployments().inAnyNamespace().list())
                  .getCode())
          .isEqualTo(403);
    }
  }

  @Test
  void aRuleMissingFromTheChartIsA403ThatStopsTheBuild() {
    RealControlPlane cp = RealCluster.setUp();
    LogCapture logs = LogCapture.start();
    try (KubernetesClient admin = cp.adminClient();
        ClusterSimulator cdi = ClusterSimulator.cdiOnly(admin).start();
        Kubelet kubelet = new Kubelet(admin)) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .serverSideApply();
      ClusterRole chart =
          (ClusterRole)
              RealCluster.chartRbac().stream()
                  // The operator's own ClusterRole: the one that grants Jobs (the chart also ships
                  // ClusterBaseImage viewer and editor roles for people).
                  .filter(
                      o ->
                          o instanceof ClusterRole role
                              && role.getRules().stream()
                                  .anyMatch(r -> r.getResources().contains("jobs")))
                  .findFirst()
                  .orElseThrow();
      ClusterRole reduced =
          new ClusterRoleBuilder()
              .withNewMetadata()
              .withName("graft-without-jobs")
              .endMetadata()
              .build();
      // The chart's ClusterRole, its Job rule without the verb "create".
      List<PolicyRule> rules =
          chart.getRules().stream()
              .map(
                  r ->
                      r.getResources().contains("jobs")
                          ? new PolicyRuleBuilder(r)
                              .withVerbs(
                                  r.getVerbs().stream().filter(v -> !"create".equals(v)).toList())
                              .build()
                          : r)
              .toList();
      assertThat(rules).isNotEqualTo(chart.getRules());
      reduced.setRules(rules);
      admin.resource(reduced).serverSideApply();
      admin
          .resource(
              new ServiceAccountBuilder()
                  .withNewMetadata()
                  .withName("graft-without-jobs")
                  .withNamespace(RealCluster.OPERATOR_NAMESPACE)
                  .endMetadata()
                  .build())
          .serverSideApply();
      admin
          .resource(
              new ClusterRoleBindingBuilder()
                  .withNewMetadata()
                  .withName("graft-without-jobs")
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "graft-without-jobs")
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName("graft-without-jobs")
                  .withNamespace(RealCluster.OPERATOR_NAMESPACE)
                  .endSubject()
                  .build())
          .serverSideApply();
      String token =
          admin
              .serviceAccounts()
              .inNamespace(RealCluster.OPERATOR_NAMESPACE)
              .withName("graft-without-jobs")
              .tokenRequest(
                  new TokenRequestBuilder()
                      .withNewSpec()
                      .withExpirationSeconds(3600L)
                      .endSpec()
                      .build())
              .getStatus()
              .getToken();
      try (FreshOperator op =
          FreshOperator.startElected(
              RealClusterLeaderElectionTest.operatorClient(cp, token, "graft-without-jobs"),
              null,
              NS,
              config,
              jobs,
              metrics)) {
        admin.resource(inNamespace(RealClusterLeaderElectionTest.baseImage())).create();
        admin.resource(inNamespace(RealClusterLeaderElectionTest.gvm("one", "/etc/one"))).create();
        Fleets.until(
            admin,
            NS,
            () ->
                logs.lines().stream()
                    .anyMatch(
                        l ->
                            l.contains("system:serviceaccount:graft-system:graft-without-jobs")
                                && l.contains("cannot create resource \"jobs\"")));
        assertThat(admin.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(
                admin.resources(GoldenImage.class).inNamespace(NS).list().getItems().stream()
                    .filter(gi -> gi.getSpec().parent != null))
            .allMatch(
                gi -> gi.getStatus() == null || gi.getStatus().phase != dev.graft.api.Phase.Ready);
        assertThat(Fleets.allReady(admin, NS, 1)).isFalse();
      }
    } finally {
      logs.stop();
    }
  }

  private static <T extends HasMetadata> T inNamespace(T o) {
    o.getMetadata().setNamespace(NS);
    return o;
  }
}
