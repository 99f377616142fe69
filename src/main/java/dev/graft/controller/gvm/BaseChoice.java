package dev.graft.controller.gvm;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.BaseGenerations;
import java.util.List;

/**
 * Which base generation a request's image is built on: the one it pins ({@code
 * spec.baseGeneration}); under the BaseImage's {@code Manual} policy the one its image already has;
 * otherwise ({@code Rebuild}) the newest usable one, so that a new base moves every such request to
 * an image built from it. Pure.
 *
 * @param generation the generation to build on (1 when the os has no base yet)
 * @param base its base GoldenImage, or null when the os has none
 */
public record BaseChoice(int generation, GoldenImage base) {

  /**
   * The choice for {@code gvm} among {@code bases}, the usable base images of its os in its catalog
   * (any order); {@code policy} is the newest base's BaseImage's.
   *
   * @throws ResolutionException when the pinned generation has no usable base
   */
  public static BaseChoice of(
      GraftedVirtualMachine gvm, BaseImage.UpdatePolicy policy, List<GoldenImage> bases)
      throws ResolutionException {
    Integer pinned = gvm.getSpec() == null ? null : gvm.getSpec().baseGeneration;
    if (pinned != null) {
      GoldenImage base = find(bases, pinned);
      if (base == null && !bases.isEmpty()) {
        throw new ResolutionException(
            "NoBaseGeneration",
            "spec.baseGeneration: os \""
                + gvm.getSpec().os
                + "\" has no usable base generation "
                + pinned
                + " (it has "
                + bases.stream().map(BaseGenerations::of).sorted().toList()
                + ")");
      }
      return new BaseChoice(pinned, base);
    }
    GoldenImage newest =
        bases.stream().max(java.util.Comparator.comparingInt(BaseGenerations::of)).orElse(null);
    if (newest == null) {
      return new BaseChoice(1, null);
    }
    if (policy == BaseImage.UpdatePolicy.Manual) {
      Integer current = currentOf(gvm);
      GoldenImage kept = current == null ? null : find(bases, current);
      if (kept != null) {
        return new BaseChoice(current, kept);
      }
    }
    return new BaseChoice(BaseGenerations.of(newest), newest);
  }

  /** The generation of the image a request has (one from before generations: 1), or null. */
  static Integer currentOf(GraftedVirtualMachine gvm) {
    var s = gvm.getStatus();
    if (s == null || s.image == null) {
      return null;
    }
    return s.baseGeneration == null ? 1 : s.baseGeneration;
  }

  private static GoldenImage find(List<GoldenImage> bases, int generation) {
    return bases.stream().filter(b -> BaseGenerations.of(b) == generation).findFirst().orElse(null);
  }
}
