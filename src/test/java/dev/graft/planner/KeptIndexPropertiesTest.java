package dev.graft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.assertj.core.data.Offset;
import org.roaringbitmap.RoaringBitmap;

/**
 * A {@link NearestIndex} kept across changes answers exactly like one built afresh from the same
 * images, and like a full scan, after random sequences of adds, removals, updates (same name, new
 * files, depth or clone cost), clone costs changed in place, new files in the table and new
 * weights.
 */
class KeptIndexPropertiesTest {
  private static final String[] OSES = {"ubuntu", "fedora", "debian"};

  @Property(tries = 200)
  void keptIndexAnswersLikeAFreshOneAfterRandomChanges(@ForAll long seed) {
    Random random = new Random(seed);
    FileTable table = new FileTable();
    for (int f = 0; f < 6; f++) {
      addFile(table, random);
    }
    CostModel model = new CostModel(weights(random), table);
    NearestIndex kept = NearestIndex.kept(model);
    List<ImageSet> expected = new ArrayList<>(); // what the kept index should hold, in order
    int names = 0;
    int steps = 150 + random.nextInt(250);
    for (int step = 0; step < steps; step++) {
      int op = random.nextInt(100);
      if (op < 45 || expected.isEmpty()) {
        ImageSet image = image("i" + names++, table, random);
        kept.add(image);
        expected.add(image);
      } else if (op < 75) {
        ImageSet gone = expected.remove(random.nextInt(expected.size()));
        assertThat(kept.remove(gone.os(), gone.name())).isSameAs(gone);
      } else if (op < 85) {
        ImageSet old = expected.remove(random.nextInt(expected.size()));
        ImageSet changed = image(old.name(), table, random);
        changed =
            new ImageSet(old.name(), old.os(), changed.files(), changed.depth(), clone(random));
        kept.remove(old.os(), old.name());
        kept.add(changed);
        expected.add(changed);
      } else if (op < 89) {
        int at = random.nextInt(expected.size());
        ImageSet old = expected.get(at);
        ImageSet repriced =
            new ImageSet(old.name(), old.os(), old.files(), old.depth(), clone(random));
        assertThat(kept.replace(repriced)).isTrue();
        expected.set(at, repriced);
      } else if (op < 94) {
        addFile(table, random);
        model = new CostModel(model.weights(), table);
      } else {
        model = new CostModel(weights(random), table);
      }
      if (op >= 85 || step % 7 == 0) {
        kept.price(model);
        assertAnswersAlike(kept, expected, model, table, random);
      }
    }
    kept.price(model);
    assertAnswersAlike(kept, expected, model, table, random);
  }

  @Property(tries = 50)
  void removingEveryImageEmptiesTheIndex(@ForAll long seed) {
    Random random = new Random(seed);
    FileTable table = new FileTable();
    for (int f = 0; f < 5; f++) {
      addFile(table, random);
    }
    NearestIndex kept = NearestIndex.kept(new CostModel(weights(random), table));
    List<ImageSet> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ImageSet image = image("i" + i, table, random);
      kept.add(image);
      all.add(image);
    }
    kept.nearest(all.get(0)); // built, then emptied through compactions
    for (ImageSet image : all) {
      assertThat(kept.remove(image.os(), image.name())).isSameAs(image);
    }
    assertThat(kept.size()).isZero();
    assertThat(kept.images()).isEmpty();
    for (String os : OSES) {
      assertThat(kept.hasOs(os)).isFalse();
    }
    assertThat(kept.nearest(all.get(0))).isNull();
    assertThat(kept.exact(all.get(0))).isNull();
  }

  private static void assertAnswersAlike(
      NearestIndex kept, List<ImageSet> expected, CostModel model, FileTable table, Random r) {
    assertThat(kept.images()).containsExactlyInAnyOrderElementsOf(expected);
    for (String os : OSES) {
      List<ImageSet> ofOs = expected.stream().filter(i -> i.os().equals(os)).toList();
      assertThat(kept.images(os)).containsExactlyElementsOf(ofOs);
      assertThat(kept.first(os)).isSameAs(ofOs.isEmpty() ? null : ofOs.get(0));
    }
    assertThat(kept.size()).isEqualTo(expected.size());
    for (String os : OSES) {
      assertThat(kept.depths(os))
          .containsExactlyInAnyOrderElementsOf(
              expected.stream()
                  .filter(i -> i.os().equals(os))
                  .map(ImageSet::depth)
                  .collect(java.util.stream.Collectors.toSet()));
    }
    NearestIndex fresh = new NearestIndex(model, kept.images());
    List<ImageSet> requests = new ArrayList<>();
    for (int q = 0; q < 6; q++) {
      requests.add(image("r" + q, table, r));
    }
    if (!expected.isEmpty()) {
      ImageSet some = expected.get(r.nextInt(expected.size()));
      requests.add(new ImageSet("copy", some.os(), some.files().clone())); // an exact match
    }
    for (ImageSet request : requests) {
      assertThat(kept.exact(request)).isSameAs(fresh.exact(request));
      for (int maxDepth : new int[] {0, 1, 2, DepthLimits.UNLIMITED}) {
        NearestIndex.Match a = kept.nearest(request, maxDepth);
        NearestIndex.Match b = fresh.nearest(request, maxDepth);
        double scan = fullScan(model, expected, request, maxDepth);
        if (b == null) {
          assertThat(a).isNull();
          assertThat(scan).isInfinite();
          continue;
        }
        assertThat(a).isNotNull();
        assertThat(a.source()).isSameAs(b.source());
        assertThat(a.cost()).isEqualTo(b.cost());
        assertThat(a.cost()).isCloseTo(scan, Offset.offset(1e-6 * Math.max(1, scan)));
      }
    }
  }

  /** The cheapest build of the request from any image of its os at most that deep. */
  private static double fullScan(
      CostModel model, List<ImageSet> images, ImageSet request, int maxDepth) {
    double best = Double.POSITIVE_INFINITY;
    for (ImageSet image : images) {
      if (image.os().equals(request.os()) && image.depth() <= maxDepth) {
        best = Math.min(best, model.cost(image, request));
      }
    }
    return best;
  }

  private static ImageSet image(String name, FileTable table, Random r) {
    RoaringBitmap files = new RoaringBitmap();
    int n = r.nextInt(Math.min(6, table.size()) + 1);
    for (int i = 0; i < n; i++) {
      files.add(r.nextInt(table.size()));
    }
    return new ImageSet(name, OSES[r.nextInt(OSES.length)], files, r.nextInt(4), clone(r));
  }

  private static double clone(Random r) {
    return r.nextInt(3) == 0 ? 0 : r.nextInt(5) * 0.75;
  }

  private static void addFile(FileTable table, Random r) {
    String id = "f" + table.size();
    table.add(new FileInfo(id, "/" + id, 1 + r.nextInt(1 << 20), 1 + r.nextInt(3), r.nextInt(3)));
  }

  private static Weights weights(Random r) {
    return new Weights(
        r.nextInt(3) * 1e-6, r.nextDouble() * 2, r.nextDouble() * 2, r.nextInt(2) * 3e-7, 5);
  }
}
