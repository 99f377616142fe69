package dev.graft.controller;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.kubevirt.DataVolume;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Map;

/** What CDI wrote on a build's clone PVC, read by the GoldenImage reconciler's observe step. */
final class CloneClaims {
  private CloneClaims() {}

  static final String CLONE_TYPE = "cdi.kubevirt.io/cloneType";

  /** CDI's clone strategy when it fell back to a host-assisted copy. */
  static final String COPY = "copy";

  /**
   * Where CDI says how it cloned (cloneType, cloneFallbackReason), read once its clone finished,
   * until the clone method is recorded. CDI puts the cloneType on the DataVolume too: a snapshot or
   * CSI clone is read from the informer's DataVolume, and only a host-assisted copy (or a CDI that
   * did not annotate the DataVolume) costs a GET of the PVC, for the fallback's reason.
   */
  static Map<String, String> annotations(Context<GoldenImage> ctx, GoldenImage gi, DataVolume dv) {
    GoldenImage.Status s = gi.getStatus();
    if (gi.getSpec().parent == null
        || dv == null
        || !dv.succeeded()
        || (s != null && (s.cloneMethod != null || s.phase == Phase.Ready))) {
      return null;
    }
    Map<String, String> onDataVolume = dv.getMetadata().getAnnotations();
    String type = onDataVolume == null ? null : onDataVolume.get(CLONE_TYPE);
    if (type != null && !COPY.equals(type)) {
      return Map.of(CLONE_TYPE, type);
    }
    String claim =
        dv.getStatus().claimName != null ? dv.getStatus().claimName : dv.getMetadata().getName();
    io.fabric8.kubernetes.api.model.PersistentVolumeClaim pvc;
    try {
      pvc =
          ctx.getClient()
              .persistentVolumeClaims()
              .inNamespace(gi.getMetadata().getNamespace())
              .withName(claim)
              .get();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // Only shown, never decided on: a failed read (e.g. a 403 while a restarted API server's
      // authorizer warms up) must not fail the build; the next reconcile reads again.
      return null;
    }
    return pvc == null || pvc.getMetadata().getAnnotations() == null
        ? Map.of()
        : pvc.getMetadata().getAnnotations();
  }
}
