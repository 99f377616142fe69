package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions.State;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The injection Job of the attempt applies the diff to the clone. */
public final class Inject implements BuildPhase {
  @Override
  public Optional<Decision> decide(BuildView view, GoldenImage.Status status) {
    int attempt = Attempts.current(status);
    GoldenImage gi = view.image();
    String jobName = InjectionJobs.jobName(gi, attempt);
    Job job = view.job();
    State running = State.progressing(Phase.Injecting, "Injecting", "Job " + jobName + " running");
    if (job == null) {
      BuildView.Placed placed = view.grouping().place().get();
      if (placed.placement() instanceof InjectionGroups.Wait wait) {
        return Optional.of(
            Decision.of(State.progressing(Phase.Injecting, "WaitingForGroup", wait.message()))
                .recheckAfter(wait.recheck()));
      }
      if (placed.placement() instanceof InjectionGroups.Create create) {
        return Optional.of(createGroup(view, create.group(), placed.disks()));
      }
      InjectionJobs.Diff diff = view.diff();
      InjectionJobs jobs = view.settings().jobs();
      List<Action> actions = new ArrayList<>();
      // The script is in the payload ConfigMap written at planning; else in its own ConfigMap.
      String script = view.scriptConfigMap();
      if (script == null) {
        actions.add(new Action.Create(jobs.script(gi, diff)));
        script = InjectionJobs.scriptName(gi);
      }
      actions.add(new Action.Create(jobs.job(gi, diff, attempt, script)));
      // No Normal event: the phase, the Job's name and the files added and removed are in the
      // status, and the Job controller records the Job's own events.
      return Optional.of(Decision.of(running, actions));
    }
    if (view.grouping().shared()) {
      return shared(view, status, job);
    }
    if (failed(job)) {
      // The injector's own words (the file, the name, the image) say more than the Job's
      // BackoffLimitExceeded.
      String why = view.injectorMessage() != null ? ": " + view.injectorMessage() : message(job);
      return Optional.of(
          Attempts.fail(view, status, "InjectionFailed", "Job " + jobName + " failed" + why));
    }
    if (!succeeded(job)) {
      return Optional.of(Decision.of(running));
    }
    return Optional.empty();
  }

  /**
   * The shared Job of {@code group}: its ConfigMap (all the disks' specs) and the Job, which names
   * its disks ({@link InjectionJobs#DISKS}). No Normal event, as for a Job of its own.
   */
  private static Decision createGroup(
      BuildView view, InjectionGroups.Group group, List<InjectionJobs.Disk> disks) {
    InjectionJobs jobs = view.settings().jobs();
    return Decision.of(
        State.progressing(
            Phase.Injecting, "Injecting", "Job " + group.jobName() + " running (shared)"),
        new Action.Create(jobs.groupScript(group.jobName(), disks)),
        new Action.Create(jobs.groupJob(group.jobName(), disks)));
  }

  /**
   * A Job shared with other builds: this disk's own result decides, so that one disk's failure
   * fails only its image. The group's runner exits 0 whatever each disk's fate (the Job succeeds);
   * a Job that failed as a whole (deadline, a crash, bad arguments) fails every disk without a
   * result of its own.
   */
  private static Optional<Decision> shared(BuildView view, GoldenImage.Status status, Job job) {
    String jobName = job.getMetadata().getName();
    var result = view.grouping().result();
    if (!succeeded(job) && !failed(job)) {
      return Optional.of(
          Decision.of(
              State.progressing(
                  Phase.Injecting, "Injecting", "Job " + jobName + " running (shared)")));
    }
    if (result != null && result.succeeded()) {
      return Optional.empty();
    }
    String why;
    if (result != null) {
      why = ": " + result.failure();
    } else if (failed(job)) {
      why = view.injectorMessage() != null ? ": " + view.injectorMessage() : message(job);
    } else {
      why = ": its pod gave no result for disk " + view.grouping().index();
    }
    return Optional.of(
        Attempts.fail(
            view,
            status,
            "InjectionFailed",
            "Job " + jobName + " (disk " + view.grouping().index() + ") failed" + why));
  }

  public static boolean succeeded(Job job) {
    return hasCondition(job, "Complete")
        || (job.getStatus() != null
            && job.getStatus().getSucceeded() != null
            && job.getStatus().getSucceeded() > 0);
  }

  public static boolean failed(Job job) {
    return hasCondition(job, "Failed");
  }

  private static boolean hasCondition(Job job, String type) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String message(Job job) {
    return job.getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType()))
        .map(
            c ->
                ": "
                    + Objects.toString(c.getReason(), "")
                    + " "
                    + Objects.toString(c.getMessage(), ""))
        .findFirst()
        .orElse("")
        .stripTrailing();
  }
}
