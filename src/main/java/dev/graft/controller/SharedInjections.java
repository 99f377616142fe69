package dev.graft.controller;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.controller.goldenimage.BuildView;
import dev.graft.controller.goldenimage.Inject;
import dev.graft.controller.goldenimage.InjectionGroups;
import dev.graft.inject.DiskResult;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.InjectionResults;
import dev.graft.k8s.Informers;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GoldenImage reconciler's observe step for injection Jobs shared by several builds ({@link
 * InjectionGroups}): finds the shared Job of an image's attempt, reads this image's own result from
 * its pod once it finished, and otherwise tells the Inject phase where the attempt goes.
 */
final class SharedInjections {

  /** Set by the scheduler on a PVC of topology-constrained storage: the node it is bound to. */
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

  private final InjectionGroups groups;

  /** The node each clone's PVC is bound to ({@code ns/image:attempt} → node, "" for none). */
  private final Map<String, String> nodes = new ConcurrentHashMap<>();

  SharedInjections(InjectionGroups groups) {
    this.groups = groups;
  }

  /**
   * The Job of the attempt, how the image's injection is grouped, and for a shared Job this disk's
   * failure message and (while learning) its report.
   */
  record Observed(Optional<Job> job, BuildView.Grouping grouping, String message, String result) {}

  Observed observe(
      Context<GoldenImage> ctx,
      GoldenImage gi,
      int attempt,
      Optional<Job> single,
      List<GoldenImage> catalog,
      Map<String, String> claim,
      boolean learning) {
    String ns = gi.getMetadata().getNamespace();
    String name = gi.getMetadata().getName();
    if (settled(gi)) {
      nodes.keySet().removeIf(k -> k.startsWith(ns + "/" + name + ":"));
    }
    Optional<Job> job =
        !groups.enabled() || single.isPresent() ? single : sharedJob(ctx, ns, name, attempt);
    if (job.isPresent() && InjectionJobs.disks(job.get()).size() < 2) {
      // A one-build Job: its message is the injector's reason, or its GRAFT-RESULT line.
      Job j = job.get();
      return new Observed(
          job,
          BuildView.Grouping.NONE,
          Inject.failed(j)
              ? InjectorMessages.of(
                  ctx.getClient(), ns, j.getMetadata().getName(), InjectionJobs.CONTAINER)
              : null,
          learning ? InjectorMessages.result(ctx.getClient(), gi, j) : null);
    }
    if (job.isEmpty()) {
      if (!groups.enabled()) {
        return new Observed(job, BuildView.Grouping.NONE, null, null);
      }
      return new Observed(
          job,
          new BuildView.Grouping(() -> place(ctx, gi, attempt, catalog, claim), false, 0, null),
          null,
          null);
    }
    List<String> disks = InjectionJobs.disks(job.get());
    int index = disks.indexOf(InjectionJobs.diskKey(name, attempt));
    Job j = job.get();
    DiskResult result = null;
    String message = null;
    String report = null;
    if ((Inject.succeeded(j) || Inject.failed(j)) && !settled(gi)) {
      String raw = InjectorMessages.shared(ctx.getClient(), ns, j.getMetadata().getName());
      result = InjectionResults.read(raw, index, disks.size()).orElse(null);
      if (result == null && Inject.failed(j)) {
        message = InjectorMessages.clean(raw);
      }
      if (result != null && result.succeeded() && learning) {
        report = share(result.report(), disks.size()).toResultLine();
      }
    }
    return new Observed(
        job, new BuildView.Grouping(() -> null, disks.size() > 1, index, result), message, report);
  }

  /**
   * An attempt's disk across namespaces, {@code namespace/image:attempt} ({@link
   * BuildSources#BY_DISK}).
   */
  private static String disk(String ns, String image, int attempt) {
    return ns + "/" + InjectionJobs.diskKey(image, attempt);
  }

  private static boolean settled(GoldenImage gi) {
    var s = gi.getStatus();
    return s != null && (s.phase == Phase.Ready || s.phase == Phase.Failed);
  }

  /**
   * The Job shared by several builds that builds this image's attempt: from the index of the Job
   * informer, else the one just granted to it (only this process's recent write may show it).
   */
  private Optional<Job> sharedJob(Context<GoldenImage> ctx, String ns, String name, int attempt) {
    InformerEventSource<Job, GoldenImage> jobs = Informers.source(ctx, Job.class);
    List<Job> found = jobs.byIndex(BuildSources.BY_DISK, disk(ns, name, attempt));
    if (!found.isEmpty()) {
      return Optional.of(found.get(0));
    }
    String granted = groups.grantedJob(ns, name, attempt);
    return granted == null ? Optional.empty() : Informers.get(ctx, Job.class, ns, granted);
  }

  /**
   * A disk's report from a launch it shared with {@code disks - 1} others, as the cost model learns
   * it: its share of the launch, and that share plus its own time.
   */
  static InjectionReport share(InjectionReport r, int disks) {
    double launch = r.launchSeconds() / disks;
    return new InjectionReport(
        r.bytesAdded(),
        r.filesAdded(),
        r.filesRemoved(),
        r.seconds() - r.launchSeconds() + launch,
        launch,
        r.selinux());
  }

  /** Where this image's injection goes ({@link InjectionGroups}), with its group's disks. */
  private BuildView.Placed place(
      Context<GoldenImage> ctx,
      GoldenImage gi,
      int attempt,
      List<GoldenImage> catalog,
      Map<String, String> claim) {
    String ns = gi.getMetadata().getNamespace();
    String name = gi.getMetadata().getName();
    InformerEventSource<Job, GoldenImage> jobs = Informers.source(ctx, Job.class);
    InjectionGroups.Cluster cluster =
        new InjectionGroups.Cluster() {
          @Override
          public List<GoldenImage> images() {
            return catalog;
          }

          @Override
          public boolean hasJob(String image, int a) {
            return !jobs.byIndex(BuildSources.BY_DISK, disk(ns, image, a)).isEmpty();
          }
        };
    InjectionGroups.Placement placement =
        groups.place(
            gi,
            attempt,
            node(ctx, gi, attempt, claim),
            InjectionJobs.jobName(gi, attempt),
            cluster,
            Instant.now().truncatedTo(ChronoUnit.MILLIS));
    if (!(placement instanceof InjectionGroups.Create create)) {
      return new BuildView.Placed(placement, List.of());
    }
    List<InjectionJobs.Disk> disks = new java.util.ArrayList<>();
    for (var member : create.group().members().entrySet()) {
      GoldenImage image =
          member.getKey().equals(name)
              ? gi
              : ctx.getPrimaryCache().get(new ResourceID(member.getKey(), ns)).orElse(null);
      GoldenImage parent = image == null ? null : BuildSources.parent(ctx, image);
      if (image == null || parent == null) {
        return new BuildView.Placed(
            new InjectionGroups.Wait(
                "waiting for " + member.getKey() + " of Job " + create.group().jobName(),
                Duration.ofSeconds(2)),
            List.of());
      }
      disks.add(
          new InjectionJobs.Disk(
              image, dev.graft.build.Payloads.diff(image, parent), member.getValue()));
    }
    return new BuildView.Placed(placement, disks);
  }

  /**
   * The node the image's clone PVC is bound to ({@code volume.kubernetes.io/selected-node}, set for
   * topology-constrained storage), or null: from the PVC read for the clone method, else one GET
   * per attempt.
   */
  private String node(
      Context<GoldenImage> ctx, GoldenImage gi, int attempt, Map<String, String> claim) {
    String ns = gi.getMetadata().getNamespace();
    String key = disk(ns, gi.getMetadata().getName(), attempt);
    String known = nodes.get(key);
    if (known == null) {
      Map<String, String> annotations = claim;
      if (annotations == null) {
        var pvc =
            ctx.getClient()
                .persistentVolumeClaims()
                .inNamespace(ns)
                .withName(gi.getMetadata().getName())
                .get();
        annotations =
            pvc == null || pvc.getMetadata().getAnnotations() == null
                ? Map.of()
                : pvc.getMetadata().getAnnotations();
      }
      known = annotations.getOrDefault(SELECTED_NODE, "");
      nodes.put(key, known);
    }
    return known.isEmpty() ? null : known;
  }
}
