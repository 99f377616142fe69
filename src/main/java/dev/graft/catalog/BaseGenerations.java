package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The generations of an os's base in one catalog namespace, read from its GoldenImages: every base
 * GoldenImage (no parent) is one generation ({@code spec.baseGeneration}, unset: 1), and every
 * derived image carries its parent's. The newest usable base is the current one; an image of an
 * older generation is outdated.
 */
public final class BaseGenerations {
  private BaseGenerations() {}

  /** The generation an image is built on. */
  public static int of(GoldenImage gi) {
    Integer g = gi.getSpec() == null ? null : gi.getSpec().baseGeneration;
    return g == null || g < 1 ? 1 : g;
  }

  /** Whether an image is a base (imports its disk) rather than built from a parent. */
  public static boolean isBase(GoldenImage gi) {
    return gi.getSpec() != null && gi.getSpec().parent == null;
  }

  /** The base images of {@code os} among {@code images} (one namespace), oldest first. */
  public static List<GoldenImage> bases(Collection<GoldenImage> images, String os) {
    return images.stream()
        .filter(BaseGenerations::isBase)
        .filter(gi -> os.equals(gi.getSpec().os))
        .sorted(Comparator.comparingInt(BaseGenerations::of))
        .toList();
  }

  /** The base of the newest usable generation (not failed, not being deleted), if any. */
  public static Optional<GoldenImage> current(Collection<GoldenImage> images, String os) {
    return bases(images, os).stream()
        .filter(CatalogPlanner::usable)
        .max(Comparator.comparingInt(BaseGenerations::of));
  }

  /** The usable base of one generation, if any. */
  public static Optional<GoldenImage> base(
      Collection<GoldenImage> images, String os, int generation) {
    return bases(images, os).stream()
        .filter(CatalogPlanner::usable)
        .filter(gi -> of(gi) == generation)
        .findFirst();
  }

  /** The current generation of {@code os} (0 when it has no usable base). */
  public static int currentGeneration(Collection<GoldenImage> images, String os) {
    return current(images, os).map(BaseGenerations::of).orElse(0);
  }

  /** Whether {@code gi} is built on a generation older than {@code current}. */
  public static boolean outdated(GoldenImage gi, int current) {
    return current > 0 && of(gi) < current;
  }

  /** How many of {@code images} (one namespace) are of {@code os} and outdated. */
  public static int outdatedCount(Collection<GoldenImage> images, String os) {
    int current = currentGeneration(images, os);
    return (int)
        images.stream()
            .filter(gi -> gi.getSpec() != null && os.equals(gi.getSpec().os))
            .filter(gi -> gi.getMetadata().getDeletionTimestamp() == null)
            .filter(gi -> outdated(gi, current))
            .count();
  }
}
