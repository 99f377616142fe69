package dev.graft.inject.job;

/** Quotes values for POSIX sh: single quotes, where nothing but {@code '} itself is special. */
final class ShellQuote {
  private ShellQuote() {}

  /** {@code value} as one sh word; NUL cannot be carried by sh, so it is rejected. */
  static String quote(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL cannot be passed to sh");
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
