package dev.graft.inject;

/**
 * Validates the paths written into a guestfish script. guestfish splits lines on blanks, treats
 * quotes, {@code |}, {@code #}, a leading {@code !}, {@code ~} or {@code win:} specially, so
 * instead of escaping we accept only absolute, normalized paths built from a conservative set of
 * characters: anything else is rejected and never reaches a script.
 */
public final class GuestPath {

  /** Longest accepted path (Linux PATH_MAX) and path component (NAME_MAX), in bytes. */
  static final int MAX_PATH = 4096;

  static final int MAX_NAME = 255;

  private GuestPath() {}

  /** Returns {@code path} when it is safe to write into a script, else throws naming the field. */
  public static String check(String field, String path) {
    if (path == null || path.isEmpty()) {
      throw new InjectionInputException(field, "a path is required");
    }
    String shown = Quoted.of(path);
    if (path.charAt(0) != '/') {
      throw new InjectionInputException(field, "must be an absolute path, got " + shown);
    }
    if (path.equals("/")) {
      throw new InjectionInputException(field, "must name a file, not the root directory");
    }
    if (path.length() > MAX_PATH) {
      throw new InjectionInputException(
          field, "longer than " + MAX_PATH + " characters: " + Quoted.of(path.substring(0, 40)));
    }
    if (path.endsWith("/")) {
      throw new InjectionInputException(field, "must not end with '/', got " + shown);
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (!allowed(c)) {
        throw new InjectionInputException(
            field,
            "character "
                + Quoted.character(c)
                + " is not allowed (letters, digits, / . _ - + @ , = : % ~ only), in "
                + shown);
      }
    }
    for (String name : path.substring(1).split("/", -1)) {
      if (name.isEmpty()) {
        throw new InjectionInputException(field, "must not contain '//', got " + shown);
      }
      if (name.equals(".") || name.equals("..")) {
        throw new InjectionInputException(
            field, "must be normalized (no '.' or '..' components), got " + shown);
      }
      if (name.length() > MAX_NAME) {
        throw new InjectionInputException(
            field, "a component is longer than " + MAX_NAME + " characters in " + shown);
      }
    }
    return path;
  }

  /** The directory holding {@code path} ({@code /} for a top-level file). */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "/._-+@,=:%~".indexOf(c) >= 0;
  }
}
