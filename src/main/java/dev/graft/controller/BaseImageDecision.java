package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import java.time.Duration;
import java.util.List;

/**
 * The BaseImage decide step: from what {@link BaseImageReconciler} observed to the state and the
 * actions. Pure; table-tested in BaseImageDecisionTest.
 */
final class BaseImageDecision {
  /** How often a refused or losing BaseImage looks again (grants and deletions send no event). */
  static final Duration RECHECK = Duration.ofMinutes(1);

  private BaseImageDecision() {}

  /**
   * What a BaseImage reconcile saw.
   *
   * @param image the base GoldenImage of its os in the catalog, or null
   * @param owner the BaseImage (namespace/name) that provides the os in this catalog: the oldest
   *     claimant (creationTimestamp, then uid), whatever order their events came in
   * @param refused the source namespaces its ServiceAccount may not clone from (CDI's rule); only
   *     looked up when it is about to import
   */
  record View(
      BaseImage bi, String catalogNs, GoldenImage image, String owner, List<String> refused) {}

  static Decision decide(View v, BaseImage.Status status) {
    BaseImage bi = v.bi();
    var spec = bi.getSpec();
    int sources = spec.sourceRef != null ? 1 : 0;
    if (spec.source != null) {
      sources +=
          (spec.source.http != null ? 1 : 0)
              + (spec.source.registry != null ? 1 : 0)
              + (spec.source.pvc != null ? 1 : 0);
    }
    if (sources != 1) {
      return Decision.of(
          State.degraded(
              Phase.Failed,
              "InvalidSource",
              "spec.source: exactly one of source.http, source.registry, source.pvc, sourceRef is"
                  + " required, got "
                  + sources));
    }
    String name = BaseImageReconciler.imageName(spec.os);
    String me = BaseImageReconciler.key(bi);
    status.image = name;
    if (!me.equals(v.owner())) {
      return Decision.of(
              State.degraded(
                  Phase.Failed,
                  "DuplicateOs",
                  "spec.os: BaseImage " + v.owner() + " already provides os " + spec.os))
          .recheckAfter(RECHECK);
    }
    if (!v.refused().isEmpty()) {
      return Decision.of(
              State.degraded(
                  Phase.Failed,
                  "SourceNotPermitted",
                  "spec.serviceAccountName: ServiceAccount "
                      + bi.getMetadata().getNamespace()
                      + "/"
                      + serviceAccount(bi)
                      + " may not create datavolumes/source in namespace "
                      + String.join(", ", v.refused())
                      + ", so it may not clone from there"))
          .recheckAfter(RECHECK);
    }
    GoldenImage image = v.image();
    if (image == null) {
      return Decision.of(
              State.progressing(Phase.Importing, "Importing", "image " + name + " is importing"),
              new Action.Create(BaseImageReconciler.baseImage(bi, v.catalogNs())),
              Action.normal(
                  bi,
                  "ImageCreated",
                  "GoldenImage " + v.catalogNs() + "/" + name + " imports the base disk"))
          // Another BaseImage may have created it at the same instant: look again.
          .recheckAfter(Duration.ofSeconds(5));
    }
    if (!me.equals(image.getSpec().baseImage)) {
      // A younger BaseImage got there first, or the one that did is gone: this one, the oldest,
      // takes the os over; the image is imported again from its source.
      String why =
          "image " + name + " was imported for " + image.getSpec().baseImage + "; replacing it";
      State replacing = State.progressing(Phase.Importing, "Superseding", why);
      if (image.getMetadata().getDeletionTimestamp() != null) {
        return Decision.of(replacing).recheckAfter(Duration.ofSeconds(5));
      }
      return Decision.of(replacing, new Action.Delete(GoldenImage.class, v.catalogNs(), name))
          .recheckAfter(Duration.ofSeconds(5));
    }
    Phase phase =
        image.getStatus() == null || image.getStatus().phase == null
            ? Phase.Pending
            : image.getStatus().phase;
    return Decision.of(
        switch (phase) {
          case Ready -> State.ready(Phase.Ready, "Ready", "image " + name + " is ready");
          case Failed ->
              State.degraded(Phase.Failed, "ImportFailed", "image " + name + " failed to import");
          default ->
              State.progressing(Phase.Importing, "Importing", "image " + name + " is importing");
        });
  }

  static String serviceAccount(BaseImage bi) {
    String sa = bi.getSpec().serviceAccountName;
    return sa == null || sa.isBlank() ? "default" : sa;
  }
}
