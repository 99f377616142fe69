package dev.graft.controller.base;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import dev.graft.build.Manifest;
import dev.graft.catalog.BaseGenerations;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import dev.graft.k8s.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The decide step of a BaseImage: its source's identity against the newest base GoldenImage of its
 * os. No base yet: generation 1 is created. A new identity: the next generation is created (a new
 * base GoldenImage, named after the os and the generation); the images of older generations are
 * then Outdated. Otherwise the BaseImage mirrors its newest generation's phase. Pure.
 */
public final class BaseDecision {
  private BaseDecision() {}

  public static Decision decide(BaseView v, BaseImage.Status status) {
    Decision d = next(v, status);
    // One event per new phase.
    BaseImage.Status before = v.baseImage().getStatus();
    if (before != null && before.phase == d.state().phase()) {
      return d;
    }
    BaseImage bi = v.baseImage();
    return d.and(
        List.of(
            d.state().degraded()
                ? Action.warning(bi, d.state().reason(), d.state().message())
                : Action.normal(bi, d.state().reason(), d.state().message())));
  }

  private static Decision next(BaseView v, BaseImage.Status status) {
    BaseImage bi = v.baseImage();
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
    String catalogNs = v.catalogNamespace();
    for (GoldenImage other : v.bases()) {
      String owner = other.getSpec().baseImage;
      if (owner != null && !owner.equals(v.key())) {
        return Decision.of(
            State.degraded(
                Phase.Failed,
                "DuplicateOs",
                "spec.os: BaseImage " + owner + " already provides os " + spec.os));
      }
    }
    GoldenImage newest = v.bases().isEmpty() ? null : v.bases().get(v.bases().size() - 1);
    String identity = v.source().identity();
    status.outdatedImages = v.outdated();
    if (newest == null) {
      String name = Manifest.baseImageName(spec.os, 1);
      status.image = name;
      status.baseGeneration = 1;
      status.sourceIdentity = identity;
      // The first generation imports as the spec says (a DataSource through CDI's sourceRef).
      return Decision.of(
              State.progressing(Phase.Importing, "Importing", "image " + name + " is importing"),
              new Action.Create(baseImage(bi, catalogNs, 1, identity, null)),
              Action.normal(
                  bi,
                  "ImageCreated",
                  "GoldenImage " + catalogNs + "/" + name + " imports the base disk"))
          // Another BaseImage may have created it at the same instant: look again.
          .recheckAfter(Duration.ofSeconds(5));
    }
    int generation = BaseGenerations.of(newest);
    String known = newest.getSpec().sourceIdentity;
    if (known == null && Objects.equals(status.baseGeneration, generation)) {
      known = status.sourceIdentity; // adopted: a base made before generations, or unresolved
    }
    if (identity != null && known != null && !identity.equals(known)) {
      int next = generation + 1;
      String name = Manifest.baseImageName(spec.os, next);
      status.image = name;
      status.baseGeneration = next;
      status.sourceIdentity = identity;
      return Decision.of(
              State.progressing(
                  Phase.Importing,
                  "NewGeneration",
                  "generation " + next + " (" + identity + ") is importing as image " + name),
              new Action.Create(baseImage(bi, catalogNs, next, identity, v.source().pinned())),
              Action.normal(
                  bi,
                  "NewGeneration",
                  "source changed from "
                      + known
                      + " to "
                      + identity
                      + ": GoldenImage "
                      + catalogNs
                      + "/"
                      + name
                      + " imports generation "
                      + next))
          .recheckAfter(Duration.ofSeconds(5));
    }
    String name = newest.getMetadata().getName();
    status.image = name;
    status.baseGeneration = generation;
    status.sourceIdentity = known != null ? known : identity;
    Phase phase =
        newest.getStatus() == null || newest.getStatus().phase == null
            ? Phase.Pending
            : newest.getStatus().phase;
    return Decision.of(
        switch (phase) {
          case Ready -> State.ready(Phase.Ready, "Ready", "image " + name + " is ready");
          case Failed ->
              State.degraded(Phase.Failed, "ImportFailed", "image " + name + " failed to import");
          default ->
              State.progressing(Phase.Importing, "Importing", "image " + name + " is importing");
        });
  }

  /**
   * The base GoldenImage of one generation: the empty manifest of the os, its source ({@code
   * pinned}, when given, is what it imports: the PVC a DataSource pointed at) and identity.
   */
  public static GoldenImage baseImage(
      BaseImage bi, String catalogNs, int generation, String identity, ImageSource pinned) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(Manifest.baseImageName(bi.getSpec().os, generation));
    gi.getMetadata().setNamespace(catalogNs);
    gi.getMetadata()
        .setLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGER, Labels.OS, bi.getSpec().os));
    GoldenImage.Spec spec = new GoldenImage.Spec();
    spec.os = bi.getSpec().os;
    spec.manifestDigest = Manifest.digestOf(new ArrayList<>());
    spec.source = pinned != null ? pinned : bi.getSpec().source;
    spec.sourceRef = bi.getSpec().sourceRef;
    spec.storage = bi.getSpec().storage;
    spec.baseImage = bi.getMetadata().getNamespace() + "/" + bi.getMetadata().getName();
    spec.baseGeneration = generation;
    spec.sourceIdentity = identity;
    spec.depth = 0;
    gi.setSpec(spec);
    return gi;
  }
}
