package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.build.Payloads;
import dev.graft.controller.flow.Decision;
import java.time.Duration;
import java.util.Optional;

/**
 * The files a build adds are in its payload ConfigMap and Secret, written when the image was
 * planned; the Job waits until the ones its diff needs are there.
 */
public final class Payload implements BuildPhase {
  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    InjectionJobs.Diff diff = view.diff();
    boolean missing =
        (Payloads.needsConfigMap(diff) && !view.configMapPayloadPresent())
            || (Payloads.needsSecret(diff) && !view.secretPayloadPresent());
    if (!missing) {
      return Optional.empty();
    }
    return BuildPhase.waiting(
        Phase.Cloning,
        "WaitingForPayload",
        "waiting for the file payload of " + view.name(),
        Duration.ofSeconds(10));
  }
}
