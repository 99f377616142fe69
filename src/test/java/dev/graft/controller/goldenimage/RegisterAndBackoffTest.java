package dev.graft.controller.goldenimage;

import static dev.graft.controller.goldenimage.BuildFixtures.NOW;
import static dev.graft.controller.goldenimage.BuildFixtures.base;
import static dev.graft.controller.goldenimage.BuildFixtures.child;
import static dev.graft.controller.goldenimage.BuildFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.catalog.UsageLedger;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The phases that need more than a view row: back-off, registration, and a Ready image's uses. */
class RegisterAndBackoffTest {

  @Test
  void retryBackoffWaitsUntilRetryAfterThenPasses() {
    GoldenImage gi = child(Phase.Pending, "/etc/a");
    gi.getStatus().attempts = 2;
    gi.getStatus().retryAfter = NOW.plusSeconds(10).toString();
    Conditions.apply(
        gi.getStatus(),
        Conditions.State.degraded(Phase.Pending, "InjectionFailed", "Job failed"),
        1L);
    Optional<Decision> waiting = new RetryBackoff().decide(view(gi).build(), gi.getStatus());
    assertThat(waiting).get().extracting(d -> d.state().reason()).isEqualTo("InjectionFailed");
    assertThat(waiting.get().recheck()).isEqualTo(Duration.ofMillis(10_200));

    gi.getStatus().retryAfter = NOW.minusSeconds(1).toString();
    assertThat(new RetryBackoff().decide(view(gi).build(), gi.getStatus())).isEmpty();
    assertThat(gi.getStatus().retryAfter).isNull();
    assertThat(gi.getStatus().attempts).isEqualTo(2);
  }

  @Test
  void registerMakesADerivedImageReadyAndCalibrates() {
    GoldenImage gi = child(Phase.Injecting, "/etc/a", "/etc/b");
    gi.getStatus().buildStartedAt = NOW.minusSeconds(12).toString();
    Decision d = new Register().decide(view(gi).parent(base(Phase.Ready)).build(), gi.getStatus());
    assertThat(d.state().phase()).isEqualTo(Phase.Ready);
    assertThat(gi.getStatus().buildSeconds).isEqualTo(12.0);
    assertThat(gi.getStatus().pvc).isEqualTo(gi.getMetadata().getName());
    assertThat(gi.getStatus().hits).isZero();
    assertThat(gi.getStatus().cachePriority).isNotNull();
    assertThat(d.described())
        .containsExactly(
            "tell measured 2 files",
            "count buildSucceeded fedora-40",
            "event Ready: built from "
                + base(Phase.Ready).getMetadata().getName()
                + " in 12.0s (attempt 1)");
  }

  /**
   * Issue 17, item 4: the requests an image was built for use it as soon as it is Ready; the Ready
   * status patch records that first use (no hit), so their VMs ask for no second patch.
   */
  @Test
  void registerRecordsTheFirstUseByTheRequestsItWasBuiltFor() {
    GoldenImage gi = child(Phase.Injecting, "/etc/a");
    new Register().decide(view(gi).parent(base(Phase.Ready)).build(), gi.getStatus());
    assertThat(gi.getStatus().lastUsed).as("built for nobody").isNull();

    GoldenImage planned = child(Phase.Injecting, "/etc/a");
    planned.getSpec().requestedBy = List.of("team/web", "team/web-2");
    new Register().decide(view(planned).parent(base(Phase.Ready)).build(), planned.getStatus());
    assertThat(planned.getStatus().lastUsed).isEqualTo("2026-11-30T12:00:00Z");
    assertThat(planned.getStatus().hits).isZero();
  }

  @Test
  void aReadyImageTakesInUsesAndClockRaises() {
    GoldenImage gi = child(Phase.Ready, "/etc/a");
    gi.getStatus().hits = 3;
    BuildView v = view(gi).build();
    BuildView withUses =
        new BuildView(
            v.image(),
            v.parent(),
            null,
            null,
            null,
            true,
            true,
            null,
            NOW,
            v.settings(),
            2.0,
            new UsageLedger.Uses(2, 1, "2026-11-30T12:00:00Z"),
            5.0,
            null,
            null,
            BuildView.Catalog.NONE,
            null,
            BuildView.Grouping.NONE);
    Optional<Decision> d = new Settled().decide(withUses, gi.getStatus());
    assertThat(d).get().extracting(x -> x.state().phase()).isEqualTo(Phase.Ready);
    assertThat(gi.getStatus().hits).isEqualTo(4);
    assertThat(gi.getStatus().lastUsed).isEqualTo("2026-11-30T12:00:00Z");
    assertThat(gi.getStatus().cacheClock).isEqualTo(5.0);
    assertThat(gi.getStatus().cachePriority).isGreaterThanOrEqualTo(2.0);
    assertThat(d.get().actions()).isEqualTo(List.of());
  }
}
