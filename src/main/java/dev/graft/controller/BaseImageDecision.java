package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.controller.base.BaseDecision;
import dev.graft.controller.base.BaseView;
import dev.graft.controller.base.SourceIdentity;
import dev.graft.controller.flow.Decision;
import java.util.List;

/**
 * The BaseImage decide step seen from one base GoldenImage (the first generation's): ownership of
 * the os and permission on the source, then {@link BaseDecision}, which decides over every
 * generation. Pure; table-tested in BaseImageDecisionTest.
 */
final class BaseImageDecision {
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

  /** Decides with one event per new phase (the source's identity is the one in the spec). */
  static Decision decide(View v, BaseImage.Status status) {
    String dsNs = BaseSources.dataSourceNamespace(v.bi());
    return BaseDecision.decide(
        new BaseView(
            v.bi(),
            v.catalogNs(),
            SourceIdentity.of(v.bi().getSpec(), dsNs, null),
            v.image() == null ? List.of() : List.of(v.image()),
            0,
            v.owner(),
            v.refused()),
        status);
  }
}
