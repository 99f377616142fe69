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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
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
            GraftedVirtualMachine.Status.class);
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
    failures.handle(again, refused(403, "exceeded quota"), GraftedVirtualMachine.Status.class);
    assertThat(warnings).hasSize(1);
  }

  @Test
  void aTransientErrorIsRetriedAndOnlyCounted() {
    var control =
        failures.handle(gvm(), refused(500, "etcd timeout"), GraftedVirtualMachine.Status.class);
    assertThat(control.isDefaultErrorProcessing()).isTrue();
    assertThat(warnings).isEmpty();
    assertThat(registry.find("graft.reconcile.errors").counter().count()).isEqualTo(1);
  }
}
