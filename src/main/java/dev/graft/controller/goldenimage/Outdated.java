package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.catalog.BaseGenerations;
import dev.graft.k8s.Conditions;

/**
 * The {@code Outdated} condition: True once the os has a newer usable base generation than the one
 * the image is built on (its lastTransitionTime says since when); False again only if that newer
 * base goes. An image never outdated has no such condition.
 */
public final class Outdated {
  public static final String CONDITION = Conditions.OUTDATED;

  private Outdated() {}

  static void mark(BuildView view, GoldenImage.Status status) {
    int current = view.catalog().currentGeneration();
    GoldenImage gi = view.image();
    Long generation = gi.getMetadata().getGeneration();
    int mine = BaseGenerations.of(gi);
    if (BaseGenerations.outdated(gi, current)) {
      Conditions.set(
          status,
          CONDITION,
          true,
          "BaseUpdated",
          "built on generation " + mine + " of " + view.os() + "'s base; the newest is " + current,
          generation);
    } else if (current > 0 && Conditions.get(status, CONDITION) != null) {
      Conditions.set(
          status, CONDITION, false, "Current", "built on the newest base generation", generation);
    }
  }

  /** Whether an image is marked outdated. */
  public static boolean is(GoldenImage gi) {
    return Conditions.isTrue(gi.getStatus(), CONDITION);
  }
}
