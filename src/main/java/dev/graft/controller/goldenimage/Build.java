package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.controller.flow.Decision;
import java.util.List;
import java.util.Optional;

/**
 * A GoldenImage build as its phases, in order. A base image: settled? → cleanup → import →
 * register. A derived one: settled? → parent → back-off → cleanup → queue → clone → payload →
 * inject → register. The first phase that decides, decides. Every image, in any phase, is marked
 * Outdated once its os has a newer base generation.
 */
public final class Build {
  private static final List<BuildPhase> BASE =
      List.of(new Settled(), new WaitForCleanup(), new Import());
  private static final List<BuildPhase> DERIVED =
      List.of(
          new Settled(),
          new WaitForParent(),
          new RetryBackoff(),
          new WaitForCleanup(),
          new Queue(),
          new Clone(),
          new Payload(),
          new Inject());

  private Build() {}

  /** The decide step of the GoldenImage reconciler. */
  public static Decision decide(BuildView view, GoldenImage.Status status) {
    Outdated.mark(view, status);
    for (BuildPhase phase : view.isBase() ? BASE : DERIVED) {
      Optional<Decision> d = phase.decide(view, status);
      if (d.isPresent()) {
        return d.get();
      }
    }
    return new Register().decide(view, status);
  }
}
