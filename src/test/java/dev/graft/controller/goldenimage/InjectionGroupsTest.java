package dev.graft.controller.goldenimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.config.GraftConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which builds share an injection Job, and that no disk is ever in two: no server. */
class InjectionGroupsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void concurrentReconcilesNeverPutOneImageInTwoJobs() throws Exception {
    for (int round = 0; round < 20; round++) {
      int n = 30;
      List<GoldenImage> images = new ArrayList<>();
      images.add(image("base", null, Phase.Ready));
      for (int i = 0; i < n; i++) {
        images.add(started(image(String.format("img-%02d", i), "base", null)));
      }
      InjectionGroups groups = new InjectionGroups(4);
      // The Job cache: a created Job shows up a little later, as an informer's does.
      Map<String, String> cache = new ConcurrentHashMap<>();
      Map<String, Set<String>> createdFor = new ConcurrentHashMap<>();
      ScheduledExecutorService informer = Executors.newSingleThreadScheduledExecutor();
      InjectionGroups.Cluster cluster =
          new InjectionGroups.Cluster() {
            @Override
            public List<GoldenImage> images() {
              return images;
            }

            @Override
            public boolean hasJob(String image, int attempt) {
              return cache.containsKey(image + ":" + attempt);
            }
          };
      Random random = new Random(round);
      AtomicReference<Instant> clock = new AtomicReference<>(T0);
      ExecutorService workers = Executors.newFixedThreadPool(8);
      CountDownLatch done = new CountDownLatch(8);
      for (int w = 0; w < 8; w++) {
        long seed = random.nextLong();
        workers.submit(
            () -> {
              Random r = new Random(seed);
              try {
                while (cache.size() < n) {
                  GoldenImage gi = images.get(1 + r.nextInt(n));
                  String name = gi.getMetadata().getName();
                  if (cache.containsKey(name + ":1")) {
                    continue;
                  }
                  Instant now = clock.updateAndGet(t -> t.plusMillis(r.nextInt(300)));
                  var p = groups.place(gi, 1, null, name + "-inject-1", cluster, now);
                  List<String> members =
                      p instanceof InjectionGroups.Create c
                          ? List.copyOf(c.group().members().keySet())
                          : p instanceof InjectionGroups.Alone ? List.of(name) : List.of();
                  if (members.isEmpty()) {
                    continue;
                  }
                  String job =
                      p instanceof InjectionGroups.Create c ? c.group().jobName() : name + "-1";
                  for (String m : members) {
                    createdFor.computeIfAbsent(m, k -> ConcurrentHashMap.newKeySet()).add(job);
                  }
                  informer.schedule(
                      () -> members.forEach(m -> cache.put(m + ":1", job)),
                      r.nextInt(5),
                      TimeUnit.MILLISECONDS);
                }
              } finally {
                done.countDown();
              }
            });
      }
      assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
      workers.shutdownNow();
      informer.shutdownNow();
      assertThat(createdFor).hasSize(n);
      createdFor.forEach(
          (image, jobs) -> assertThat(jobs).as("Jobs that build " + image).hasSize(1));
      // They did share: fewer Jobs than images.
      assertThat(createdFor.values().stream().flatMap(Set::stream).distinct().count())
          .isLessThan(n);
    }
  }

  @Test
  void aReadyImageGathersThenFormsAGroupWithTheOthersReady() {
    GoldenImage a = started(image("a", "base", null));
    GoldenImage b = started(image("b", "base", null));
    GoldenImage c = started(image("c", "base", null));
    List<GoldenImage> images = List.of(image("base", null, Phase.Ready), a, b, c);
    InjectionGroups groups = new InjectionGroups(4);
    Jobs jobs = new Jobs(images);
    // a is ready first: it gathers.
    assertThat(groups.place(a, 1, null, "a-inject-1", jobs, T0))
        .isInstanceOf(InjectionGroups.Wait.class);
    assertThat(groups.place(b, 1, null, "b-inject-1", jobs, T0.plusMillis(500)))
        .isInstanceOf(InjectionGroups.Wait.class);
    // Past the window, c still cloning: a waits for it.
    assertThat(groups.place(a, 1, null, "a-inject-1", jobs, T0.plusSeconds(3)))
        .isInstanceOf(InjectionGroups.Wait.class);
    groups.place(c, 1, null, "c-inject-1", jobs, T0.plusSeconds(4));
    var p = groups.place(a, 1, null, "a-inject-1", jobs, T0.plusSeconds(5));
    assertThat(p).isInstanceOf(InjectionGroups.Create.class);
    var group = ((InjectionGroups.Create) p).group();
    assertThat(group.members()).containsOnlyKeys("a", "b", "c");
    assertThat(group.jobName()).startsWith("inject-group-").hasSizeLessThanOrEqualTo(63);
    // b is granted to it: it waits for the creator (the Job's name is known to it)...
    assertThat(groups.place(b, 1, null, "b-inject-1", jobs, T0.plusSeconds(5)))
        .isInstanceOf(InjectionGroups.Wait.class);
    assertThat(groups.grantedJob("ns", "b", 1)).isEqualTo(group.jobName());
    // ...and creates it itself if the creator did not within a few seconds.
    assertThat(groups.place(b, 1, null, "b-inject-1", jobs, T0.plusSeconds(11)))
        .isEqualTo(new InjectionGroups.Create(group));
  }

  @Test
  void aFullGroupFormsAtOnceAndAnImageAloneInjectsAloneAfterItsPatience() {
    List<GoldenImage> images = new ArrayList<>(List.of(image("base", null, Phase.Ready)));
    for (String n : List.of("a", "b", "c")) {
      images.add(started(image(n, "base", null)));
    }
    Jobs jobs = new Jobs(images);
    InjectionGroups groups = new InjectionGroups(2);
    groups.place(images.get(1), 1, null, "a-inject-1", jobs, T0);
    assertThat(groups.place(images.get(2), 1, null, "b-inject-1", jobs, T0))
        .isInstanceOf(InjectionGroups.Create.class);
    // c stays alone: after the patience (other builds are done) it injects alone.
    jobs.show("a", "b");
    assertThat(groups.place(images.get(3), 1, null, "c-inject-1", jobs, T0))
        .isInstanceOf(InjectionGroups.Wait.class);
    assertThat(groups.place(images.get(3), 1, null, "c-inject-1", jobs, T0.plusSeconds(3)))
        .isEqualTo(InjectionGroups.ALONE);
    // One Job per build when grouping is off.
    assertThat(new InjectionGroups(1).place(images.get(3), 1, null, "x", jobs, T0))
        .isEqualTo(InjectionGroups.ALONE);
  }

  @Test
  void onlyImagesWhoseClonesAreOnTheSameNodeShareAJob() {
    List<GoldenImage> images = new ArrayList<>(List.of(image("base", null, Phase.Ready)));
    Map<String, String> node = new HashMap<>();
    node.put("a", "n1");
    node.put("b", "n2");
    node.put("c", "n1");
    node.put("d", null);
    node.put("e", null);
    for (String n : node.keySet().stream().sorted().toList()) {
      images.add(started(image(n, "base", null)));
    }
    Jobs jobs = new Jobs(images);
    InjectionGroups groups = new InjectionGroups(4);
    for (GoldenImage gi : images.subList(1, images.size())) {
      String n = gi.getMetadata().getName();
      groups.place(gi, 1, node.get(n), n + "-inject-1", jobs, T0);
    }
    Instant later = T0.plus(InjectionGroups.PATIENCE).plusSeconds(1);
    Map<String, List<String>> formed = new HashMap<>();
    for (GoldenImage gi : images.subList(1, images.size())) {
      String n = gi.getMetadata().getName();
      var p = groups.place(gi, 1, node.get(n), n + "-inject-1", jobs, later);
      if (p instanceof InjectionGroups.Create c) {
        formed.put(n, List.copyOf(c.group().members().keySet()));
      } else if (p instanceof InjectionGroups.Alone) {
        formed.put(n, List.of(n));
      }
    }
    assertThat(formed.get("a")).containsExactly("a", "c");
    assertThat(formed.get("b")).containsExactly("b");
    assertThat(formed.get("d")).containsExactly("d", "e");
    assertThat(formed).doesNotContainKeys("c", "e"); // granted: they wait for a's and d's Job
  }

  @Test
  void theLimitOutOfRangeOrNoNumberIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> new InjectionGroups(0))
        .hasMessageContaining("graft.build.max-disks-per-job")
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> new InjectionGroups(21))
        .hasMessageContaining("graft.build.max-disks-per-job");
    assertThatThrownBy(
            () ->
                new SmallRyeConfigBuilder()
                    .addDefaultInterceptors()
                    .addDiscoveredConverters()
                    .withMapping(GraftConfig.class)
                    .withDefaultValue("graft.build.max-disks-per-job", "four")
                    .build()
                    .getConfigMapping(GraftConfig.class))
        .hasMessageContaining("graft.build.max-disks-per-job");
  }

  /** A Job cache that shows what the test says. */
  private static final class Jobs implements InjectionGroups.Cluster {
    private final List<GoldenImage> images;
    private final Set<String> shown = ConcurrentHashMap.newKeySet();

    Jobs(List<GoldenImage> images) {
      this.images = images;
    }

    void show(String... names) {
      for (String n : names) {
        shown.add(n);
      }
    }

    @Override
    public List<GoldenImage> images() {
      return images;
    }

    @Override
    public boolean hasJob(String image, int attempt) {
      return shown.contains(image);
    }
  }

  private static GoldenImage started(GoldenImage gi) {
    gi.getStatus().buildStartedAt = T0.toString();
    gi.getStatus().phase = Phase.Cloning;
    return gi;
  }

  private static GoldenImage image(String name, String parent, Phase phase) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(name);
    gi.getMetadata().setNamespace("ns");
    gi.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().parent = parent;
    gi.getSpec().files = new ArrayList<>();
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = phase;
    return gi;
  }
}
