package dev.graft.testing;

import dev.graft.sim.AuthorizingDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.util.function.Consumer;

/**
 * {@code @WithKubernetesTestServer(crud = true, setup = AuthorizingServer.class)}: the test's mock
 * API server answers SubjectAccessReviews from the Roles and bindings it holds, as {@code graft
 * demo}'s embedded one does.
 */
public class AuthorizingServer implements Consumer<KubernetesServer> {
  @Override
  public void accept(KubernetesServer server) {
    try {
      KubernetesMockServer mock = server.getKubernetesMockServer();
      var web = DefaultMockServer.class.getDeclaredField("server");
      web.setAccessible(true);
      var store = KubernetesMockServer.class.getDeclaredField("dispatcher");
      store.setAccessible(true);
      Object dispatcher = store.get(mock);
      if (dispatcher instanceof KubernetesMixedDispatcher) {
        var crud = KubernetesMixedDispatcher.class.getDeclaredField("kubernetesCrudDispatcher");
        crud.setAccessible(true);
        dispatcher = crud.get(dispatcher);
      }
      AuthorizingDispatcher.install(
          (MockWebServer) web.get(mock), (KubernetesCrudDispatcher) dispatcher);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach the mock server", e);
    }
  }
}
