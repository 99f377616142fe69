package dev.graft.controller.base;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The decide step of a ClusterBaseImage: {@link BaseDecision}'s, over the shared catalog, for a
 * BaseImage that stands in for it (its key {@code ClusterBaseImage/NAME}, its sources with the
 * catalog namespace where they name none, nothing to refuse: a cluster admin created it). Without a
 * shared catalog it has nowhere to put its bases and says so. Pure.
 */
public final class ClusterBaseDecision {
  /** The namespace a stand-in BaseImage carries, so that its key is the ClusterBaseImage's. */
  static final String STAND_IN_NAMESPACE = "ClusterBaseImage";

  private ClusterBaseDecision() {}

  /**
   * What one reconcile saw.
   *
   * @param catalogNamespace the shared catalog ({@code graft.catalog-namespace}), or empty
   * @param source the identity of its source now (see {@link #sourceSpec})
   * @param bases the base GoldenImages of its os in the catalog, oldest generation first
   * @param owner the key of the oldest ClusterBaseImage of its os
   */
  public record View(
      ClusterBaseImage image,
      Optional<String> catalogNamespace,
      SourceIdentity source,
      List<GoldenImage> bases,
      int outdated,
      String owner) {}

  public static Decision decide(View v, BaseImage.Status status) {
    ClusterBaseImage cbi = v.image();
    if (v.catalogNamespace().isEmpty()) {
      State state =
          State.degraded(
              Phase.Failed,
              "NoCatalogNamespace",
              "graft.catalog-namespace is not set: a ClusterBaseImage's base images live in the"
                  + " shared catalog namespace");
      BaseImage.Status before = cbi.getStatus();
      return before != null && before.phase == state.phase()
          ? Decision.of(state)
          : Decision.of(state, Action.warning(cbi, state.reason(), state.message()));
    }
    String catalogNs = v.catalogNamespace().get();
    BaseImage standIn = standIn(cbi, catalogNs);
    Decision d =
        BaseDecision.decide(
            new BaseView(
                standIn, catalogNs, v.source(), v.bases(), v.outdated(), v.owner(), List.of()),
            status);
    // Its events are about the ClusterBaseImage, not the stand-in.
    List<Action> actions =
        d.actions().stream()
            .map(
                a ->
                    a instanceof Action.Emit e && e.about() == standIn
                        ? (Action) new Action.Emit(cbi, e.warning(), e.reason(), e.message())
                        : a)
            .toList();
    return new Decision(d.state(), actions, d.recheck());
  }

  /** Its spec with every source namespace filled in: the catalog's where it names none. */
  public static BaseImage.Spec sourceSpec(ClusterBaseImage cbi, String catalogNs) {
    BaseImage inCatalog = new BaseImage();
    inCatalog.getMetadata().setNamespace(catalogNs);
    inCatalog.setSpec(cbi.getSpec());
    BaseImage.Spec spec = SourceNamespaces.inOwnNamespace(inCatalog);
    spec.os = cbi.getSpec().os;
    spec.storage = cbi.getSpec().storage;
    spec.updatePolicy = cbi.getSpec().updatePolicy;
    return spec;
  }

  /** The BaseImage {@link BaseDecision} decides for: the ClusterBaseImage's key, spec, status. */
  static BaseImage standIn(ClusterBaseImage cbi, String catalogNs) {
    BaseImage bi = new BaseImage();
    bi.getMetadata().setNamespace(STAND_IN_NAMESPACE);
    bi.getMetadata().setName(cbi.getMetadata().getName());
    bi.getMetadata().setUid(cbi.getMetadata().getUid());
    bi.getMetadata().setCreationTimestamp(cbi.getMetadata().getCreationTimestamp());
    bi.getMetadata().setGeneration(cbi.getMetadata().getGeneration());
    bi.setSpec(sourceSpec(cbi, catalogNs));
    bi.setStatus(cbi.getStatus());
    return bi;
  }

  /** Creation time, then uid: the same order whatever the order of events. */
  public static final Comparator<ClusterBaseImage> OLDEST_FIRST =
      Comparator.comparing(
              (ClusterBaseImage c) ->
                  c.getMetadata().getCreationTimestamp() == null
                      ? Instant.MAX
                      : Instant.parse(c.getMetadata().getCreationTimestamp()))
          .thenComparing(c -> String.valueOf(c.getMetadata().getUid()));

  /**
   * The ClusterBaseImage that provides {@code os} in the shared catalog: the oldest one of it (not
   * being deleted). It comes before every namespaced BaseImage of that os.
   */
  public static Optional<ClusterBaseImage> ownerOf(Stream<ClusterBaseImage> all, String os) {
    return all.filter(
            c ->
                c.getMetadata().getDeletionTimestamp() == null
                    && c.getSpec() != null
                    && Objects.equals(os, c.getSpec().os))
        .min(OLDEST_FIRST);
  }
}
