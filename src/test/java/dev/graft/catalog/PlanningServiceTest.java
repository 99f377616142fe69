package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.config.GraftConfig;
import dev.graft.metrics.GraftMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A planned image is not planned again while it is being created; a failed creation frees it. */
class PlanningServiceTest {
  private final PlanningService planning =
      new PlanningService(
          new CatalogPlanner(config(), new GraftMetrics(new SimpleMeterRegistry())));

  @Test
  void aClaimedImageIsNotPlannedTwiceAndAReleasedOneIs() throws Exception {
    Map<String, Manifest> pending = new LinkedHashMap<>();
    Manifest m = manifest("/etc/a");
    pending.put(m.imageName(), m);
    List<GoldenImage> catalog = List.of(base());

    assertThat(planning.plan("ns", pending, catalog))
        .extracting(CatalogPlanner.Order::image)
        .containsExactly(m.imageName());
    assertThat(planning.claimed("ns", m.imageName())).isTrue();
    assertThat(planning.plan("ns", pending, catalog)).isEmpty();
    // Another catalog namespace plans its own.
    assertThat(planning.plan("other", pending, catalog)).hasSize(1);

    planning.release("ns", planning.planner().plan(pending.values(), catalog));
    assertThat(planning.plan("ns", pending, catalog)).hasSize(1);
  }

  @Test
  void anImageInTheCatalogEndsItsClaim() throws Exception {
    Manifest m = manifest("/etc/b");
    Map<String, Manifest> pending = Map.of(m.imageName(), m);
    planning.plan("ns", pending, List.of(base()));
    GoldenImage created = new GoldenImage();
    created.getMetadata().setName(m.imageName());
    created.setSpec(new GoldenImage.Spec());
    created.getSpec().os = "fedora-40";
    created.getSpec().files = m.entries();
    assertThat(planning.plan("ns", pending, List.of(base(), created))).isEmpty();
    assertThat(planning.claimed("ns", m.imageName())).isFalse();
  }

  @Test
  void aRequestWhoseImageIsBeingCreatedWaitsForTheCreationToEnd() throws Exception {
    Manifest m = manifest("/etc/c");
    List<CatalogPlanner.Order> orders =
        planning.plan("ns", Map.of(m.imageName(), m), List.of(base()));
    assertThat(planning.awaitCreation("ns", "not-claimed", java.time.Duration.ofSeconds(5)))
        .isFalse();
    java.util.concurrent.CompletableFuture<Boolean> waited =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return planning.awaitCreation("ns", m.imageName(), java.time.Duration.ofSeconds(5));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(200);
    assertThat(waited).isNotDone();
    planning.release("ns", orders);
    assertThat(waited.get(2, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  private static GoldenImage base() {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(Manifest.baseImageName("fedora-40"));
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().files = List.of();
    return gi;
  }

  private static Manifest manifest(String path) throws Exception {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setName("web");
    g.getMetadata().setNamespace("ns");
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    g.getSpec().files = new ArrayList<>(List.of(FileSpec.inline(path, "x")));
    return new FileResolver(1 << 20).resolve(g, FileResolver.STRUCTURAL);
  }

  private static GraftConfig config() {
    return new SmallRyeConfigBuilder()
        .addDefaultInterceptors()
        .addDiscoveredConverters()
        .withMapping(GraftConfig.class)
        .withDefaultValue("graft.planner.calibrate", "false")
        .build()
        .getConfigMapping(GraftConfig.class);
  }
}
