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

  /**
   * Owner as users write it: {@code uid:gid}, {@code user:group} or a mix ({@code nginx:0}). Names
   * are resolved from the guest's own {@code /etc/passwd} and {@code /etc/group} when the files are
   * injected: the operator never guesses ids, and {@code nginx:nginx} and {@code 101:101} are
   * different files to it.
   */
  public static final String OWNER =
      "^([0-9]{1,10}|[A-Za-z_][A-Za-z0-9_.-]{0,31}[$]?):([0-9]{1,10}|[A-Za-z_][A-Za-z0-9_.-]{0,31}[$]?)$";

  private FileFormats() {}

  /**
   * {@code mode} as stored in a manifest: a leading zero and at least three digits ({@code 0644}).
   */
  public static String normalizeMode(String mode) {
    return String.format("0%03o", Integer.parseInt(mode, 8));
  }
}
