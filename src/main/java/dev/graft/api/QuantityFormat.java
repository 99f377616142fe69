package dev.graft.api;

/**
 * The quantity syntax Graft accepts for sizes and memory, shared by the CRD schema and the
 * operator's own checks: a Kubernetes quantity without exponents or milli units. Decimal kilo is
 * {@code k}: {@code 1K} is not a Kubernetes quantity (only {@code 1Ki} is).
 */
public final class QuantityFormat {
  public static final String PATTERN = "^[0-9]+(\\.[0-9]+)?([kMGTPE]|[KMGTPE]i)?$";

  private QuantityFormat() {}
}
