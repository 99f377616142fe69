package dev.graft.realcluster;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Plays the scheduler and the kubelet for the Pods that the real Job controller creates (there is
 * no node here): binds each new Pod of a Job to a node and ends it Succeeded or Failed through the
 * status API, as a kubelet reports it. The Job controller then does what it does on a cluster:
 * counts completions and failures, retries up to backoffLimit, enforces activeDeadlineSeconds.
 */
public final class Kubelet implements AutoCloseable {
  public static final String NODE = "sim-node-1";

  enum Outcome {
    SUCCEED,
    FAIL,
    /** Stay Running until the Job controller ends it (activeDeadlineSeconds). */
    RUN
  }

  private final KubernetesClient client;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private volatile Function<Pod, Outcome> outcome = pod -> Outcome.SUCCEED;
  private volatile String failureMessage;
  private final SharedIndexInformer<Pod> pods;

  public Kubelet(KubernetesClient client) {
    this.client = client;
    pods =
        client
            .pods()
            .inAnyNamespace()
            .withLabel("batch.kubernetes.io/job-name")
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    run(pod);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    run(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {}
                },
                2000);
  }

  /** How Pods end from now on (the default: Succeeded). */
  void outcome(Function<Pod, Outcome> outcome) {
    this.outcome = outcome;
  }

  /**
   * The termination message failed containers leave from now on (what the injector writes to
   * /dev/termination-log), or none when null.
   */
  void failureMessage(String message) {
    this.failureMessage = message;
  }

  private volatile Function<Pod, String> successMessage = pod -> null;

  /**
   * The termination message succeeded containers leave from now on (what the injector writes to
   * /dev/termination-log), by Pod; none when it gives null.
   */
  void successMessage(Function<Pod, String> message) {
    this.successMessage = message;
  }

  /** Names (namespace/name) of every Pod this kubelet ran to its end (or found gone). */
  public Set<String> ran() {
    return Set.copyOf(seen);
  }

  private void run(Pod pod) {
    String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      stop(pod);
      return;
    }
    if (!"Pending".equals(pod.getStatus().getPhase()) || seen.contains(key)) {
      return;
    }
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    try {
      if (pod.getSpec().getNodeName() == null) {
        bind(ns, name);
      }
      Outcome o = outcome.apply(pod);
      String now = Instant.now().toString();
      String message = o == Outcome.SUCCEED ? successMessage.apply(pod) : failureMessage;
      client
          .pods()
          .inNamespace(ns)
          .withName(name)
          .editStatus(
              p -> {
                p.getStatus().setStartTime(now);
                p.getStatus().setContainerStatuses(containers(p, o, now, message));
                p.getStatus()
                    .setPhase(
                        switch (o) {
                          case SUCCEED -> "Succeeded";
                          case FAIL -> "Failed";
                          case RUN -> "Running";
                        });
                return p;
              });
      seen.add(key);
    } catch (KubernetesClientException e) {
      // Gone: nothing to run. Anything else (the API server restarting): the resync retries.
      if (e.getCode() == 404) {
        seen.add(key);
      }
    }
  }

  /**
   * A bound Pod being deleted (the Job controller ending it at its activeDeadlineSeconds): as a
   * kubelet does, stop its containers, report it Failed, then remove it for good (grace period 0).
   * Without this a bound Pod stays Terminating forever and the Job never reaches its terminal
   * condition.
   */
  private void stop(Pod pod) {
    if (pod.getSpec().getNodeName() == null) {
      return;
    }
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    try {
      if ("Running".equals(pod.getStatus().getPhase())
          || "Pending".equals(pod.getStatus().getPhase())) {
        String now = Instant.now().toString();
        client
            .pods()
            .inNamespace(ns)
            .withName(name)
            .editStatus(
                p -> {
                  p.getStatus().setContainerStatuses(containers(p, Outcome.FAIL, now, null));
                  p.getStatus().setPhase("Failed");
                  return p;
                });
      }
      client.pods().inNamespace(ns).withName(name).withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      // Gone already, or the API server restarting: the resync retries.
    }
  }

  private void bind(String ns, String name) {
    try {
      client
          .bindings()
          .inNamespace(ns)
          .resource(
              new BindingBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .withNewTarget()
                  .withKind("Node")
                  .withName(NODE)
                  .endTarget()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static List<ContainerStatus> containers(Pod pod, Outcome o, String now, String message) {
    return pod.getSpec().getContainers().stream()
        .map(
            c -> {
              var b =
                  new ContainerStatusBuilder()
                      .withName(c.getName())
                      .withImage(c.getImage())
                      .withImageID("")
                      .withRestartCount(0)
                      .withReady(o == Outcome.RUN)
                      .withStarted(o == Outcome.RUN);
              if (o == Outcome.RUN) {
                b.withNewState().withNewRunning().withStartedAt(now).endRunning().endState();
              } else {
                b.withNewState()
                    .withNewTerminated()
                    .withExitCode(o == Outcome.SUCCEED ? 0 : 1)
                    .withReason(o == Outcome.SUCCEED ? "Completed" : "Error")
                    .withMessage(o == Outcome.RUN ? null : message)
                    .withStartedAt(now)
                    .withFinishedAt(now)
                    .endTerminated()
                    .endState();
              }
              return b.build();
            })
        .toList();
  }

  @Override
  public void close() {
    pods.close();
  }
}
