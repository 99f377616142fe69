package dev.graft.controller.goldenimage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builds granted a slot count before the cache shows them started: no server. */
class BuildSlotsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aBuildLetPastTheQueueHoldsItsSlotUntilTheCacheShowsItStarted() {
    GoldenImage base = image("base", null, Phase.Ready);
    List<GoldenImage> images = new ArrayList<>(List.of(base));
    for (String n : List.of("c", "d", "e")) {
      images.add(image(n, "base", null));
    }
    BuildSlots slots = new BuildSlots();
    // The cache shows none started: "c" and "d" reconcile first and take the two slots...
    assertThat(slots.catalog(images.get(1), base, images, 2, NOW).buildsAhead()).isZero();
    assertThat(slots.catalog(images.get(2), base, images, 2, NOW).buildsAhead()).isLessThan(2);
    // ...an image made later but sorting first sees them, although the cache does not yet.
    GoldenImage a = image("a", "base", null);
    images.add(a);
    assertThat(slots.catalog(a, base, images, 2, NOW).buildsAhead()).isEqualTo(2);
    assertThat(slots.catalog(images.get(3), base, images, 2, NOW).buildsAhead())
        .isGreaterThanOrEqualTo(2);
    // Once the cache shows "c" settled, its slot is free again.
    images.get(1).getStatus().phase = Phase.Ready;
    assertThat(slots.catalog(a, base, images, 2, NOW).buildsAhead()).isEqualTo(1);
  }

  @Test
  void aReconciledImageNewerThanTheListKeepsItsSlot() {
    GoldenImage base = image("base", null, Phase.Ready);
    GoldenImage b = image("b", "base", null);
    GoldenImage c = image("c", "base", null);
    List<GoldenImage> images = new ArrayList<>(List.of(base, b, c));
    BuildSlots slots = new BuildSlots();
    slots.catalog(b, base, images, 2, NOW);
    slots.catalog(c, base, images, 2, NOW);
    // "b" is reconciled again from the SDK's copy of its own status write (started), while the
    // list, read from the informer, does not show the start yet: "b" still holds its slot...
    GoldenImage bStarted = image("b", "base", Phase.Injecting);
    bStarted.getStatus().buildStartedAt = NOW.toString();
    slots.catalog(bStarted, base, images, 2, NOW);
    // ...so an image sorting first, which the queue alone would let start, waits.
    GoldenImage a = image("a", "base", null);
    images.add(a);
    assertThat(slots.catalog(a, base, images, 2, NOW).buildsAhead()).isEqualTo(2);
  }

  @Test
  void aParentReadyInTheReconcilesCopyButNotYetInTheListStillTakesASlot() {
    GoldenImage importing = image("base", null, Phase.Importing);
    List<GoldenImage> images =
        new ArrayList<>(List.of(importing, image("a", "base", null), image("b", "base", null)));
    // The reconciles see the base Ready (the SDK's copy of its status write); the list does not.
    GoldenImage readyBase = image("base", null, Phase.Ready);
    BuildSlots slots = new BuildSlots();
    assertThat(slots.catalog(images.get(1), readyBase, images, 1, NOW).buildsAhead()).isZero();
    assertThat(slots.catalog(images.get(2), readyBase, images, 1, NOW).buildsAhead()).isEqualTo(1);
  }

  @Test
  void anImageWaitingForItsParentTakesNoSlot() {
    GoldenImage parent = image("p", "base", null);
    GoldenImage child = image("child", "p", null);
    GoldenImage other = image("other", "base", null);
    GoldenImage base = image("base", null, Phase.Ready);
    List<GoldenImage> images = List.of(base, parent, child, other);
    BuildSlots slots = new BuildSlots();
    slots.catalog(child, parent, images, 1, NOW);
    assertThat(slots.catalog(other, base, images, 1, NOW).buildsAhead()).isZero();
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
