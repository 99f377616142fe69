package dev.graft.controller;

import dev.graft.api.FileSet;
import dev.graft.api.Phase;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import dev.graft.config.GraftConfig;
import dev.graft.controller.flow.Decision;
import dev.graft.controller.flow.Plumbing;
import dev.graft.controller.flow.Statuses;
import dev.graft.k8s.Conditions.State;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.concurrent.TimeUnit;

/**
 * Validates a FileSet's entries on their own (paths, modes, owners, one content source each, sha256
 * and size of URL files) and reports their count. Whether the ConfigMaps and Secrets it names
 * exist, and hold the keys, is not checked here: that is checked where the files are used, by each
 * GraftedVirtualMachine that names the FileSet.
 */
@ControllerConfiguration(
    name = "fileset",
    retry = Retries.class,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = Retries.RESYNC_MINUTES, timeUnit = TimeUnit.MINUTES))
public class FileSetReconciler implements Reconciler<FileSet> {
  private final FileResolver resolver;
  private final Plumbing plumbing;

  public FileSetReconciler(GraftConfig config, Plumbing plumbing) {
    this.resolver = new FileResolver(config.files().maxFileBytes());
    this.plumbing = plumbing;
  }

  @Override
  public UpdateControl<FileSet> reconcile(FileSet fs, Context<FileSet> ctx) {
    return plumbing.reconcile(fs, ctx, FileSet.Status.class, (r, s) -> decide(r, s, resolver));
  }

  @Override
  public ErrorStatusUpdateControl<FileSet> updateErrorStatus(
      FileSet fs, Context<FileSet> ctx, Exception e) {
    return plumbing.failed(fs, ctx, e, FileSet.Status.class);
  }

  /** Decide: the FileSet is its own whole view (nothing it names is read). */
  public static Decision decide(FileSet fs, FileSet.Status status, FileResolver resolver) {
    try {
      Manifest m = resolver.resolve(fs, FileResolver.STRUCTURAL);
      status.files = m.entries().size();
      status.bytes = m.bytes();
      return Decision.of(State.ready(Phase.Ready, "Valid", status.files + " files"));
    } catch (ResolutionException e) {
      State state = State.degraded(Phase.Failed, e.reason(), e.getMessage());
      // Only problems are news for a FileSet: a valid one says so in its status.
      return Decision.of(
          state,
          state.degraded() ? Statuses.announce(fs, fs.getStatus(), state) : java.util.List.of());
    }
  }
}
