package dev.graft.controller;

/** Label and annotation keys Graft puts on the objects it creates. */
public final class Labels {
  public static final String GOLDEN_IMAGE = "graft.dev/golden-image";
  public static final String GVM = "graft.dev/grafted-vm";
  public static final String ATTEMPT = "graft.dev/attempt";
  public static final String MANIFEST_DIGEST = "graft.dev/manifest-digest";
  public static final String IMAGE_REF = "graft.dev/image";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "graft";

  private Labels() {}
}
