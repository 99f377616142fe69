package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.k8s.Conditions;
import dev.graft.kubevirt.DataVolume;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * graft.build.max-concurrent-builds on the mock API server: five builds that could all start, at
 * most two at once; the others wait Queued and start as slots free up.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(BuildQueueTest.TwoBuildsAtOnce.class)
class BuildQueueTest {

  /** At most two builds at once. */
  public static class TwoBuildsAtOnce implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("graft.build.max-concurrent-builds", "2");
    }
  }

  @Inject KubernetesClient client;

  /**
   * Repeated, each time in a namespace and with contents of its own: the base turns Ready as the
   * requests arrive, and a build whose reconcile saw it Ready before the informer's list did once
   * started without a slot (four builds under a limit of two, about one run in five on a loaded
   * machine).
   */
  @RepeatedTest(8)
  void atMostTheLimitOfBuildsRunAndTheRestWaitQueued(RepetitionInfo run) {
    String ns = "queue-" + run.getCurrentRepetition();
    try (ClusterSimulator simulator = new ClusterSimulator(client).start()) {
      client.resource(baseImage(ns, "fedora", "fedora-40")).create();
      List<String> names = List.of("a", "b", "c", "d", "e");
      simulator.holdJobs(true);
      for (String n : names) {
        client.resource(gvm(ns, n, "fedora-40", file("/etc/" + n, n + ns))).create();
      }
      until(
          client,
          ns,
          () ->
              derived(ns).size() == 5
                  && derived(ns).stream()
                          .filter(
                              gi -> gi.getStatus() != null && gi.getStatus().buildStartedAt != null)
                          .count()
                      == 2
                  && derived(ns).stream().filter(BuildQueueTest::queued).count() == 3);
      // Only the two started builds have a clone; the queued ones created nothing yet.
      long clones =
          client.resources(DataVolume.class).inNamespace(ns).list().getItems().stream()
              .filter(dv -> dv.getSpec().source != null && dv.getSpec().source.pvc != null)
              .count();
      assertThat(clones).isEqualTo(2);

      simulator.releaseJobs();
      until(client, ns, () -> names.stream().allMatch(n -> ready(gvm(client, ns, n))));
      assertThat(derived(ns)).noneMatch(BuildQueueTest::queued);
    }
  }

  private List<GoldenImage> derived(String ns) {
    return images(client, ns).stream().filter(gi -> gi.getSpec().parent != null).toList();
  }

  private static boolean queued(GoldenImage gi) {
    var c = Conditions.get(gi.getStatus(), Conditions.PROGRESSING);
    return c != null && "Queued".equals(c.getReason());
  }
}
