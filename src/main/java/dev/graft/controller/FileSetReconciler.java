package dev.graft.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.api.FileSet;
import dev.graft.api.Phase;
import dev.graft.config.GraftConfig;
import dev.graft.controller.Conditions.State;
import dev.graft.metrics.GraftMetrics;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.util.concurrent.TimeUnit;

/**
 * Validates a FileSet's entries (paths, modes, owners, one content source each, sha256 of URL
 * files) and reports their count. ConfigMap and Secret keys are checked where they are used: by the
 * GraftedVirtualMachines that name the FileSet.
 */
@ControllerConfiguration(
    name = "fileset",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
@GradualRetry(
    maxAttempts = Retries.UNLIMITED,
    initialInterval = Retries.INITIAL_MILLIS,
    intervalMultiplier = Retries.MULTIPLIER,
    maxInterval = Retries.MAX_MILLIS)
public class FileSetReconciler implements Reconciler<FileSet> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileResolver resolver;
  private final EventRecorder events;
  private final GraftMetrics metrics;

  public FileSetReconciler(GraftConfig config, EventRecorder events, GraftMetrics metrics) {
    this.resolver = new FileResolver(config.files().maxFileBytes());
    this.events = events;
    this.metrics = metrics;
  }

  @Override
  public ErrorStatusUpdateControl<FileSet> updateErrorStatus(
      FileSet fs, Context<FileSet> ctx, Exception e) {
    // Every failed reconcile passes here before the SDK retries it: the one place to count them.
    metrics.reconcileError(fs.getKind());
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  @Override
  public UpdateControl<FileSet> reconcile(FileSet fs, Context<FileSet> ctx) {
    FileSet.Status before = fs.getStatus();
    FileSet.Status status =
        before == null ? new FileSet.Status() : JSON.convertValue(before, FileSet.Status.class);
    State state;
    try {
      Manifest m = resolver.resolve(fs, FileResolver.STRUCTURAL);
      status.files = m.entries().size();
      status.bytes = m.bytes();
      state = State.ready(Phase.Ready, "Valid", status.files + " files");
    } catch (ResolutionException e) {
      state = State.degraded(Phase.Failed, e.reason(), e.getMessage());
      if (Conditions.changes(before, state)) {
        events.warning(fs, e.reason(), e.getMessage());
      }
    }
    Conditions.apply(status, state, fs.getMetadata().getGeneration());
    if (GoldenImageReconciler.sameJson(before, status)) {
      return UpdateControl.noUpdate();
    }
    fs.setStatus(status);
    return UpdateControl.patchStatus(fs);
  }
}
