package dev.graft.bench;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/**
 * API requests counted by verb (as the API server's authorizer names them: get, list, watch,
 * create, update, patch, delete) and by resource, from their method and path.
 */
public final class ApiCalls {
  private final Map<String, Integer> byVerb = new TreeMap<>();
  private final Map<String, Integer> byResource = new TreeMap<>();
  private int total;

  /** Counts one request, e.g. {@code GET /apis/graft.dev/v1alpha1/namespaces/a/goldenimages/x}. */
  public void add(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    String[] parts = uri.getPath().replaceAll("^/+", "").split("/");
    int i = parts[0].equals("api") ? 2 : parts[0].equals("apis") ? 3 : parts.length;
    if (i < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
      i += 2;
    }
    String resource = i < parts.length ? parts[i] : uri.getPath();
    boolean named = i + 1 < parts.length;
    if (i + 2 < parts.length) {
      resource += "/" + parts[i + 2];
    }
    boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
    String verb =
        switch (method.toUpperCase(java.util.Locale.ROOT)) {
          case "GET" -> watch ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> "delete";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    byVerb.merge(verb, 1, Integer::sum);
    byResource.merge(verb + " " + resource, 1, Integer::sum);
    total++;
  }

  public int total() {
    return total;
  }

  /** Requests of one verb (0 when none). */
  public int verb(String verb) {
    return byVerb.getOrDefault(verb, 0);
  }

  /** Counts by verb, sorted by verb. */
  public Map<String, Integer> byVerb() {
    return new TreeMap<>(byVerb);
  }

  /** Counts by "verb resource[/subresource]", sorted. */
  public Map<String, Integer> byResource() {
    return new TreeMap<>(byResource);
  }
}
