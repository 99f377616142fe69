package dev.graft.sim;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingList;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingList;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;

/**
 * In front of the fabric8 mock server's CRUD dispatcher: answers SubjectAccessReviews from the RBAC
 * objects it stores ({@link RbacAuthorizer}), as a cluster's API server would, and passes every
 * other request on. {@code graft demo} and the mock-server tests then see who may clone from where.
 */
public final class AuthorizingDispatcher extends Dispatcher {
  private static final String RBAC = "/apis/rbac.authorization.k8s.io/v1/";
  private final Dispatcher next;
  private final KubernetesCrudDispatcher store;

  private AuthorizingDispatcher(Dispatcher next, KubernetesCrudDispatcher store) {
    this.next = next;
    this.store = store;
  }

  /** Puts an authorizer in front of the dispatcher a started mock server uses. */
  public static void install(MockWebServer server, KubernetesCrudDispatcher store) {
    try {
      var field = MockWebServer.class.getDeclaredField("dispatcher");
      field.setAccessible(true);
      Dispatcher current = (Dispatcher) field.get(server);
      if (!(current instanceof AuthorizingDispatcher)) {
        server.setDispatcher(new AuthorizingDispatcher(current, store));
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach the mock server's dispatcher", e);
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!"POST".equalsIgnoreCase(request.getMethod())
        || !request.getPath().startsWith("/apis/authorization.k8s.io/v1/subjectaccessreviews")) {
      return next.dispatch(request);
    }
    SubjectAccessReview review =
        Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
    boolean allowed = RbacAuthorizer.allows(review.getSpec(), new Store());
    review.setStatus(new SubjectAccessReviewStatus(allowed, false, null, null));
    return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
  }

  @Override
  public void shutdown() {
    next.shutdown();
  }

  private final class Store implements RbacAuthorizer.Store {
    @Override
    public List<RbacAuthorizer.Binding> bindings(String ns) {
      if (ns == null) {
        ClusterRoleBindingList list =
            get(RBAC + "clusterrolebindings", ClusterRoleBindingList.class);
        return list == null
            ? List.of()
            : list.getItems().stream()
                .map(b -> new RbacAuthorizer.Binding(null, b.getSubjects(), b.getRoleRef()))
                .toList();
      }
      RoleBindingList list =
          get(RBAC + "namespaces/" + ns + "/rolebindings", RoleBindingList.class);
      return list == null
          ? List.of()
          : list.getItems().stream()
              .map(b -> new RbacAuthorizer.Binding(ns, b.getSubjects(), b.getRoleRef()))
              .toList();
    }

    @Override
    public List<PolicyRule> rules(String ns, String name) {
      if (ns == null) {
        ClusterRole role = get(RBAC + "clusterroles/" + name, ClusterRole.class);
        return role == null || role.getRules() == null ? List.of() : role.getRules();
      }
      Role role = get(RBAC + "namespaces/" + ns + "/roles/" + name, Role.class);
      return role == null || role.getRules() == null ? List.of() : role.getRules();
    }
  }

  private <T> T get(String path, Class<T> type) {
    MockResponse response = store.handleGet(path);
    if (response.code() != 200) {
      return null;
    }
    return Serialization.unmarshal(response.getBody().readUtf8(), type);
  }
}
