package dev.graft.inject;

/** Renders user input inside error messages on one line, with control characters made visible. */
public final class Quoted {
  private Quoted() {}

  /** {@code "value"} with control and non-ASCII characters escaped as {@code \\uXXXX}. */
  public static String of(String value) {
    StringBuilder out = new StringBuilder("\"");
    value.chars().forEach(c -> out.append(c == '"' ? "\\\"" : visible((char) c)));
    return out.append('"').toString();
  }

  /** One character, quoted: {@code '|'} or {@code U+000A}. */
  static String character(char c) {
    return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }

  private static String visible(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }
}
