package dev.graft.api;

/**
 * How users write a file's mode and owner: one pattern each, used by the CRD schema, the operator's
 * checks and the {@code graft inject} spec alike.
 */
public final class FileFormats {

  /**
   * Octal permission bits as users write them: {@code 644}, {@code 0644}, {@code 04755}, {@code
   * 01777}.
   */
  public static final String MODE = "^0?[0-7]{3,4}$";

  private FileFormats() {}

  /**
   * {@code mode} as stored in a manifest: a leading zero and at least three digits ({@code 0644}).
   */
  public static String normalizeMode(String mode) {
    return String.format("0%03o", Integer.parseInt(mode, 8));
  }
}
