package dev.graft.controller.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.EventRecorder;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one error path: permanent API errors become a condition and one event; others retry. */
class FailuresTest {
  private final List<String> warnings = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Failures failures =
      new Failures(
          new EventRecorder(null) {
            @Override
            public void warning(HasMetadata about, String reason, String message) {
              warnings.add(reason + ": " + message);
            }
          },
          new GraftMetrics(registry));

  private static GraftedVirtualMachine gvm() {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setName("web");
    g.getMetadata().setNamespace("team");
    g.getMetadata().setGeneration(3L);
    g.setStatus(new GraftedVirtualMachine.Status());
    g.getStatus().phase = Phase.Building;
    return g;
  }

  private static KubernetesClientException refused(int code, String message) {
    return new KubernetesClientException(
        new StatusBuilder()
            .withCode(code)
            .withMessage(message)
            .withNewDetails()
            .withKind("virtualmachines")
            .withName("web")
            .endDetails()
            .build());
  }

  @Test
  void aForbiddenWriteIsDegradedWithTheServersMessageOneEventAndNoRetry() {
    GraftedVirtualMachine g = gvm();
    var control =
        failures.handle(
            g,
            refused(403, "exceeded quota: compute, requested: requests.storage=8Gi"),
            GraftedVirtualMachine.Status.class,
            attempt(Failures.FORBIDDEN_ATTEMPTS));
    assertThat(control.isNoRetry()).isTrue();
    GraftedVirtualMachine.Status s = control.getResource().orElseThrow().getStatus();
    var degraded = Conditions.get(s, Conditions.DEGRADED);
    assertThat(degraded.getStatus()).isEqualTo("True");
    assertThat(degraded.getReason()).isEqualTo("ApiForbidden");
    assertThat(degraded.getMessage()).contains("exceeded quota: compute");
    assertThat(s.phase).isEqualTo(Phase.Building);
    assertThat(s.observedGeneration).isEqualTo(3L);
    assertThat(warnings).singleElement().asString().startsWith("ApiForbidden: ");
    assertThat(registry.find("graft.reconcile.errors").counter().count()).isEqualTo(1);

    // The same refusal again: no second event.
    GraftedVirtualMachine again = gvm();
    again.setStatus(s);
    failures.handle(
        again, refused(403, "exceeded quota"), GraftedVirtualMachine.Status.class, NO_RETRY_YET);
    assertThat(warnings).hasSize(1);
  }

  @Test
  void aForbiddenWriteIsShownAtOnceAndRetriedOnlyForItsFirstAttempts() {
    // An API server that just restarted answers 403 until its authorizer has synced.
    for (int attempt = 0; attempt < Failures.FORBIDDEN_ATTEMPTS; attempt++) {
      var control =
          failures.handle(
              gvm(),
              refused(403, "forbidden: RBAC: not yet synced"),
              GraftedVirtualMachine.Status.class,
              attempt(attempt));
      assertThat(control.isNoRetry()).as("attempt %d", attempt).isFalse();
      var degraded =
          Conditions.get(control.getResource().orElseThrow().getStatus(), Conditions.DEGRADED);
      assertThat(degraded.getReason()).isEqualTo("ApiForbidden");
    }
    var last =
        failures.handle(
            gvm(),
            refused(403, "forbidden"),
            GraftedVirtualMachine.Status.class,
            attempt(Failures.FORBIDDEN_ATTEMPTS));
    assertThat(last.isNoRetry()).isTrue();
  }

  @Test
  void anInvalidWriteIsNeverRetried() {
    var control =
        failures.handle(
            gvm(),
            refused(422, "spec.template: Invalid value"),
            GraftedVirtualMachine.Status.class,
            NO_RETRY_YET);
    assertThat(control.isNoRetry()).isTrue();
  }

  private static final Optional<RetryInfo> NO_RETRY_YET = Optional.empty();

  private static Optional<RetryInfo> attempt(int count) {
    return Optional.of(
        new RetryInfo() {
          @Override
          public int getAttemptCount() {
            return count;
          }

          @Override
          public boolean isLastAttempt() {
            return false;
          }
        });
  }

  @Test
  void aTransientErrorIsRetriedAndOnlyCounted() {
    var control =
        failures.handle(
            gvm(), refused(500, "etcd timeout"), GraftedVirtualMachine.Status.class, NO_RETRY_YET);
    assertThat(control.isDefaultErrorProcessing()).isTrue();
    assertThat(warnings).isEmpty();
    assertThat(registry.find("graft.reconcile.errors").counter().count()).isEqualTo(1);
  }
}
