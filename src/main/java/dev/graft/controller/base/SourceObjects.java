package dev.graft.controller.base;

/**
 * Reads the PVC or VolumeSnapshot a source names, for its uid and resourceVersion (no informer:
 * they are looked up on each BaseImage reconcile, which then looks again after {@link
 * BaseDecision#RECHECK}).
 */
public interface SourceObjects {
  /** Nothing looked up: identities by name only (tests of the first generation). */
  SourceObjects NONE = (kind, namespace, name) -> null;

  /**
   * The object, {@link SourceObject#MISSING}, or null when not looked up.
   *
   * @param kind {@code pvc} or {@code snapshot}
   */
  SourceObject get(String kind, String namespace, String name);
}
