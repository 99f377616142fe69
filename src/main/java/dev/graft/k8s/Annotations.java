package dev.graft.k8s;

/** Annotation keys Graft puts on the objects it creates (read back, never selected on). */
public final class Annotations {
  /** The build attempt a clone or Job belongs to. */
  public static final String ATTEMPT = "graft.dev/attempt";

  /** The manifest digest of the image a build object was made for. */
  public static final String MANIFEST_DIGEST = "graft.dev/manifest-digest";

  /** {@code namespace/name} of the GoldenImage a VirtualMachine's root disk clones. */
  public static final String IMAGE_REF = "graft.dev/image";

  private Annotations() {}
}
