package dev.graft.sim;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;

/**
 * Answers a SubjectAccessReview from the RBAC objects of a store, as the API server's RBAC
 * authorizer does for resource requests: a RoleBinding in the namespace or a ClusterRoleBinding
 * whose subject is the user (a User, one of its groups, or the ServiceAccount it is) and whose role
 * has a rule matching group, resource (with subresource), verb. No other authorizer, no
 * aggregation, no resourceNames: enough for the embedded API server of {@code graft demo}.
 */
public final class RbacAuthorizer {

  /** Where the RBAC objects are. */
  public interface Store {
    /** Each binding's subjects and role, in a namespace (null: the ClusterRoleBindings). */
    List<Binding> bindings(String namespace);

    /** The rules of a Role (namespace given) or a ClusterRole (namespace null); empty if none. */
    List<PolicyRule> rules(String namespace, String name);
  }

  /** A RoleBinding or ClusterRoleBinding. */
  public record Binding(String namespace, List<Subject> subjects, RoleRef role) {}

  private RbacAuthorizer() {}

  public static boolean allows(SubjectAccessReviewSpec spec, Store store) {
    ResourceAttributes a = spec.getResourceAttributes();
    if (a == null) {
      return false;
    }
    String resource =
        a.getSubresource() == null || a.getSubresource().isEmpty()
            ? a.getResource()
            : a.getResource() + "/" + a.getSubresource();
    for (String ns :
        a.getNamespace() == null ? new String[] {null} : new String[] {a.getNamespace(), null}) {
      for (Binding b : store.bindings(ns)) {
        if (b.subjects() == null || b.subjects().stream().noneMatch(s -> matches(s, spec))) {
          continue;
        }
        String roleNs = "ClusterRole".equals(b.role().getKind()) ? null : b.namespace();
        for (PolicyRule r : store.rules(roleNs, b.role().getName())) {
          if (has(r.getApiGroups(), a.getGroup() == null ? "" : a.getGroup())
              && has(r.getResources(), resource)
              && has(r.getVerbs(), a.getVerb())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean matches(Subject s, SubjectAccessReviewSpec spec) {
    return switch (s.getKind()) {
      case "User" -> s.getName().equals(spec.getUser());
      case "Group" -> spec.getGroups() != null && spec.getGroups().contains(s.getName());
      case "ServiceAccount" ->
          ("system:serviceaccount:" + s.getNamespace() + ":" + s.getName()).equals(spec.getUser());
      default -> false;
    };
  }

  private static boolean has(List<String> values, String value) {
    return values != null && (values.contains("*") || values.contains(value));
  }
}
