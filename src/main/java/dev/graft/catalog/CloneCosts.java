package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.kubevirt.DataVolumes;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The clone term of a build, per source image: predicted seconds of cloning its disk (its storage
 * class's learned clone time for its size). A plain number reaches the planner.
 */
@FunctionalInterface
public interface CloneCosts {
  /** No clone term (not learned yet, or not learning): costs as before. */
  CloneCosts NONE = gi -> 0;

  double seconds(GoldenImage source);

  /** The disk size of an image, bytes (its requested storage); 0 when it does not parse. */
  static long bytes(GoldenImage gi) {
    try {
      return Quantity.getAmountInBytes(new Quantity(DataVolumes.size(gi.getSpec().storage)))
          .longValue();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
