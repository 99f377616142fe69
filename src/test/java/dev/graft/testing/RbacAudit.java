package dev.graft.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks the API calls an operator really made against the rules of a ClusterRole: every call's
 * (verb, group, resource[/subresource]) must be allowed. Fed with the requests the mock API server
 * recorded, it proves the RBAC we ship is enough.
 */
public final class RbacAudit {

  /** One API call reduced to what RBAC decides on. */
  public record Access(String verb, String group, String resource) {
    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource;
    }
  }

  private record Rule(Set<String> groups, Set<String> resources, Set<String> verbs) {
    boolean allows(Access a) {
      return (groups.contains(a.group()) || groups.contains("*"))
          && (resources.contains(a.resource()) || resources.contains("*"))
          && (verbs.contains(a.verb()) || verbs.contains("*"));
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  private RbacAudit() {}

  /** Reads the rules of a ClusterRole or Role YAML file. */
  public static RbacAudit fromRole(Path yaml) throws IOException {
    RbacAudit audit = new RbacAudit();
    JsonNode role = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
    for (JsonNode rule : role.path("rules")) {
      audit.rules.add(
          new Rule(
              strings(rule.path("apiGroups")),
              strings(rule.path("resources")),
              strings(rule.path("verbs"))));
    }
    return audit;
  }

  /** The rules of a parsed ClusterRole or Role. */
  public static RbacAudit fromRole(JsonNode role) {
    RbacAudit audit = new RbacAudit();
    for (JsonNode rule : role.path("rules")) {
      audit.rules.add(
          new Rule(
              strings(rule.path("apiGroups")),
              strings(rule.path("resources")),
              strings(rule.path("verbs"))));
    }
    return audit;
  }

  /** An API call and the namespace it is made in (null: cluster-wide, or a cluster resource). */
  public record Call(Access access, String namespace) {
    @Override
    public String toString() {
      return access + (namespace == null ? " (all namespaces)" : " in " + namespace);
    }
  }

  /** Parses a request as {@link #access}, keeping its namespace. */
  public static Call call(String method, String pathAndQuery) {
    String[] parts = URI.create(pathAndQuery).getPath().replaceAll("^/+", "").split("/");
    String namespace = null;
    for (int i = 0; i + 1 < parts.length; i++) {
      if (parts[i].equals("namespaces") && i + 2 < parts.length) {
        namespace = parts[i + 1];
        break;
      }
    }
    return new Call(access(method, pathAndQuery), namespace);
  }

  /**
   * The calls that a ClusterRole plus per-namespace Roles (bound in their namespaces) do not allow,
   * as the authorizer decides: a Role grants only calls in its own namespace.
   */
  public static Set<String> denied(
      List<Call> calls, RbacAudit clusterRole, java.util.Map<String, RbacAudit> roles) {
    Set<String> denied = new TreeSet<>();
    for (Call call : calls) {
      boolean allowed =
          clusterRole.rules.stream().anyMatch(r -> r.allows(call.access()))
              || (call.namespace() != null
                  && roles.containsKey(call.namespace())
                  && roles.get(call.namespace()).rules.stream()
                      .anyMatch(r -> r.allows(call.access())));
      if (!allowed) {
        denied.add(call.toString());
      }
    }
    return denied;
  }

  /** Every (verb, group, resource) the rules grant on these resources of a group. */
  public Set<Access> grantsOn(String group, Set<String> resources) {
    Set<Access> out = new TreeSet<>(java.util.Comparator.comparing(Access::toString));
    for (Rule r : rules) {
      if (!r.groups().contains(group)) {
        continue;
      }
      for (String resource : r.resources()) {
        if (resources.contains(resource)) {
          for (String verb : r.verbs()) {
            out.add(new Access(verb, group, resource));
          }
        }
      }
    }
    return out;
  }

  /** The calls no rule allows; empty when the role is sufficient. */
  public Set<Access> denied(List<Access> calls) {
    Set<Access> denied = new TreeSet<>(java.util.Comparator.comparing(Access::toString));
    for (Access call : calls) {
      if (rules.stream().noneMatch(r -> r.allows(call))) {
        denied.add(call);
      }
    }
    return denied;
  }

  /**
   * Parses a request as the API server's authorizer would: {@code GET
   * /apis/batch/v1/namespaces/ns/jobs?watch=true} is {@code watch batch/jobs}.
   */
  public static Access access(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    String[] parts = uri.getPath().replaceAll("^/+", "").split("/");
    int i;
    String group;
    if (parts[0].equals("api")) {
      group = "";
      i = 2;
    } else if (parts[0].equals("apis")) {
      group = parts[1];
      i = 3;
    } else {
      return new Access(method.toLowerCase(), "nonResource", uri.getPath());
    }
    if (i < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
      i += 2;
    }
    String resource = i < parts.length ? parts[i] : "";
    boolean named = i + 1 < parts.length;
    if (i + 2 < parts.length) {
      resource += "/" + parts[i + 2];
    }
    boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
    String verb =
        switch (method.toUpperCase()) {
          case "GET" -> watch ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> method.toLowerCase();
        };
    return new Access(verb, group, resource);
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> values = new TreeSet<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }
}
