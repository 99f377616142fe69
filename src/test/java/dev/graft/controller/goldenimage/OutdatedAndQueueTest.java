package dev.graft.controller.goldenimage;

import static dev.graft.controller.goldenimage.BuildFixtures.child;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Decision;
import dev.graft.controller.flow.Statuses;
import dev.graft.k8s.Conditions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Outdated condition and the build queue, as the decide step sets them: no server. */
class OutdatedAndQueueTest {

  private static BuildView view(GoldenImage gi, BuildView.Catalog catalog) {
    BuildView v = BuildFixtures.view(gi).parent(BuildFixtures.base(Phase.Ready)).build();
    return v.withCatalog(catalog);
  }

  @Test
  void aReadyImageOfAnOlderGenerationIsMarkedOutdatedAndStaysReady() {
    GoldenImage gi = child(Phase.Ready, "/etc/a");
    GoldenImage.Status status = copy(gi.getStatus());
    Decision d = Build.decide(view(gi, new BuildView.Catalog(2, 0, 0)), status);
    Statuses.conclude(gi, gi.getStatus(), status, d);
    assertThat(status.phase).isEqualTo(Phase.Ready);
    var c = Conditions.get(status, Conditions.OUTDATED);
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("BaseUpdated");
    assertThat(c.getMessage())
        .isEqualTo("built on generation 1 of fedora-40's base; the newest is 2");
    // The three usual conditions are still there, and Outdated survives the next conclusion.
    assertThat(Conditions.isTrue(status, Conditions.READY)).isTrue();
    GoldenImage.Status again = copy(status);
    Statuses.conclude(
        gi, status, again, Build.decide(view(gi, new BuildView.Catalog(2, 0, 0)), again));
    assertThat(Conditions.isTrue(again, Conditions.OUTDATED)).isTrue();
    assertThat(Conditions.get(again, Conditions.OUTDATED).getLastTransitionTime())
        .isEqualTo(c.getLastTransitionTime());
  }

  @Test
  void anImageOfTheNewestGenerationHasNoOutdatedCondition() {
    GoldenImage gi = child(Phase.Ready, "/etc/a");
    gi.getSpec().baseGeneration = 2;
    GoldenImage.Status status = copy(gi.getStatus());
    Build.decide(view(gi, new BuildView.Catalog(2, 0, 0)), status);
    assertThat(Conditions.get(status, Conditions.OUTDATED)).isNull();
  }

  @Test
  void anOutdatedImageIsCurrentAgainWhenTheNewerBaseGoes() {
    GoldenImage gi = child(Phase.Ready, "/etc/a");
    GoldenImage.Status status = copy(gi.getStatus());
    Build.decide(view(gi, new BuildView.Catalog(2, 0, 0)), status);
    Build.decide(view(gi, new BuildView.Catalog(1, 0, 0)), status);
    assertThat(Conditions.get(status, Conditions.OUTDATED).getStatus()).isEqualTo("False");
  }

  @Test
  void aBuildWaitsForASlotAndAStartedOneNeverDoes() {
    GoldenImage gi = child(null, "/etc/a");
    GoldenImage.Status status = new GoldenImage.Status();
    var queued = new Queue().decide(view(gi, new BuildView.Catalog(1, 2, 2)), status);
    assertThat(queued).isPresent();
    assertThat(queued.get().state().reason()).isEqualTo("Queued");
    assertThat(queued.get().actions()).isEmpty();
    assertThat(new Queue().decide(view(gi, new BuildView.Catalog(1, 1, 2)), status)).isEmpty();
    assertThat(new Queue().decide(view(gi, new BuildView.Catalog(1, 9, 0)), status))
        .as("0: no limit")
        .isEmpty();
    status.buildStartedAt = "2026-01-01T00:00:00Z";
    assertThat(new Queue().decide(view(gi, new BuildView.Catalog(1, 9, 2)), status)).isEmpty();
  }

  @Test
  void buildsAheadAreTheStartedOnesAndEarlierOnesWhoseParentIsReady() {
    GoldenImage base = BuildFixtures.base(Phase.Ready);
    GoldenImage running =
        named(child(Phase.Injecting, "/etc/r"), "running", "2026-01-01T00:00:01Z");
    running.getStatus().buildStartedAt = "2026-01-01T00:00:02Z";
    GoldenImage earlier = named(child(null, "/etc/e"), "earlier", "2026-01-01T00:00:03Z");
    GoldenImage me = named(child(null, "/etc/m"), "me", "2026-01-01T00:00:04Z");
    GoldenImage later = named(child(null, "/etc/l"), "later", "2026-01-01T00:00:05Z");
    GoldenImage waitsForParent = named(child(null, "/etc/w"), "waits", "2026-01-01T00:00:00Z");
    waitsForParent.getSpec().parent = "later";
    GoldenImage done = named(child(Phase.Ready, "/etc/d"), "done", "2026-01-01T00:00:00Z");
    List<GoldenImage> all = List.of(base, running, earlier, me, later, waitsForParent, done);
    assertThat(Queue.ahead(me, all)).isEqualTo(2); // running + earlier
    assertThat(Queue.ahead(earlier, all)).isEqualTo(1);
    assertThat(Queue.ahead(later, all)).isEqualTo(3);
  }

  private static GoldenImage named(GoldenImage gi, String name, String created) {
    gi.getMetadata().setName(name);
    gi.getMetadata().setCreationTimestamp(created);
    if (gi.getStatus() == null) {
      gi.setStatus(new GoldenImage.Status());
    }
    return gi;
  }

  private static GoldenImage.Status copy(GoldenImage.Status s) {
    return dev.graft.k8s.StatusCopies.copy(s, GoldenImage.Status.class);
  }
}
