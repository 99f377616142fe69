package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.ManifestEntry;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.build.ManifestCache;
import dev.graft.build.ResolutionException;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The requests of a catalog kept resolved across plans: a plan resolves again only the requests
 * whose inputs changed, and a new base generation resolves every request of its os again, also
 * those resolved "image exists" or "no base" before, so that they are pending in the same plan.
 */
class PendingRequestsTest {
  private static final String NS = "team";
  private static final String OS = "fedora";

  private final Map<ResourceID, GraftedVirtualMachine> cache = new HashMap<>();
  private final FakeCatalog catalog = new FakeCatalog();
  private final PendingRequests requests =
      new PendingRequests(ns -> ns, new ManifestCache(new FileResolver(1 << 20)));

  @Test
  void aPlanResolvesOnlyTheRequestsThatChanged() {
    for (int i = 0; i < 100; i++) {
      add(gvm("r" + i, 1));
    }
    assertThat(plan()).hasSize(100);
    assertThat(requests.resolutions()).isEqualTo(100);

    assertThat(plan()).hasSize(100);
    assertThat(requests.resolutions()).as("nothing changed").isEqualTo(100);

    add(gvm("r7", 2)); // its spec changed
    requests.concern(List.of(new ResourceID("r8", NS))); // a file it reads changed
    assertThat(plan()).hasSize(100);
    assertThat(requests.resolutions()).isEqualTo(102);
  }

  @Test
  void anImageThatAppearsEndsItsRequestsPendingAndOneDeletedOrRemovedIsNoLongerPlanned() {
    add(gvm("a", 1));
    add(gvm("b", 1));
    List<PendingRequests.Pending> first = plan();
    assertThat(first).extracting(PendingRequests.Pending::key).containsExactly("team/a", "team/b");
    // a's image is created (seen in the cache before its event): no longer pending, not resolved.
    catalog.images.add(first.get(0).image());
    assertThat(plan()).extracting(PendingRequests.Pending::key).containsExactly("team/b");
    assertThat(requests.resolutions()).isEqualTo(2);
    cache.remove(new ResourceID("b", NS)); // deleted (a deletion is not indexed)
    assertThat(plan()).isEmpty();
  }

  @Test
  void aNewBaseGenerationMakesEveryRequestOfItsOsPendingInOnePlan() {
    for (int i = 0; i < 10; i++) {
      add(gvm("r" + i, 1));
    }
    add(gvm("no-base", 1));
    catalog.noBase.add("no-base");
    List<PendingRequests.Pending> onFirst = plan();
    assertThat(onFirst).hasSize(10);
    // Every image of generation 1 is built: nothing pending, nothing resolved again.
    onFirst.forEach(p -> catalog.images.add(p.image()));
    assertThat(plan()).isEmpty();
    int resolved = requests.resolutions();

    // A new base generation shows in the image cache (its event may come later): every request
    // of the os moves to it, the one that had no base too, all in the same plan.
    catalog.generation = 2;
    catalog.noBase.clear();
    List<PendingRequests.Pending> onSecond = plan();
    assertThat(onSecond).hasSize(11);
    assertThat(onSecond).allMatch(p -> p.manifest().baseGeneration() == 2);
    assertThat(requests.resolutions() - resolved).isEqualTo(11);
  }

  private List<PendingRequests.Pending> plan() {
    return requests.pending(NS, new FakeCache(), catalog);
  }

  private void add(GraftedVirtualMachine gvm) {
    cache.put(ResourceID.fromResource(gvm), gvm);
    requests.seen(gvm); // as the request cache indexes it
  }

  private static GraftedVirtualMachine gvm(String name, long generation) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.getMetadata().setName(name);
    gvm.getMetadata().setNamespace(NS);
    gvm.getMetadata().setUid("uid-" + name);
    gvm.getMetadata().setGeneration(generation);
    gvm.setSpec(new GraftedVirtualMachine.Spec());
    gvm.getSpec().os = OS;
    return gvm;
  }

  /** Resolves a request to one file named after it and its spec generation. */
  private static final class FakeCatalog implements PendingRequests.Catalog {
    final Set<String> images = new HashSet<>();
    final Set<String> noBase = new HashSet<>();
    int generation = 1;

    @Override
    public RequestCatalog.Resolved resolve(GraftedVirtualMachine gvm) throws ResolutionException {
      ManifestEntry e = new ManifestEntry();
      e.path = "/etc/" + gvm.getMetadata().getName();
      e.size = 1L;
      e.digest = Manifest.sha256((e.path + gvm.getMetadata().getGeneration()).getBytes());
      Manifest m = new Manifest(OS, List.of(e), Map.of()).onGeneration(generation);
      GoldenImage base = noBase.contains(gvm.getMetadata().getName()) ? null : new GoldenImage();
      return new RequestCatalog.Resolved(m, base);
    }

    @Override
    public GoldenImage image(String name) {
      return images.contains(name) ? new GoldenImage() : null;
    }

    @Override
    public String basesVersion(String os) {
      return "generation " + generation + " " + noBase;
    }
  }

  /** The request cache: what the test put there. */
  private final class FakeCache implements IndexedResourceCache<GraftedVirtualMachine> {
    @Override
    public List<GraftedVirtualMachine> byIndex(String index, String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Stream<GraftedVirtualMachine> list(
        String namespace, Predicate<GraftedVirtualMachine> predicate) {
      return list(predicate).filter(g -> namespace.equals(g.getMetadata().getNamespace()));
    }

    @Override
    public Optional<GraftedVirtualMachine> get(ResourceID id) {
      return Optional.ofNullable(cache.get(id));
    }

    @Override
    public Stream<ResourceID> keys() {
      return cache.keySet().stream();
    }

    @Override
    public Stream<GraftedVirtualMachine> list(Predicate<GraftedVirtualMachine> predicate) {
      return cache.values().stream().filter(predicate);
    }
  }
}
