package dev.graft.controller.goldenimage;

import static dev.graft.controller.goldenimage.BuildFixtures.base;
import static dev.graft.controller.goldenimage.BuildFixtures.child;
import static dev.graft.controller.goldenimage.BuildFixtures.dataVolume;
import static dev.graft.controller.goldenimage.BuildFixtures.job;
import static dev.graft.controller.goldenimage.BuildFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Decision;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each build phase from a table: the view it is given, then the phase it reports (or that it
 * passes), the condition reason and the actions it asks for. Plain JUnit, no server.
 */
class BuildPhasesTest {
  private static final String BASE = base(Phase.Ready).getMetadata().getName();

  /** One row: a phase, a view (and the status it starts from), and what it must decide. */
  record Row(
      String name,
      BuildPhase phase,
      BuildFixtures.View view,
      Phase phaseAfter,
      String reason,
      List<String> actions,
      Duration recheck) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Row passes(String name, BuildPhase phase, BuildFixtures.View view) {
    return new Row(name, phase, view, null, null, null, null);
  }

  static Stream<Row> rows() {
    GoldenImage pending = child(null, "/etc/a");
    String name = pending.getMetadata().getName();
    return Stream.of(
        // Settled
        new Row(
            "Settled: Ready stays Ready",
            new Settled(),
            view(child(Phase.Ready, "/etc/a")),
            Phase.Ready,
            "Ready",
            List.of(),
            null),
        new Row(
            "Settled: Failed stays Failed",
            new Settled(),
            view(child(Phase.Failed, "/etc/a")),
            Phase.Failed,
            "Failed",
            List.of(),
            null),
        passes(
            "Settled: a build in progress passes",
            new Settled(),
            view(child(Phase.Cloning, "/etc/a"))),
        // WaitForParent
        new Row(
            "WaitForParent: no parent",
            new WaitForParent(),
            view(pending),
            Phase.Pending,
            "ParentNotFound",
            List.of(),
            Duration.ofSeconds(30)),
        new Row(
            "WaitForParent: parent importing",
            new WaitForParent(),
            view(pending).parent(base(Phase.Importing)),
            Phase.Pending,
            "WaitingForParent",
            List.of(),
            Duration.ofSeconds(30)),
        new Row(
            "WaitForParent: parent failed",
            new WaitForParent(),
            view(pending).parent(base(Phase.Failed)),
            Phase.Failed,
            "ParentFailed",
            List.of("warning ParentFailed: parent image " + BASE + " failed"),
            null),
        passes(
            "WaitForParent: parent Ready",
            new WaitForParent(),
            view(pending).parent(base(Phase.Ready))),
        // WaitForCleanup
        new Row(
            "WaitForCleanup: a stale clone",
            new WaitForCleanup(),
            view(pending).stale("DataVolume " + name),
            Phase.Pending,
            "WaitingForCleanup",
            List.of(),
            Duration.ofSeconds(2)),
        passes("WaitForCleanup: nothing stale", new WaitForCleanup(), view(pending)),
        // Import
        new Row(
            "Import: no DataVolume",
            new Import(),
            view(base(null)),
            Phase.Importing,
            "Importing",
            List.of(
                "create DataVolume " + BASE,
                "event Importing: DataVolume " + BASE + " imports the base disk"),
            null),
        new Row(
            "Import: importing",
            new Import(),
            view(base(null)).dv(dataVolume(BASE, "ImportInProgress", 1)),
            Phase.Importing,
            "Importing",
            List.of(),
            null),
        new Row(
            "Import: failed",
            new Import(),
            view(base(null)).dv(dataVolume(BASE, "Failed", 1)),
            Phase.Failed,
            "ImportFailed",
            List.of("warning ImportFailed: DataVolume " + BASE + " failed"),
            null),
        passes(
            "Import: succeeded",
            new Import(),
            view(base(null)).dv(dataVolume(BASE, "Succeeded", 1))),
        // Clone
        new Row(
            "Clone: no clone",
            new Clone(),
            view(pending).parent(base(Phase.Ready)),
            Phase.Cloning,
            "Cloning",
            // No Normal event: the phase and the clone are in the status (issue 17, item 4).
            List.of("create DataVolume " + name),
            null),
        new Row(
            "Clone: cloning",
            new Clone(),
            view(pending).dv(dataVolume(name, "CloneInProgress", 1)),
            Phase.Cloning,
            "Cloning",
            List.of(),
            null),
        new Row(
            "Clone: failed, retried",
            new Clone(),
            view(pending).dv(dataVolume(name, "Failed", 1)),
            Phase.Pending,
            "CloneFailed",
            List.of(
                "delete DataVolume " + name,
                "delete PersistentVolumeClaim " + name,
                "count buildFailed fedora-40 CloneFailed",
                "warning CloneFailed: DataVolume "
                    + name
                    + " failed (attempt 1 of 3); retrying in 30s"),
            Duration.ofMillis(30_200)),
        passes("Clone: succeeded", new Clone(), view(pending).dv(dataVolume(name, "Succeeded", 1))),
        // Payload
        new Row(
            "Payload: missing",
            new Payload(),
            view(pending).parent(base(Phase.Ready)).noPayload(),
            Phase.Cloning,
            "WaitingForPayload",
            List.of(),
            Duration.ofSeconds(10)),
        passes("Payload: present", new Payload(), view(pending).parent(base(Phase.Ready))),
        // Inject
        new Row(
            "Inject: no Job",
            new Inject(),
            view(pending).parent(base(Phase.Ready)),
            Phase.Injecting,
            "Injecting",
            // No Normal event: the phase and the Job are in the status (issue 17, item 4).
            List.of("create ConfigMap " + name + "-script", "create Job " + name + "-inject-1"),
            null),
        new Row(
            "Inject: no Job, its script in the payload ConfigMap written at planning",
            new Inject(),
            view(pending).parent(base(Phase.Ready)).script(name + "-payload"),
            Phase.Injecting,
            "Injecting",
            List.of("create Job " + name + "-inject-1"),
            null),
        new Row(
            "Inject: running",
            new Inject(),
            view(pending).parent(base(Phase.Ready)).job(job(null)),
            Phase.Injecting,
            "Injecting",
            List.of(),
            null),
        new Row(
            "Inject: failed",
            new Inject(),
            view(pending).parent(base(Phase.Ready)).job(job("Failed")),
            Phase.Pending,
            "InjectionFailed",
            List.of(
                "delete DataVolume " + name,
                "delete PersistentVolumeClaim " + name,
                "count buildFailed fedora-40 InjectionFailed",
                "warning InjectionFailed: Job "
                    + name
                    + "-inject-1 failed: BackoffLimitExceeded (attempt 1 of 3); retrying in 30s"),
            Duration.ofMillis(30_200)),
        passes(
            "Inject: complete",
            new Inject(),
            view(pending).parent(base(Phase.Ready)).job(job("Complete"))),
        // Inject, the Job shared with other builds
        new Row(
            "Inject: gathering builds to share a Job",
            new Inject(),
            view(pending)
                .parent(base(Phase.Ready))
                .grouping(
                    placed(
                        new InjectionGroups.Wait("gathering", Duration.ofSeconds(1)), List.of())),
            Phase.Injecting,
            "WaitingForGroup",
            List.of(),
            Duration.ofSeconds(1)),
        new Row(
            "Inject: creates the shared Job",
            new Inject(),
            view(pending)
                .parent(base(Phase.Ready))
                .grouping(
                    placed(
                        new InjectionGroups.Create(
                            new InjectionGroups.Group(
                                "inject-group-x",
                                new java.util.TreeMap<>(java.util.Map.of(name, 1, "other", 1)),
                                name,
                                BuildFixtures.NOW)),
                        List.of())),
            Phase.Injecting,
            "Injecting",
            List.of("create ConfigMap inject-group-x", "create Job inject-group-x"),
            null),
        new Row(
            "Inject: shared, running",
            new Inject(),
            view(pending).parent(base(Phase.Ready)).job(job(null)).grouping(shared(null)),
            Phase.Injecting,
            "Injecting",
            List.of(),
            null),
        passes(
            "Inject: shared, its disk built",
            new Inject(),
            view(pending)
                .parent(base(Phase.Ready))
                .job(job("Complete"))
                .grouping(
                    shared(
                        dev.graft.inject.DiskResult.done(
                            new dev.graft.inject.InjectionReport(10, 1, 0, 20, 15))))),
        new Row(
            "Inject: shared, its disk failed in a Job that succeeded",
            new Inject(),
            view(pending)
                .parent(base(Phase.Ready))
                .job(job("Complete"))
                .grouping(shared(dev.graft.inject.DiskResult.failed("no room left on /"))),
            Phase.Pending,
            "InjectionFailed",
            List.of(
                "delete DataVolume " + name,
                "delete PersistentVolumeClaim " + name,
                "count buildFailed fedora-40 InjectionFailed",
                "warning InjectionFailed: Job job (disk 1) failed: no room left on / (attempt 1"
                    + " of 3); retrying in 30s"),
            Duration.ofMillis(30_200)),
        new Row(
            "Inject: shared, the Job succeeded without a result for its disk",
            new Inject(),
            view(pending).parent(base(Phase.Ready)).job(job("Complete")).grouping(shared(null)),
            Phase.Pending,
            "InjectionFailed",
            List.of(
                "delete DataVolume " + name,
                "delete PersistentVolumeClaim " + name,
                "count buildFailed fedora-40 InjectionFailed",
                "warning InjectionFailed: Job job (disk 1) failed: its pod gave no result for"
                    + " disk 1 (attempt 1 of 3); retrying in 30s"),
            Duration.ofMillis(30_200)),
        new Row(
            "Inject: shared, the whole Job failed",
            new Inject(),
            view(pending).parent(base(Phase.Ready)).job(job("Failed")).grouping(shared(null)),
            Phase.Pending,
            "InjectionFailed",
            List.of(
                "delete DataVolume " + name,
                "delete PersistentVolumeClaim " + name,
                "count buildFailed fedora-40 InjectionFailed",
                "warning InjectionFailed: Job job (disk 1) failed: BackoffLimitExceeded (attempt"
                    + " 1 of 3); retrying in 30s"),
            Duration.ofMillis(30_200)));
  }

  private static BuildView.Grouping placed(
      InjectionGroups.Placement p, List<dev.graft.build.InjectionJobs.Disk> disks) {
    return new BuildView.Grouping(() -> new BuildView.Placed(p, disks), false, 0, null);
  }

  /** The view's Job is shared, this image's disk the second of it. */
  private static BuildView.Grouping shared(dev.graft.inject.DiskResult result) {
    return new BuildView.Grouping(() -> null, true, 1, result);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void phase(Row row) {
    BuildView view = row.view().build();
    GoldenImage.Status status =
        view.image().getStatus() == null ? new GoldenImage.Status() : view.image().getStatus();
    Optional<Decision> d = row.phase().decide(view, status);
    if (row.phaseAfter() == null) {
      assertThat(d).as(row.name()).isEmpty();
      return;
    }
    assertThat(d).as(row.name()).isPresent();
    assertThat(d.get().state().phase()).as(row.name()).isEqualTo(row.phaseAfter());
    assertThat(d.get().state().reason()).as(row.name()).isEqualTo(row.reason());
    assertThat(d.get().described()).as(row.name()).isEqualTo(row.actions());
    assertThat(d.get().recheck()).as(row.name()).isEqualTo(row.recheck());
  }

  @org.junit.jupiter.api.Test
  void theCloneMethodAndFallbackReasonComeFromTheClonesPvc() {
    GoldenImage gi = child(null, "/etc/a");
    String name = gi.getMetadata().getName();
    GoldenImage.Status status = new GoldenImage.Status();
    var dv = dataVolume(name, "Succeeded", 1);
    // CDI writes nothing of the kind on the DataVolume: nothing is read from it.
    dv.getMetadata()
        .setAnnotations(
            new java.util.HashMap<>(
                java.util.Map.of("cdi.kubevirt.io/cloneFallbackReason", "on the DataVolume")));
    new Clone().decide(view(gi).dv(dv).build(), status);
    assertThat(status.cloneFallbackReason).isNull();
    new Clone()
        .decide(
            view(gi)
                .dv(dv)
                .claim(
                    java.util.Map.of(
                        "cdi.kubevirt.io/cloneType",
                        "copy",
                        "cdi.kubevirt.io/cloneFallbackReason",
                        "The volume modes of source and target are incompatible"))
                .build(),
            status);
    assertThat(status.cloneMethod).isEqualTo("copy");
    assertThat(status.cloneFallbackReason)
        .isEqualTo("The volume modes of source and target are incompatible");
  }

  /**
   * Issue 17, item 4: a build's start of its clone and of its Job records no Normal event; what
   * those events said (the clone of the parent, the attempt, the Job and the files it adds and
   * removes) is in the status the same reconcile writes.
   */
  @org.junit.jupiter.api.Test
  void theStatusSaysWhatTheCloningAndInjectingEventsSaid() {
    GoldenImage gi = child(null, "/etc/a");
    String name = gi.getMetadata().getName();
    GoldenImage.Status status = new GoldenImage.Status();
    BuildView view = view(gi).parent(base(Phase.Ready)).build();
    new WaitForParent().decide(view, status);
    Decision cloning = new Clone().decide(view, status).orElseThrow();
    assertThat(cloning.state().phase()).isEqualTo(Phase.Cloning);
    assertThat(cloning.state().message()).isEqualTo("cloning " + BASE + ": N/A");
    assertThat(cloning.described()).noneMatch(a -> a.startsWith("event"));
    assertThat(status.buildStartedAt).isNotNull();
    assertThat(Attempts.current(status)).isEqualTo(1);
    assertThat(status.filesAdded).isEqualTo(1);
    assertThat(status.filesRemoved).isZero();

    Decision injecting = new Inject().decide(view, status).orElseThrow();
    assertThat(injecting.state().phase()).isEqualTo(Phase.Injecting);
    assertThat(injecting.state().message()).isEqualTo("Job " + name + "-inject-1 running");
    assertThat(injecting.described()).noneMatch(a -> a.startsWith("event"));
  }

  /** The Job reads its script from the ConfigMap that holds it: the payload, else its own. */
  @org.junit.jupiter.api.Test
  void theJobReadsItsScriptWhereItIs() {
    GoldenImage gi = child(null, "/etc/a");
    String name = gi.getMetadata().getName();
    for (String holder : new String[] {name + "-payload", null}) {
      Decision d =
          new Inject()
              .decide(
                  view(gi).parent(base(Phase.Ready)).script(holder).build(),
                  new GoldenImage.Status())
              .orElseThrow();
      io.fabric8.kubernetes.api.model.HasMetadata job =
          d.actions().stream()
              .filter(a -> a instanceof dev.graft.controller.flow.Action.Create)
              .map(a -> ((dev.graft.controller.flow.Action.Create) a).object())
              .filter(o -> o.getMetadata().getName().endsWith("-inject-1"))
              .findFirst()
              .orElseThrow();
      assertThat(job.getMetadata().getAnnotations())
          .containsEntry("script", holder == null ? name + "-script" : holder);
    }
  }
}
