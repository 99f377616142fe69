package dev.graft.controller;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Why an injection Job failed, in the injector's words: the termination message of its pod's
 * container ({@code graft: files[0].owner: no user "nginx" in /etc/passwd of the image ...}). Read
 * with one list call only when a Job has failed (pods get/list; no Pod informer for a rare event).
 */
final class InjectorMessages {

  /** Set by the Job controller on its pods (also as {@code batch.kubernetes.io/job-name}). */
  static final String JOB_NAME_LABEL = "job-name";

  /** The prefix the injector puts before its reason. */
  static final String PREFIX = "graft: ";

  /** A condition message stays readable: the injector's first lines at most. */
  static final int MAX_LENGTH = 1024;

  private InjectorMessages() {}

  /** The message of the latest terminated container of the Job's pods, or null. */
  static String of(KubernetesClient client, String namespace, String job, String container) {
    return clean(raw(client, namespace, job, container));
  }

  /**
   * The injector's report ({@code GRAFT-RESULT}) of a build's succeeded Job, read once: when the
   * build registers (not Ready yet, nothing measured yet); null otherwise.
   */
  static String result(
      KubernetesClient client,
      dev.graft.api.GoldenImage gi,
      io.fabric8.kubernetes.api.model.batch.v1.Job job) {
    var status = gi.getStatus();
    if (job == null
        || !dev.graft.controller.goldenimage.Inject.succeeded(job)
        || (status != null
            && (status.timings != null || status.phase == dev.graft.api.Phase.Ready))) {
      return null;
    }
    return raw(
        client,
        gi.getMetadata().getNamespace(),
        job.getMetadata().getName(),
        dev.graft.build.InjectionJobs.CONTAINER);
  }

  /**
   * The termination message as the injector wrote it: for a Job that succeeded, its {@code
   * GRAFT-RESULT} line (the measurements the cost model learns from); null if none could be read.
   */
  static String raw(KubernetesClient client, String namespace, String job, String container) {
    try {
      return latest(client, namespace, job, container);
    } catch (KubernetesClientException e) {
      return null; // the Job's own condition still tells that it failed
    }
  }

  /**
   * The termination message of a finished Job shared by several builds: each disk's result is in
   * it, so an API error is thrown (the reconcile is retried) rather than read as no result.
   */
  static String shared(KubernetesClient client, String namespace, String job) {
    return latest(client, namespace, job, dev.graft.build.InjectionJobs.CONTAINER);
  }

  private static String latest(
      KubernetesClient client, String namespace, String job, String container) {
    List<Pod> pods =
        client.pods().inNamespace(namespace).withLabel(JOB_NAME_LABEL, job).list().getItems();
    return pods.stream()
        .sorted(
            Comparator.comparing(
                    (Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""))
                .reversed())
        .map(p -> message(p, container))
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  private static String message(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
      if (container.equals(s.getName())
          && s.getState() != null
          && s.getState().getTerminated() != null) {
        String message = s.getState().getTerminated().getMessage();
        return message == null || message.isBlank() ? null : message;
      }
    }
    return null;
  }

  /** The injector's reason without its prefix, on one line, cut to {@link #MAX_LENGTH}. */
  static String clean(String message) {
    if (message == null || message.isBlank()) {
      return null;
    }
    String text = message.strip();
    int last = text.lastIndexOf(PREFIX);
    if (last >= 0) {
      text = text.substring(last + PREFIX.length()); // the last reason is the one that ended it
    }
    text = text.replaceAll("\\s*\\n\\s*", " ").strip();
    return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + " ..." : text;
  }
}
