package dev.graft.controller.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.BaseControl;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.ResourceOperations;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The status patch as the API server answers it: a spec edited between the reconcile's read and its
 * status patch (whose watch event the SDK drops) is reconciled again at once, on the error path
 * too.
 */
class StatusWriteTest {
  /** What the patch was based on (status, resourceVersion) and what it wrote. */
  private final List<String> patched = new ArrayList<>();

  /** What the status patch throws, if anything. */
  private KubernetesClientException failWith;

  private static GraftedVirtualMachine gvm(Phase phase) {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setName("web");
    g.getMetadata().setNamespace("team");
    g.getMetadata().setGeneration(3L);
    g.getMetadata().setResourceVersion("41");
    g.setStatus(new GraftedVirtualMachine.Status());
    g.getStatus().phase = phase;
    return g;
  }

  /** A reconcile context whose status patch answers with {@code generationNow}. */
  @SuppressWarnings("unchecked")
  private Context<GraftedVirtualMachine> answeringWith(long generationNow) {
    Context<GraftedVirtualMachine>[] ctx = new Context[1];
    ResourceOperations<GraftedVirtualMachine> operations =
        new ResourceOperations<>(null) {
          @Override
          public GraftedVirtualMachine jsonPatchPrimaryStatus(
              GraftedVirtualMachine base, UnaryOperator<GraftedVirtualMachine> edit) {
            if (failWith != null) {
              throw failWith;
            }
            patched.add(base.getStatus().phase + "@" + base.getMetadata().getResourceVersion());
            GraftedVirtualMachine answer = gvm(Phase.Pending);
            answer.setStatus(edit.apply(base).getStatus());
            patched.add("wrote " + answer.getStatus().phase);
            answer.getMetadata().setGeneration(generationNow);
            answer.getMetadata().setResourceVersion("43");
            return answer;
          }
        };
    ctx[0] =
        (Context<GraftedVirtualMachine>)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("resourceOperations")) {
                    return operations;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return ctx[0];
  }

  @Test
  void patchesFromTheStatusReadToTheNewOneWithoutAResourceVersionAndRestoresTheResource() {
    GraftedVirtualMachine g = gvm(Phase.Building);
    GraftedVirtualMachine.Status before = g.getStatus();
    GraftedVirtualMachine.Status after = new GraftedVirtualMachine.Status();
    after.phase = Phase.Ready;
    g.setStatus(after);

    UpdateControl<GraftedVirtualMachine> control =
        StatusWrite.patch(g, before, answeringWith(3), Duration.ofSeconds(20));

    assertThat(patched).containsExactly("Building@null", "wrote Ready");
    assertThat(g.getStatus()).isSameAs(after);
    assertThat(g.getMetadata().getResourceVersion()).isEqualTo("41");
    // The SDK writes nothing more; the decision's recheck stays.
    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay()).contains(20_000L);
  }

  @Test
  void aSpecEditedBeforeThePatchLandedIsReconciledAgainAtOnce() {
    GraftedVirtualMachine g = gvm(Phase.Building);
    GraftedVirtualMachine.Status before = g.getStatus();
    g.setStatus(new GraftedVirtualMachine.Status());
    g.getStatus().phase = Phase.Ready;

    UpdateControl<GraftedVirtualMachine> control =
        StatusWrite.patch(g, before, answeringWith(4), null);

    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay()).contains(BaseControl.INSTANT_RESCHEDULE);
  }

  @Test
  void withoutAnEditOrARecheckNothingIsScheduled() {
    GraftedVirtualMachine g = gvm(Phase.Building);
    GraftedVirtualMachine.Status before = g.getStatus();
    g.setStatus(new GraftedVirtualMachine.Status());

    assertThat(StatusWrite.patch(g, before, answeringWith(3), null).getScheduleDelay()).isEmpty();
  }

  @Test
  void onTheErrorPathAResourceWaitingForAChangeIsReconciledAgainWhenItsSpecChangedMeanwhile() {
    GraftedVirtualMachine g = gvm(Phase.Building);
    GraftedVirtualMachine.Status before = g.getStatus();
    g.setStatus(new GraftedVirtualMachine.Status());
    g.getStatus().phase = Phase.Pending;
    var permanent = ErrorStatusUpdateControl.patchStatus(g).withNoRetry();

    var control = StatusWrite.patchOnError(g, before, answeringWith(4), permanent);

    assertThat(patched).containsExactly("Building@null", "wrote Pending");
    assertThat(control.getResource()).isEmpty(); // written here, not again by the SDK
    assertThat(control.isNoRetry()).isTrue();
    assertThat(control.getScheduleDelay()).contains(BaseControl.INSTANT_RESCHEDULE);
    // Unedited, it waits for a change.
    g.setStatus(before);
    assertThat(StatusWrite.patchOnError(g, before, answeringWith(3), permanent).getScheduleDelay())
        .isEmpty();
  }

  @Test
  void onTheErrorPathRetriesStayAndNothingElseIsWritten() {
    GraftedVirtualMachine g = gvm(Phase.Building);
    var retried =
        StatusWrite.patchOnError(
            g, g.getStatus(), answeringWith(4), ErrorStatusUpdateControl.patchStatus(g));
    assertThat(retried.isNoRetry()).isFalse();
    assertThat(retried.getScheduleDelay()).isEmpty();

    var transientFailure = ErrorStatusUpdateControl.<GraftedVirtualMachine>defaultErrorProcessing();
    assertThat(StatusWrite.patchOnError(g, g.getStatus(), answeringWith(4), transientFailure))
        .isSameAs(transientFailure);
    assertThat(patched).containsExactly("Building@null", "wrote Building");
  }

  @Test
  void onTheErrorPathAFailedWriteIsNotThrown() {
    GraftedVirtualMachine g = gvm(Phase.Building);
    failWith = new KubernetesClientException("gone", 404, null);

    var control =
        StatusWrite.patchOnError(
            g,
            g.getStatus(),
            answeringWith(4),
            ErrorStatusUpdateControl.patchStatus(g).withNoRetry());

    assertThat(control.isNoRetry()).isTrue();
    assertThat(control.getScheduleDelay()).isEmpty();
    assertThat(g.getMetadata().getResourceVersion()).isEqualTo("41");
  }
}
