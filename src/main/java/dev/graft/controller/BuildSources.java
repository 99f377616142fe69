package dev.graft.controller;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.catalog.BaseGenerations;
import dev.graft.catalog.UsageLedger;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Informers;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataVolume;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a GoldenImage watches: its build objects (by the image label they carry), its parent and
 * children, and the requests recorded for it in the {@link UsageLedger}.
 */
final class BuildSources {
  static final String BY_PARENT = "byParent";
  static final String RELATED = "related-images";

  /** Jobs by each disk they build, {@code namespace/image:attempt} (shared Jobs have several). */
  static final String BY_DISK = "byDisk";

  private BuildSources() {}

  static List<EventSource<?, GoldenImage>> prepare(
      EventSourceContext<GoldenImage> context, UsageLedger ledger) {
    var cache = context.getPrimaryCache();
    cache.addIndexer(
        BY_PARENT,
        gi ->
            gi.getSpec() == null || gi.getSpec().parent == null
                ? List.of()
                : List.of(gi.getMetadata().getNamespace() + "/" + gi.getSpec().parent));
    // Parent and children: a parent turning Ready starts its children; a child finishing lets a
    // parent that waits in deletion go. A base (a new generation) concerns every image of its os,
    // which may now be outdated; a finished build frees a slot for the builds queued behind it.
    var related =
        new InformerEventSource<>(
            Informers.from(GoldenImage.class, GoldenImage.class)
                .withName(RELATED)
                .withSecondaryToPrimaryMapper(
                    (GoldenImage gi) -> {
                      Set<ResourceID> ids = new HashSet<>();
                      String ns = gi.getMetadata().getNamespace();
                      cache
                          .byIndex(BY_PARENT, ns + "/" + gi.getMetadata().getName())
                          .forEach(child -> ids.add(ResourceID.fromResource(child)));
                      if (gi.getSpec() != null && gi.getSpec().parent != null) {
                        ids.add(new ResourceID(gi.getSpec().parent, ns));
                      }
                      if (gi.getSpec() != null
                          && gi.getSpec().parent == null
                          && BaseGenerations.of(gi) > 1) {
                        cache
                            .list(ns, other -> gi.getSpec().os.equals(other.getSpec().os))
                            .forEach(other -> ids.add(ResourceID.fromResource(other)));
                      } else if (finished(gi)) {
                        // A finished build frees one slot: the next queued in line take it (two,
                        // in case the first's cache still counts the finished one as running).
                        cache
                            .list(ns, BuildSources::queued)
                            .sorted(
                                Comparator.comparing(
                                        (GoldenImage q) ->
                                            String.valueOf(q.getMetadata().getCreationTimestamp()))
                                    .thenComparing(q -> q.getMetadata().getName()))
                            .limit(2)
                            .forEach(other -> ids.add(ResourceID.fromResource(other)));
                      }
                      return ids;
                    })
                .build(),
            context);
    // Uses and clock raises recorded in the ledger wake the image they concern.
    var requests = new SimpleInboundEventSource<GoldenImage>("usage-ledger");
    ledger.wakeWith((ns, name) -> requests.propagateEvent(new ResourceID(name, ns)));
    return List.of(
        owned(DataVolume.class, context),
        jobs(context),
        owned(ConfigMap.class, context),
        owned(Secret.class, context),
        related,
        requests);
  }

  /**
   * The image's parent (null for a base, or when not found), read from the informer whose events
   * wake the children, so that a parent turning Ready between this read and the child entering the
   * primary cache is never missed.
   */
  static GoldenImage parent(
      io.javaoperatorsdk.operator.api.reconciler.Context<GoldenImage> ctx, GoldenImage gi) {
    @SuppressWarnings("unchecked")
    var related =
        (InformerEventSource<GoldenImage, GoldenImage>)
            ctx.eventSourceRetriever().getEventSourceFor(GoldenImage.class, RELATED);
    return gi.getSpec().parent == null
        ? null
        : related
            .get(new ResourceID(gi.getSpec().parent, gi.getMetadata().getNamespace()))
            .orElse(null);
  }

  private static boolean finished(GoldenImage gi) {
    var s = gi.getStatus();
    return s != null && (s.phase == Phase.Ready || s.phase == Phase.Failed);
  }

  /** A derived build that waits for a slot. */
  private static boolean queued(GoldenImage gi) {
    var c = Conditions.get(gi.getStatus(), Conditions.PROGRESSING);
    return c != null && "Queued".equals(c.getReason()) && "True".equals(c.getStatus());
  }

  /**
   * Injection Jobs: a Job shared by several builds wakes every one of them, and is found by each
   * through the {@link #BY_DISK} index.
   */
  private static InformerEventSource<Job, GoldenImage> jobs(
      EventSourceContext<GoldenImage> context) {
    var source =
        new InformerEventSource<>(
            Informers.from(Job.class, GoldenImage.class)
                .withLabelSelector(Labels.GOLDEN_IMAGE)
                .withSecondaryToPrimaryMapper(
                    (Job job) -> {
                      Set<ResourceID> ids = new HashSet<>();
                      for (String disk : InjectionJobs.disks(job)) {
                        ids.add(
                            new ResourceID(
                                InjectionJobs.imageOf(disk), job.getMetadata().getNamespace()));
                      }
                      return ids;
                    })
                .build(),
            context);
    source.addIndexers(
        java.util.Map.of(
            BY_DISK,
            job ->
                InjectionJobs.disks(job).stream()
                    .map(d -> job.getMetadata().getNamespace() + "/" + d)
                    .toList()));
    return source;
  }

  /** Build objects, selected by the image label they carry. */
  private static <R extends HasMetadata> InformerEventSource<R, GoldenImage> owned(
      Class<R> type, EventSourceContext<GoldenImage> context) {
    return new InformerEventSource<>(
        Informers.from(type, GoldenImage.class)
            .withLabelSelector(Labels.GOLDEN_IMAGE)
            .withSecondaryToPrimaryMapper(Informers::byImageLabel)
            .build(),
        context);
  }
}
