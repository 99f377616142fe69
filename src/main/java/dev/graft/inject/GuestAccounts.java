package dev.graft.inject;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guest's own users and groups ({@code /etc/passwd}, {@code /etc/group}), which alone can turn
 * an owner given by name ({@code nginx:nginx}) into the ids the guest will use.
 */
public record GuestAccounts(Map<String, Integer> users, Map<String, Integer> groups) {

  /** {@code user:group}, each a numeric id or a name, as users write owners. */
  public static final Pattern OWNER = Pattern.compile(dev.graft.api.FileFormats.OWNER);

  /** Parses the two files' text (either may be empty: no names then). */
  public static GuestAccounts parse(String passwd, String group) {
    return new GuestAccounts(ids(passwd), ids(group));
  }

  /**
   * The files with any owner given by name made {@code 0:0}: what can be checked of a build before
   * the guest's own files are read (the form of the name is checked here).
   */
  public static java.util.List<FileToInject> withNamesAsRoot(java.util.List<FileToInject> files) {
    return files.stream()
        .map(
            f ->
                f != null && hasNames(f.owner())
                    ? new FileToInject(f.path(), f.mode(), "0:0", f.payload())
                    : f)
        .toList();
  }

  /** Whether {@code owner} names a user or group (and so needs the guest's files). */
  public static boolean hasNames(String owner) {
    Matcher m = owner == null ? null : OWNER.matcher(owner);
    return m != null && m.matches() && !(isNumber(m.group(1)) && isNumber(m.group(2)));
  }

  /**
   * {@code owner} with names replaced by the guest's ids ({@code uid:gid}); numeric parts stay.
   *
   * @throws InjectionInputException naming the field, the unknown name and the image
   */
  public String resolve(String field, String owner, String image) {
    Matcher m = owner == null ? null : OWNER.matcher(owner);
    if (m == null || !m.matches()) {
      throw new InjectionInputException(
          field,
          "must be \"uid:gid\" or \"user:group\" (names or ids), got "
              + (owner == null ? "nothing" : Quoted.of(owner)));
    }
    return id(field, m.group(1), users, "user", "/etc/passwd", image)
        + ":"
        + id(field, m.group(2), groups, "group", "/etc/group", image);
  }

  private static String id(
      String field,
      String part,
      Map<String, Integer> known,
      String kind,
      String file,
      String image) {
    if (isNumber(part)) {
      return part;
    }
    Integer id = known.get(part);
    if (id == null) {
      throw new InjectionInputException(
          field, "no " + kind + " " + Quoted.of(part) + " in " + file + " of the image " + image);
    }
    return String.valueOf(id);
  }

  private static boolean isNumber(String part) {
    return !part.isEmpty() && part.chars().allMatch(Character::isDigit);
  }

  private static Map<String, Integer> ids(String text) {
    Map<String, Integer> ids = new HashMap<>();
    if (text == null) {
      return ids;
    }
    for (String line : text.split("\n")) {
      String[] fields = line.split(":", -1);
      if (fields.length >= 3 && !line.startsWith("#") && fields[2].matches("[0-9]{1,10}")) {
        long id = Long.parseLong(fields[2]);
        if (id <= Integer.MAX_VALUE) {
          ids.putIfAbsent(fields[0], (int) id);
        }
      }
    }
    return ids;
  }
}
