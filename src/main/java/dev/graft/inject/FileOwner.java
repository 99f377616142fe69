package dev.graft.inject;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A numeric owner, written {@code uid:gid}; guestfish's {@code chown} takes 31-bit ids. */
public record FileOwner(int uid, int gid) {

  /** Owner of a file given without one. */
  public static final FileOwner ROOT = new FileOwner(0, 0);

  private static final Pattern UID_GID = Pattern.compile("([0-9]{1,10}):([0-9]{1,10})");

  /** Parses {@code uid:gid}; {@code null} means root. */
  public static FileOwner parse(String field, String owner) {
    if (owner == null) {
      return ROOT;
    }
    Matcher m = UID_GID.matcher(owner);
    if (!m.matches() && GuestAccounts.hasNames(owner)) {
      throw new InjectionInputException(
          field,
          "must be numeric \"uid:gid\" here: owner names such as "
              + Quoted.of(owner)
              + " are resolved from the guest's /etc/passwd and /etc/group before this point");
    }
    if (!m.matches()
        || Long.parseLong(m.group(1)) > Integer.MAX_VALUE
        || Long.parseLong(m.group(2)) > Integer.MAX_VALUE) {
      throw new InjectionInputException(
          field,
          "must be numeric \"uid:gid\" with ids from 0 to "
              + Integer.MAX_VALUE
              + ", got "
              + Quoted.of(owner));
    }
    return new FileOwner(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  @Override
  public String toString() {
    return uid + ":" + gid;
  }
}
