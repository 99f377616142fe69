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
 * then Outdated. Otherwise the BaseImage mirrors its newest generation's phase. Only the owner of
 * the os (the oldest BaseImage of it) imports, and only from a source its ServiceAccount may clone
 * from; a younger one is a DuplicateOs. Pure.
 */
public final class BaseDecision {
  /** How often a refused or losing BaseImage looks again (grants and deletions send no event). */
  public static final Duration RECHECK = Duration.ofMinutes(1);

  private BaseDecision() {}

  /** The condition on a BaseImage with a registry source: whether a digest pins it. */
  public static final String SOURCE_PINNED = "SourcePinned";

  /** On a base GoldenImage: the resourceVersion of the PVC or snapshot it imported, at import. */
  public static final String SOURCE_RESOURCE_VERSION = "graft.dev/source-resource-version";

  public static Decision decide(BaseView v, BaseImage.Status status) {
    Decision d = next(v, status);
    markPinned(v.baseImage(), status);
    if (v.source().polled() && d.recheck() == null) {
      // A PVC, snapshot or unwatched DataSource sends no event when it changes: look again.
      d = d.recheckAfter(RECHECK);
    }
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
              + (spec.source.pvc != null ? 1 : 0)
              + (spec.source.snapshot != null ? 1 : 0);
    }
    if (sources != 1) {
      return Decision.of(
          State.degraded(
              Phase.Failed,
              "InvalidSource",
              "spec.source: exactly one of source.http, source.registry, source.pvc,"
                  + " source.snapshot, sourceRef is required, got "
                  + sources));
    }
    String catalogNs = v.catalogNamespace();
    if (!v.key().equals(v.owner())) {
      return Decision.of(
              State.degraded(
                  Phase.Failed,
                  "DuplicateOs",
                  "spec.os: BaseImage " + v.owner() + " already provides os " + spec.os))
          .recheckAfter(RECHECK);
    }
    if (!v.refused().isEmpty()) {
      // Checked before any import: a source it may not use never makes a generation.
      return Decision.of(
              State.degraded(
                  Phase.Failed,
                  "SourceNotPermitted",
                  "spec.serviceAccountName: ServiceAccount "
                      + bi.getMetadata().getNamespace()
                      + "/"
                      + SourceNamespaces.serviceAccount(bi)
                      + " may not create datavolumes/source in namespace "
                      + String.join(", ", v.refused())
                      + ", so it may not clone from there"))
          .recheckAfter(RECHECK);
    }
    if (v.source().refusal() != null) {
      return Decision.of(State.degraded(Phase.Failed, "SourceUnusable", v.source().refusal()))
          .recheckAfter(RECHECK);
    }
    List<GoldenImage> foreign = foreign(v);
    if (!foreign.isEmpty()) {
      // A younger BaseImage got there first, or the one that did is gone: this one, the oldest,
      // takes the os over; its bases are imported again from this one's source.
      GoldenImage first = foreign.get(0);
      String why =
          "image "
              + first.getMetadata().getName()
              + " was imported for "
              + first.getSpec().baseImage
              + "; replacing it";
      List<Action> deletes = new ArrayList<>();
      for (GoldenImage gi : foreign) {
        if (gi.getMetadata().getDeletionTimestamp() == null) {
          deletes.add(new Action.Delete(GoldenImage.class, catalogNs, gi.getMetadata().getName()));
        }
      }
      return Decision.of(State.progressing(Phase.Importing, "Superseding", why), deletes)
          .recheckAfter(Duration.ofSeconds(5));
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
              new Action.Create(
                  recordVersion(baseImage(bi, catalogNs, 1, identity, null), v.source())),
              Action.normal(
                  bi,
                  "ImageCreated",
                  "GoldenImage " + catalogNs + "/" + name + " imports the base disk"))
          // Another BaseImage may have created it at the same instant: look again.
          .recheckAfter(Duration.ofSeconds(5));
    }
    int generation = BaseGenerations.of(newest);
    String known = knownIdentity(newest, status);
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
              new Action.Create(
                  recordVersion(
                      baseImage(bi, catalogNs, next, identity, v.source().pinned()), v.source())),
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
   * {@link #SOURCE_PINNED} for a registry source: False with why for a tag (Graft does not see a
   * tag move), True for a digest; no such condition for other sources.
   */
  private static void markPinned(BaseImage bi, BaseImage.Status status) {
    boolean registry = bi.getSpec().source != null && bi.getSpec().source.registry != null;
    if (!registry) {
      if (status.conditions != null) {
        status.conditions =
            status.conditions.stream().filter(c -> !SOURCE_PINNED.equals(c.getType())).toList();
      }
      return;
    }
    String tag = SourceIdentity.movingTag(bi.getSpec());
    Long gen = bi.getMetadata().getGeneration();
    if (tag != null) {
      dev.graft.k8s.Conditions.set(status, SOURCE_PINNED, false, "MovingTag", tag, gen);
    } else {
      dev.graft.k8s.Conditions.set(
          status,
          SOURCE_PINNED,
          true,
          "Digest",
          "a new digest in spec.source.registry.url is a new base generation",
          gen);
    }
  }

  /** Notes on a new base the resourceVersion of the PVC or snapshot it imports, for the record. */
  private static GoldenImage recordVersion(GoldenImage gi, SourceIdentity source) {
    if (source.resourceVersion() != null) {
      gi.getMetadata().setAnnotations(Map.of(SOURCE_RESOURCE_VERSION, source.resourceVersion()));
    }
    return gi;
  }

  /**
   * Whether this BaseImage is about to import (a first generation, a new one, or bases taken over
   * from another BaseImage): only then is its right to the source asked of the API server.
   */
  public static boolean imports(BaseView v, BaseImage.Status status) {
    if (!v.key().equals(v.owner()) || v.source().refusal() != null) {
      return false;
    }
    if (v.bases().isEmpty() || !foreign(v).isEmpty()) {
      return true;
    }
    GoldenImage newest = v.bases().get(v.bases().size() - 1);
    String identity = v.source().identity();
    String known = knownIdentity(newest, status == null ? new BaseImage.Status() : status);
    return identity != null && known != null && !identity.equals(known);
  }

  /** The bases of the os imported for another BaseImage (one recorded; none: adopted). */
  private static List<GoldenImage> foreign(BaseView v) {
    return v.bases().stream()
        .filter(b -> b.getSpec().baseImage != null && !b.getSpec().baseImage.equals(v.key()))
        .toList();
  }

  /** The identity the newest generation was imported from, as recorded. */
  private static String knownIdentity(GoldenImage newest, BaseImage.Status status) {
    String known = newest.getSpec().sourceIdentity;
    if (known == null && Objects.equals(status.baseGeneration, BaseGenerations.of(newest))) {
      known = status.sourceIdentity; // adopted: a base made before generations, or unresolved
    }
    return known;
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
    // A source without a namespace is the BaseImage's own namespace's, not the catalog's.
    BaseImage.Spec own = SourceNamespaces.inOwnNamespace(bi);
    spec.source = pinned != null ? pinned : own.source;
    spec.sourceRef = own.sourceRef;
    spec.storage = bi.getSpec().storage;
    spec.baseImage = bi.getMetadata().getNamespace() + "/" + bi.getMetadata().getName();
    spec.baseGeneration = generation;
    spec.sourceIdentity = identity;
    spec.depth = 0;
    gi.setSpec(spec);
    return gi;
  }
}
