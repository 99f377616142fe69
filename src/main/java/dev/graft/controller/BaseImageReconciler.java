package dev.graft.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.config.GraftConfig;
import dev.graft.controller.Conditions.State;
import dev.graft.metrics.GraftMetrics;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Turns a BaseImage into the GoldenImage with an empty manifest for its os (named like every other
 * image: os + digest of the empty manifest), and mirrors that image's phase.
 */
@ControllerConfiguration(
    name = "baseimage",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
@GradualRetry(
    maxAttempts = Retries.UNLIMITED,
    initialInterval = Retries.INITIAL_MILLIS,
    intervalMultiplier = Retries.MULTIPLIER,
    maxInterval = Retries.MAX_MILLIS)
public class BaseImageReconciler implements Reconciler<BaseImage> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GraftConfig config;
  private final EventRecorder events;
  private final GraftMetrics metrics;

  public BaseImageReconciler(GraftConfig config, EventRecorder events, GraftMetrics metrics) {
    this.config = config;
    this.events = events;
    this.metrics = metrics;
  }

  @Override
  public ErrorStatusUpdateControl<BaseImage> updateErrorStatus(
      BaseImage bi, Context<BaseImage> ctx, Exception e) {
    // Every failed reconcile passes here before the SDK retries it: the one place to count them.
    metrics.reconcileError(bi.getKind());
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  @Override
  public List<EventSource<?, BaseImage>> prepareEventSources(
      EventSourceContext<BaseImage> context) {
    var images =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(GoldenImage.class, BaseImage.class)
                .withSecondaryToPrimaryMapper(
                    (GoldenImage gi) -> {
                      String ref = gi.getSpec() == null ? null : gi.getSpec().baseImage;
                      if (ref == null || !ref.contains("/")) {
                        return Set.of();
                      }
                      String[] parts = ref.split("/", 2);
                      return Set.of(new ResourceID(parts[1], parts[0]));
                    })
                .build(),
            context);
    return List.of(images);
  }

  /** The name of the base GoldenImage of an os. */
  public static String imageName(String os) {
    return Manifest.imageName(os, Manifest.digestOf(List.of()));
  }

  @Override
  public UpdateControl<BaseImage> reconcile(BaseImage bi, Context<BaseImage> ctx) {
    BaseImage.Status before = bi.getStatus();
    BaseImage.Status status =
        before == null ? new BaseImage.Status() : JSON.convertValue(before, BaseImage.Status.class);
    State state = reconcile(bi, status, ctx);
    if (before == null || before.phase != state.phase()) {
      if (state.degraded()) {
        events.warning(bi, state.reason(), state.message());
      } else {
        events.normal(bi, state.reason(), state.message());
      }
    }
    Conditions.apply(status, state, bi.getMetadata().getGeneration());
    if (GoldenImageReconciler.sameJson(before, status)) {
      return UpdateControl.noUpdate();
    }
    bi.setStatus(status);
    return UpdateControl.patchStatus(bi);
  }

  private State reconcile(BaseImage bi, BaseImage.Status status, Context<BaseImage> ctx) {
    var spec = bi.getSpec();
    int sources = 0;
    if (spec.sourceRef != null) {
      sources++;
    }
    if (spec.source != null) {
      sources +=
          (spec.source.http != null ? 1 : 0)
              + (spec.source.registry != null ? 1 : 0)
              + (spec.source.pvc != null ? 1 : 0);
    }
    if (sources != 1) {
      return State.degraded(
          Phase.Failed,
          "InvalidSource",
          "spec.source: exactly one of source.http, source.registry, source.pvc, sourceRef is"
              + " required, got "
              + sources);
    }
    String ns =
        config.catalogNamespace().filter(s -> !s.isBlank()).orElse(bi.getMetadata().getNamespace());
    String name = imageName(spec.os);
    String me = bi.getMetadata().getNamespace() + "/" + bi.getMetadata().getName();
    status.image = name;
    GoldenImage gi =
        Informers.get(ctx, GoldenImage.class, ns, name)
            .orElseGet(() -> createImage(ctx, bi, ns, name, me));
    if (!me.equals(gi.getSpec().baseImage)) {
      return State.degraded(
          Phase.Failed,
          "DuplicateOs",
          "spec.os: BaseImage " + gi.getSpec().baseImage + " already provides os " + spec.os);
    }
    Phase phase =
        gi.getStatus() == null || gi.getStatus().phase == null
            ? Phase.Pending
            : gi.getStatus().phase;
    return switch (phase) {
      case Ready -> State.ready(Phase.Ready, "Ready", "image " + name + " is ready");
      case Failed ->
          State.degraded(Phase.Failed, "ImportFailed", "image " + name + " failed to import");
      default -> State.progressing(Phase.Importing, "Importing", "image " + name + " is importing");
    };
  }

  private GoldenImage createImage(
      Context<BaseImage> ctx, BaseImage bi, String ns, String name, String me) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace(ns);
    gi.getMetadata()
        .setLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGER, "graft.dev/os", bi.getSpec().os));
    GoldenImage.Spec spec = new GoldenImage.Spec();
    spec.os = bi.getSpec().os;
    spec.manifestDigest = Manifest.digestOf(List.of());
    spec.source = bi.getSpec().source;
    spec.sourceRef = bi.getSpec().sourceRef;
    spec.storage = bi.getSpec().storage;
    spec.baseImage = me;
    gi.setSpec(spec);
    try {
      GoldenImage created = ctx.resourceOperations().create(gi);
      events.normal(
          bi, "ImageCreated", "GoldenImage " + ns + "/" + name + " imports the base disk");
      return created;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return ctx.getClient().resources(GoldenImage.class).inNamespace(ns).withName(name).get();
    }
  }
}
