package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.catalog.CacheClock;
import dev.graft.catalog.UsageLedger;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Conditions.State;
import java.util.Optional;

/**
 * A Ready or Failed image stays so: its last condition is kept. A Ready image takes in what was
 * asked of it since: VMs' uses (hits, last use and the eviction priority they give) and, for a base
 * image, a raise of its os's cache clock.
 */
public final class Settled implements BuildPhase {
  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    if (status.phase == Phase.Ready) {
      recordUses(view, status);
      var c = Conditions.get(status, Conditions.READY);
      return Optional.of(
          Decision.of(State.ready(Phase.Ready, "Ready", c == null ? "ready" : c.getMessage())));
    }
    if (status.phase == Phase.Failed) {
      var c = Conditions.get(status, Conditions.DEGRADED);
      return Optional.of(
          Decision.of(
              State.degraded(
                  Phase.Failed,
                  c == null ? "Failed" : c.getReason(),
                  c == null ? "failed" : c.getMessage())));
    }
    return Optional.empty();
  }

  private static void recordUses(BuildView view, GoldenImage.Status status) {
    if (view.clockRaise() != null) {
      status.cacheClock = Math.max(CacheClock.of(view.image()), view.clockRaise());
    }
    UsageLedger.Uses uses = view.uses();
    if (uses == null) {
      return;
    }
    status.hits = (status.hits == null ? 0 : status.hits) + uses.hits();
    status.lastUsed = uses.last();
    status.cachePriority = CacheClock.priority(view.clock(), status);
  }
}
