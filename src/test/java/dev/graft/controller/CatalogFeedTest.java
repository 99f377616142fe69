package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.build.FileResolver;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * In the operator, the planner's kept catalog is fed by the GraftedVirtualMachine controller's
 * GoldenImage informer: its first plan walks the catalog, and the images built after it reach the
 * kept catalog through their events, with no further walk.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class CatalogFeedTest {
  @Inject KubernetesClient client;
  @Inject CatalogPlanner planner;

  @Test
  void imagesBuiltAfterTheFirstPlanReachTheKeptCatalogThroughEventsWithoutAWalk() throws Exception {
    String ns = "fed";
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      List<String> built = new ArrayList<>();
      for (String n : List.of("a", "b", "c")) {
        var request = gvm(ns, n, "fedora-40", file("/etc/" + n, n));
        built.add(imageOf(request));
        client.resource(request).create();
        until(client, ns, () -> ready(gvm(client, ns, n)));
      }
      // One plan per request, each after the image before it was built: only the first walked.
      assertThat(planner.feed().walks(ns)).isEqualTo(1);
      // a's and b's images were created after that walk: the plans after them read their events.
      assertThat(planner.feed().names(ns)).contains(built.get(0), built.get(1));
    }
  }

  private static String imageOf(dev.graft.api.GraftedVirtualMachine gvm) {
    try {
      return new FileResolver(1 << 20).resolve(gvm, FileResolver.STRUCTURAL).imageName();
    } catch (ResolutionException e) {
      throw new AssertionError(e);
    }
  }
}
