package dev.graft.inject;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hosts URL files may be downloaded from, and every redirect of theirs may lead to ({@code
 * graft.downloads.allowed-hosts}): exact host names or addresses ({@code images.example.org},
 * {@code 10.0.0.5}), or every subdomain of one ({@code *.example.org}, which does not match {@code
 * example.org} itself). Empty: any host (redirects still only to https). The injection Job enforces
 * it, in its shell entry point, before each request it makes.
 */
public record DownloadHosts(List<String> patterns) {
  /** Any host: the list is empty. */
  public static final DownloadHosts ANY = new DownloadHosts(List.of());

  private static final Pattern LABELS =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public DownloadHosts {
    patterns = List.copyOf(patterns);
  }

  /**
   * The allow-list of {@code property}'s value (entries trimmed, blanks dropped, lower-cased).
   *
   * @throws InjectionInputException naming the property and the bad entry
   */
  public static DownloadHosts parse(String property, List<String> entries) {
    if (entries == null) {
      return ANY;
    }
    List<String> out = new java.util.ArrayList<>();
    for (String raw : entries) {
      String e = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      String name = e.startsWith("*.") ? e.substring(2) : e;
      if (!LABELS.matcher(name).matches()) {
        throw new InjectionInputException(
            property,
            "\""
                + raw
                + "\" is not a host name, an IPv4 address or *.domain (no scheme, port or path)");
      }
      out.add(e);
    }
    return new DownloadHosts(out);
  }

  public boolean any() {
    return patterns.isEmpty();
  }

  /** Whether a URL's host is allowed (always, when the list is empty). */
  public boolean allows(String url) {
    if (any()) {
      return true;
    }
    String host = hostOf(url);
    for (String p : patterns) {
      if (p.startsWith("*.") ? host.endsWith(p.substring(1)) : host.equals(p)) {
        return true;
      }
    }
    return false;
  }

  /** The host of a URL, lower-cased; empty when it has none. */
  public static String hostOf(String url) {
    try {
      String host = URI.create(url).getHost();
      return host == null ? "" : host.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** The list as the Job's shell entry point holds it: patterns separated by spaces. */
  public String asWords() {
    return String.join(" ", patterns);
  }
}
