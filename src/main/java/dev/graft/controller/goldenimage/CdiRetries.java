package dev.graft.controller.goldenimage;

import dev.graft.api.Phase;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Conditions.State;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.DataVolumeReport;
import java.util.List;
import java.util.Optional;

/**
 * A build's DataVolume whose CDI pod failed: CDI retries it by itself, so Graft neither deletes the
 * DataVolume nor counts a failed attempt. While the restarts are few the image is Progressing and
 * says why (DataVolumeRetrying); once they are many it is also Degraded (DataVolumeError, with one
 * Warning event), and it goes on as soon as CDI succeeds. Only phase Failed ends an attempt.
 */
final class CdiRetries {
  static final String RETRYING = "DataVolumeRetrying";
  static final String ERROR = "DataVolumeError";

  private CdiRetries() {}

  static Optional<Decision> decide(BuildView view, Phase phase) {
    DataVolume dv = view.dataVolume();
    DataVolumeReport report = DataVolumeReport.of(dv);
    if (!report.failing()) {
      return Optional.empty();
    }
    if (!report.persistentFailure()) {
      return Optional.of(Decision.of(State.progressing(phase, RETRYING, report.failure())));
    }
    var before = Conditions.get(view.image().getStatus(), Conditions.DEGRADED);
    boolean news = before == null || !ERROR.equals(before.getReason());
    return Optional.of(
        Decision.of(
            State.degraded(phase, ERROR, report.failure()),
            news ? List.of(Action.warning(view.image(), ERROR, report.failure())) : List.of()));
  }
}
