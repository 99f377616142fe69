package dev.graft.inject;

import dev.graft.api.FileFormats;
import java.util.regex.Pattern;

/** Parses a file mode given as an octal string ({@code 0644}, {@code 755}, {@code 04755}). */
public final class FileMode {

  /** Mode of a file given without one. */
  public static final int DEFAULT = 0644;

  private static final Pattern OCTAL = Pattern.compile(FileFormats.MODE);

  private FileMode() {}

  /** The mode bits; {@code null} means {@link #DEFAULT}. */
  public static int parse(String field, String mode) {
    if (mode == null) {
      return DEFAULT;
    }
    if (!OCTAL.matcher(mode).matches()) {
      throw new InjectionInputException(
          field,
          "must be an octal mode from 000 to 07777 such as \"0644\", got " + Quoted.of(mode));
    }
    return Integer.parseInt(mode, 8);
  }

  /** The mode as guestfish reads it: octal with a leading zero. */
  public static String octal(int mode) {
    return String.format("0%o", mode);
  }
}
