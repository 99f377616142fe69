package dev.graft.k8s;

/** Annotation keys Graft puts on the objects it creates (read back, never selected on). */
public final class Annotations {
  /** The build attempt a clone or Job belongs to. */
  public static final String ATTEMPT = "graft.dev/attempt";

  /** The manifest digest of the image a build object was made for. */
  public static final String MANIFEST_DIGEST = "graft.dev/manifest-digest";

  /** {@code namespace/name} of the GoldenImage a VirtualMachine's root disk clones. */
  public static final String IMAGE_REF = "graft.dev/image";

  /**
   * On a VirtualMachine: what Graft last wanted of it (its labels, annotations and spec, as JSON),
   * so that a field the user dropped from the template is removed and no other writer's field is.
   */
  public static final String LAST_APPLIED = "graft.dev/last-applied";

  private Annotations() {}
}
