package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import java.time.Duration;
import java.util.Optional;

/**
 * At most {@code graft.build.max-concurrent-builds} builds of a namespace run at once (so that a
 * new base release rebuilding a fleet does not flood the cluster): a build that has not started
 * waits while as many are running or queued before it. Started builds always go on.
 */
public final class Queue implements BuildPhase {
  /** A fallback: a finished build wakes the queued ones next in line (see BuildSources). */
  static final Duration RECHECK = Duration.ofSeconds(10);

  /** The order builds start in: creation time, then name. */
  static final java.util.Comparator<GoldenImage> ORDER =
      java.util.Comparator.comparing(
              (GoldenImage i) -> String.valueOf(i.getMetadata().getCreationTimestamp()))
          .thenComparing(i -> i.getMetadata().getName());

  /**
   * How many builds of {@code images} (one namespace) run or wait before {@code gi}: the started
   * ones, and the ones whose parent is Ready (they could start) made earlier (by creation time,
   * then name). Images waiting for a parent hold no slot, so a chain never blocks itself.
   */
  public static int ahead(GoldenImage gi, java.util.Collection<GoldenImage> images) {
    java.util.Map<String, GoldenImage> byName = new java.util.HashMap<>();
    images.forEach(i -> byName.put(i.getMetadata().getName(), i));
    return ahead(gi, images, byName);
  }

  /** As {@link #ahead(GoldenImage, java.util.Collection)}, with the images by name at hand. */
  static int ahead(
      GoldenImage gi,
      java.util.Collection<GoldenImage> images,
      java.util.Map<String, GoldenImage> byName) {
    java.util.Comparator<GoldenImage> order = ORDER;
    int ahead = 0;
    for (GoldenImage other : images) {
      if (other.getMetadata().getName().equals(gi.getMetadata().getName())
          || other.getSpec().parent == null
          || other.getMetadata().getDeletionTimestamp() != null
          || settled(other)) {
        continue;
      }
      boolean started = other.getStatus() != null && other.getStatus().buildStartedAt != null;
      GoldenImage parent = byName.get(other.getSpec().parent);
      boolean startable =
          parent != null && parent.getStatus() != null && parent.getStatus().phase == Phase.Ready;
      if (started || (startable && order.compare(other, gi) < 0)) {
        ahead++;
      }
    }
    return ahead;
  }

  private static boolean settled(GoldenImage gi) {
    Phase p = gi.getStatus() == null ? null : gi.getStatus().phase;
    return p == Phase.Ready || p == Phase.Failed;
  }

  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    var c = view.catalog();
    if (c.maxConcurrentBuilds() <= 0
        || status.buildStartedAt != null
        || c.buildsAhead() < c.maxConcurrentBuilds()) {
      return Optional.empty();
    }
    return Optional.of(
        Decision.of(
                State.progressing(
                    Phase.Pending,
                    "Queued",
                    "waiting for a build slot (at most "
                        + c.maxConcurrentBuilds()
                        + " builds at once)"))
            .recheckAfter(RECHECK));
  }
}
