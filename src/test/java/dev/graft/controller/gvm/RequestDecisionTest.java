package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSpec;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.api.VirtualMachineTemplate;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.UsageLedger;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.StatusCopies;
import dev.graft.kubevirt.StorageDefaults;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.kubevirt.VirtualMachines;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The decide step of a GraftedVirtualMachine from a table of views. Plain JUnit, no server. */
class RequestDecisionTest {
  private static final String NS = "team";
  private static final GraftedVirtualMachine GVM = gvm();
  private static final Manifest MANIFEST = manifest(GVM);
  private static final String IMAGE = MANIFEST.imageName();
  private static final String BASE = Manifest.baseImageName("fedora-40");

  /** The plan that goes with a view of a row, when its request was planned. */
  private static final Map<RequestView, RequestView.Plan> PLANS = new java.util.IdentityHashMap<>();

  record Row(
      String name,
      UnaryOperator<RequestView> view,
      Phase phase,
      String reason,
      List<String> actions,
      Duration recheck) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row(
            "invalid files: Failed, one warning",
            v ->
                with(
                    v,
                    null,
                    new ResolutionException("InvalidPath", "spec.files[0].path: bad"),
                    null,
                    base(),
                    null),
            Phase.Failed,
            "InvalidPath",
            List.of("warning InvalidPath: spec.files[0].path: bad"),
            null),
        new Row(
            "no base image for the os",
            v -> with(v, MANIFEST, null, null, null, null),
            Phase.Pending,
            "NoBaseImage",
            List.of(
                "warning NoBaseImage: spec.os: no BaseImage provides os \"fedora-40\" in namespace team"),
            null),
        new Row(
            "inside the batch window: wait for neighbours",
            v -> batching(with(v, MANIFEST, null, null, base(), null)),
            Phase.Planning,
            "Batching",
            // A step on the way: in the status, no Event (only problems and Ready have one).
            List.of(),
            Duration.ofSeconds(1)),
        new Row(
            "planned: the image and a Planned event, then Building",
            v -> planned(with(v, MANIFEST, null, null, base(), null), IMAGE),
            Phase.Building,
            "Building",
            List.of(
                "create GoldenImage " + IMAGE,
                "event Planned: image "
                    + IMAGE
                    + " from "
                    + BASE
                    + ": +1 -0 files, cost 1.50 (optimal)",
                "count cacheMiss fedora-40"),
            // An image that turns Ready before this status reaches the cache is not missed.
            RequestDecision.FIRST_WAIT_RECHECK),
        new Row(
            "planned by another reconcile: wait for the image",
            v -> planned(with(v, MANIFEST, null, null, base(), null), "fedora-40-other"),
            Phase.Planning,
            "Planning",
            List.of(
                "create GoldenImage fedora-40-other",
                "event Planned: image fedora-40-other from "
                    + BASE
                    + ": +1 -0 files, cost 1.50 (optimal)"),
            null),
        new Row(
            "image being deleted",
            v -> with(v, MANIFEST, null, deleting(image(Phase.Ready)), base(), null),
            Phase.Planning,
            "ImageDeleting",
            List.of(),
            null),
        new Row(
            "image failed",
            v -> with(v, MANIFEST, null, image(Phase.Failed), base(), null),
            Phase.Failed,
            "ImageFailed",
            List.of("count cacheMiss fedora-40", "warning ImageFailed: image " + IMAGE + " failed"),
            null),
        new Row(
            "Ready image, no VM: the VM, a hit told to the ledger, Provisioning",
            v -> with(v, MANIFEST, null, image(Phase.Ready), base(), null),
            Phase.Pending,
            "Provisioning",
            List.of(
                "count cacheHit fedora-40",
                "create VirtualMachine web",
                // No event: the status says the VM was created (issue 17, item 4).
                "tell use " + IMAGE + " (hit)"),
            null),
        new Row(
            "Ready image built for it, no VM: the VM; the image's Ready patch recorded the use",
            v -> with(v, MANIFEST, null, builtFor(image(Phase.Ready), true), base(), null),
            Phase.Pending,
            "Provisioning",
            List.of("count cacheMiss fedora-40", "create VirtualMachine web"),
            null),
        new Row(
            "Ready image built for it without a last use: the use told to the ledger",
            v -> with(v, MANIFEST, null, builtFor(image(Phase.Ready), false), base(), null),
            Phase.Pending,
            "Provisioning",
            List.of("count cacheMiss fedora-40", "create VirtualMachine web", "tell use " + IMAGE),
            null),
        new Row(
            "a VM of the same name not ours",
            v -> with(v, MANIFEST, null, image(Phase.Ready), base(), foreignVm()),
            Phase.Failed,
            "VirtualMachineConflict",
            List.of(
                "count cacheHit fedora-40",
                "warning VirtualMachineConflict: VirtualMachine web exists and is not managed by this resource"),
            null),
        new Row(
            "our VM running and ready on the image: Ready",
            v -> with(v, MANIFEST, null, image(Phase.Ready), base(), ourVm(IMAGE, "Running", true)),
            Phase.Ready,
            "Running",
            List.of(
                "count cacheHit fedora-40",
                "event Running: VirtualMachine web is Running, clones image " + IMAGE),
            null),
        new Row(
            "our VM running, guest not ready: Progressing",
            v ->
                with(v, MANIFEST, null, image(Phase.Ready), base(), ourVm(IMAGE, "Running", false)),
            Phase.Pending,
            "GuestNotReady",
            List.of("count cacheHit fedora-40"),
            null),
        new Row(
            "our VM starting: Progressing with KubeVirt's state",
            v ->
                with(
                    v, MANIFEST, null, image(Phase.Ready), base(), ourVm(IMAGE, "Starting", false)),
            Phase.Pending,
            "Starting",
            // KubeVirt's step: in the status, not an Event of the request (its VM has them).
            List.of("count cacheHit fedora-40"),
            null),
        new Row(
            "our VM unschedulable: Degraded with KubeVirt's reason and message",
            v ->
                with(
                    v,
                    MANIFEST,
                    null,
                    image(Phase.Ready),
                    base(),
                    unschedulable(ourVm(IMAGE, "ErrorUnschedulable", false))),
            Phase.Pending,
            "ErrorUnschedulable",
            List.of(
                "count cacheHit fedora-40",
                "warning ErrorUnschedulable: VirtualMachine web is ErrorUnschedulable: Unschedulable: 0/3 nodes are available: 3 Insufficient memory."),
            null),
        new Row(
            "a Halted VM that is Stopped: Ready",
            v ->
                halted(
                    with(
                        v,
                        MANIFEST,
                        null,
                        image(Phase.Ready),
                        base(),
                        ourVm(HALTED, IMAGE, "Stopped", false))),
            Phase.Ready,
            "Stopped",
            List.of(
                "count cacheHit fedora-40",
                "event Stopped: VirtualMachine web is Stopped, clones image " + IMAGE),
            null),
        new Row(
            "our stopped VM on an older image: patched to the new root disk",
            v ->
                halted(
                    with(
                        v,
                        MANIFEST,
                        null,
                        image(Phase.Ready),
                        base(),
                        ourVm(HALTED, "fedora-40-old", "Stopped", false))),
            Phase.Ready,
            "Stopped",
            List.of(
                "count cacheHit fedora-40",
                "patch VirtualMachine web",
                "tell use " + IMAGE + " (hit)",
                "event VirtualMachineUpdated: VirtualMachine now clones image " + IMAGE,
                "event Stopped: VirtualMachine web is Stopped, clones image " + IMAGE),
            null),
        new Row(
            "our running VM on an older image: patched, RestartRequired, not Ready",
            v ->
                with(
                    v,
                    MANIFEST,
                    null,
                    image(Phase.Ready),
                    base(),
                    ourVm("fedora-40-old", "Running", true)),
            Phase.Pending,
            "RestartRequired",
            List.of(
                "count cacheHit fedora-40",
                "patch VirtualMachine web",
                "tell use " + IMAGE + " (hit)",
                "count restartRequired fedora-40",
                "event RestartRequired: VirtualMachine runs image fedora-40-old; its root disk is image "
                    + IMAGE
                    + " from its next restart"),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    RequestView view = row.view().apply(null);
    GraftedVirtualMachine.Status status = new GraftedVirtualMachine.Status();
    Decision d =
        RequestDecision.decide(
            view, PLANS.getOrDefault(view, RequestView.Plan.NONE), status, new UsageLedger());
    assertThat(d.state().phase()).as(row.name()).isEqualTo(row.phase());
    assertThat(d.state().reason()).as(row.name()).isEqualTo(row.reason());
    assertThat(d.described()).as(row.name()).isEqualTo(row.actions());
    if (row.recheck() == null) {
      assertThat(d.recheck()).as(row.name()).isNull();
    } else {
      assertThat(d.recheck()).as(row.name()).isEqualTo(row.recheck());
    }
  }

  /**
   * Issue 17, item 4: a new request inside its batch window gets no status patch (it shows no
   * status for at most the window, which ArgoCD's health check reads as Progressing); its first
   * status is the one that follows. A request that has a status is written as before.
   */
  @Test
  void aNewRequestGetsNoStatusPatchForItsBatchWindow() {
    RequestView view = batching(with(null, MANIFEST, null, null, base(), null));
    GraftedVirtualMachine g = gvm();
    GraftedVirtualMachine.Status status = new GraftedVirtualMachine.Status();
    Decision d = RequestDecision.decide(view, RequestView.Plan.NONE, status, new UsageLedger());
    assertThat(d.state().reason()).isEqualTo("Batching");
    assertThat(dev.graft.controller.flow.Statuses.conclude(g, null, status, d)).isFalse();
    assertThat(d.recheck()).isEqualTo(Duration.ofSeconds(1));

    GraftedVirtualMachine.Status had = new GraftedVirtualMachine.Status();
    had.phase = Phase.Pending;
    GraftedVirtualMachine.Status next = new GraftedVirtualMachine.Status();
    Decision again = RequestDecision.decide(view, RequestView.Plan.NONE, next, new UsageLedger());
    assertThat(dev.graft.controller.flow.Statuses.conclude(g, had, next, again)).isTrue();
  }

  /**
   * Issue 17, item 4: the VM's creation records no Normal event (it was one per VM); the status the
   * same reconcile writes says it: Provisioning, the VM's name and the image it clones.
   */
  @Test
  void theVmsCreationIsInTheStatusNotAnEvent() {
    GraftedVirtualMachine.Status status = new GraftedVirtualMachine.Status();
    Decision d =
        RequestDecision.decide(
            with(null, MANIFEST, null, image(Phase.Ready), base(), null),
            RequestView.Plan.NONE,
            status,
            new UsageLedger());
    assertThat(d.described()).contains("create VirtualMachine web");
    assertThat(d.described()).noneMatch(a -> a.startsWith("event"));
    assertThat(d.state().reason()).isEqualTo("Provisioning");
    assertThat(d.state().message()).isEqualTo("VirtualMachine web created, cloning image " + IMAGE);
    assertThat(status.virtualMachine.name).isEqualTo("web");
    assertThat(status.image).isEqualTo(IMAGE);
  }

  @Test
  void aRequestAlreadyWaitingForItsImageIsWokenByTheImageAlone() {
    RequestView view = with(null, MANIFEST, null, image(Phase.Building), base(), null);
    GraftedVirtualMachine.Status status = new GraftedVirtualMachine.Status();
    status.image = IMAGE;
    status.imageNamespace = NS;
    Decision d = RequestDecision.decide(view, RequestView.Plan.NONE, status, new UsageLedger());
    assertThat(d.state().reason()).isEqualTo("Building");
    // The cache already names the image: its events find this request, no polling needed.
    assertThat(d.recheck()).isNull();
  }

  /**
   * KubeVirt's steps on the way up (Provisioning, Starting, WaitingForVolumeBinding) are not
   * written one by one: the status the VM's creation wrote stays (no status patch), with the right
   * phase and conditions, until the VM is Ready or something goes wrong, which is written at once.
   */
  @Test
  void kubeVirtsStepsOnTheWayUpKeepTheStatusTheVmsCreationWrote() {
    GraftedVirtualMachine g = gvm();
    GraftedVirtualMachine.Status created = new GraftedVirtualMachine.Status();
    Decision creation =
        RequestDecision.decide(view(g, null), RequestView.Plan.NONE, created, new UsageLedger());
    Conditions.apply(created, creation.state(), 1L);
    assertThat(created.phase).isEqualTo(Phase.Pending);
    assertThat(Conditions.get(created, Conditions.READY).getReason()).isEqualTo("Provisioning");
    g.setStatus(created);
    for (String step : List.of("Provisioning", "Starting", "WaitingForVolumeBinding")) {
      GraftedVirtualMachine.Status next = next(g, ourVm(g, IMAGE, step, false));
      assertThat(StatusCopies.same(created, next)).as(step + ": no status patch").isTrue();
      assertThat(Conditions.isTrue(next, Conditions.PROGRESSING)).as(step).isTrue();
    }
    GraftedVirtualMachine.Status unschedulable =
        next(g, unschedulable(ourVm(g, IMAGE, "ErrorUnschedulable", false)));
    assertThat(Conditions.get(unschedulable, Conditions.DEGRADED).getReason())
        .isEqualTo("ErrorUnschedulable");
    assertThat(unschedulable.virtualMachine.printableStatus).isEqualTo("ErrorUnschedulable");
    GraftedVirtualMachine.Status running = next(g, ourVm(g, IMAGE, "Running", true));
    assertThat(running.phase).isEqualTo(Phase.Ready);
    assertThat(running.virtualMachine.printableStatus).isEqualTo("Running");
    // A step after anything that is not a step on the way up (here: Ready) is written.
    g.setStatus(running);
    assertThat(next(g, ourVm(g, IMAGE, "Starting", false)).virtualMachine.printableStatus)
        .isEqualTo("Starting");
  }

  /**
   * updatePolicy Automatic: the restart waits until KubeVirt has observed the spec that names the
   * new root disk. Its DataVolumesReady from before spoke of the old disk; trusting it restarted
   * the VM onto a disk CDI had not filled yet.
   */
  @Test
  void anAutomaticRestartWaitsForKubeVirtToObserveTheNewRootDisk() {
    GraftedVirtualMachine g = gvm();
    g.getSpec().updatePolicy = GraftedVirtualMachine.UpdatePolicy.Automatic;
    String old = "fedora-40-0ld0ld0ld0";
    // Ready on the old image, then the new one is there: the VM's spec is moved onto it.
    g.setStatus(next(g, dataVolumesReady(ourVm(g, old, "Running", true))));
    GraftedVirtualMachine.Status moved = next(g, dataVolumesReady(ourVm(g, old, "Running", true)));
    assertThat(moved.virtualMachine.runningImage).isEqualTo(old);
    g.setStatus(moved);

    VirtualMachine unobserved = dataVolumesReady(ourVm(g, IMAGE, "Running", true));
    unobserved.getMetadata().setGeneration(2L); // the patch; KubeVirt still reports generation 1
    assertThat(decide(g, unobserved).described()).noneMatch(a -> a.startsWith("restart"));

    VirtualMachine observed = dataVolumesReady(ourVm(g, IMAGE, "Running", true));
    observed.getMetadata().setGeneration(2L);
    observed.getStatus().observedGeneration = 2L;
    VirtualMachine.Condition restartRequired = new VirtualMachine.Condition();
    restartRequired.type = "RestartRequired";
    restartRequired.status = "True";
    observed.getStatus().conditions =
        List.of(observed.getStatus().conditions.get(0), restartRequired);
    assertThat(decide(g, observed).described())
        .contains("restart VirtualMachine " + observed.getMetadata().getName());
  }

  private static Decision decide(GraftedVirtualMachine g, VirtualMachine vm) {
    GraftedVirtualMachine.Status status =
        StatusCopies.copy(g.getStatus(), GraftedVirtualMachine.Status.class);
    return RequestDecision.decide(view(g, vm), RequestView.Plan.NONE, status, new UsageLedger());
  }

  private static VirtualMachine dataVolumesReady(VirtualMachine vm) {
    VirtualMachine.Condition c = new VirtualMachine.Condition();
    c.type = "DataVolumesReady";
    c.status = "True";
    vm.getStatus().conditions = List.of(c);
    return vm;
  }

  /** The status one reconcile of {@code g} (with its status) concludes, for this VM. */
  private static GraftedVirtualMachine.Status next(GraftedVirtualMachine g, VirtualMachine vm) {
    GraftedVirtualMachine.Status status =
        StatusCopies.copy(g.getStatus(), GraftedVirtualMachine.Status.class);
    Decision d =
        RequestDecision.decide(view(g, vm), RequestView.Plan.NONE, status, new UsageLedger());
    Conditions.apply(status, d.state(), g.getMetadata().getGeneration());
    return status;
  }

  private static RequestView view(GraftedVirtualMachine g, VirtualMachine vm) {
    return new RequestView(
        g,
        NS,
        MANIFEST,
        null,
        image(Phase.Ready),
        base(),
        null,
        vm,
        Duration.ZERO,
        Duration.ofSeconds(2),
        StorageDefaults.NONE);
  }

  private static RequestView with(
      RequestView ignored,
      Manifest m,
      ResolutionException invalid,
      GoldenImage image,
      GoldenImage base,
      VirtualMachine vm) {
    return new RequestView(
        GVM,
        NS,
        m,
        invalid,
        image,
        base,
        null,
        vm,
        Duration.ZERO,
        Duration.ofSeconds(2),
        StorageDefaults.NONE);
  }

  private static RequestView batching(RequestView v) {
    return new RequestView(
        v.gvm(),
        NS,
        v.manifest(),
        null,
        null,
        v.base(),
        null,
        null,
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        StorageDefaults.NONE);
  }

  private static RequestView planned(RequestView v, String image) {
    Manifest m = image.equals(IMAGE) ? MANIFEST : other();
    var order =
        new CatalogPlanner.Order(
            image.equals(IMAGE) ? IMAGE : "fedora-40-other",
            m,
            BASE,
            List.of("/etc/motd"),
            List.of(),
            1.5,
            "optimal");
    PLANS.put(v, new RequestView.Plan(List.of(order), Map.of(), Map.of(BASE, v.base()), o -> {}));
    return v;
  }

  private static Manifest other() {
    GraftedVirtualMachine g = gvm();
    g.getSpec().files.set(0, FileSpec.inline("/etc/other", "x"));
    return manifest(g);
  }

  private static GraftedVirtualMachine gvm() {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setName("web");
    g.getMetadata().setNamespace(NS);
    g.getMetadata().setUid("uid-web");
    g.getMetadata().setGeneration(1L);
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    g.getSpec().files = new ArrayList<>(List.of(FileSpec.inline("/etc/motd", "hello")));
    g.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(1, "1Gi");
    return g;
  }

  private static Manifest manifest(GraftedVirtualMachine g) {
    try {
      return new FileResolver(1 << 20).resolve(g, FileResolver.STRUCTURAL);
    } catch (ResolutionException e) {
      throw new AssertionError(e);
    }
  }

  private static GoldenImage base() {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(BASE);
    gi.getMetadata().setNamespace(NS);
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().files = List.of();
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = Phase.Ready;
    return gi;
  }

  private static GoldenImage image(Phase phase) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(IMAGE);
    gi.getMetadata().setNamespace(NS);
    gi.getMetadata().setUid("uid-image");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().parent = BASE;
    gi.getSpec().files = MANIFEST.entries();
    gi.getSpec().manifestDigest = MANIFEST.digest();
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = phase;
    return gi;
  }

  /** An image planned for this request, Ready, with or without a last use (Register's). */
  private static GoldenImage builtFor(GoldenImage gi, boolean lastUse) {
    gi.getSpec().requestedBy = List.of(NS + "/web");
    gi.getStatus().lastUsed = lastUse ? "2026-11-30T12:00:00Z" : null;
    return gi;
  }

  private static GoldenImage deleting(GoldenImage gi) {
    gi.getMetadata().setDeletionTimestamp("2026-11-30T12:00:00Z");
    return gi;
  }

  private static VirtualMachine foreignVm() {
    VirtualMachine vm = VirtualMachines.desired(GVM, image(Phase.Ready), StorageDefaults.NONE);
    vm.getMetadata().setOwnerReferences(List.of());
    return vm;
  }

  private static final GraftedVirtualMachine HALTED = halted(gvm());

  private static GraftedVirtualMachine halted(GraftedVirtualMachine g) {
    g.getSpec().virtualMachineTemplate.spec.put("runStrategy", "Halted");
    return g;
  }

  private static RequestView halted(RequestView v) {
    return new RequestView(
        HALTED,
        v.catalogNamespace(),
        v.manifest(),
        v.invalid(),
        v.image(),
        v.base(),
        v.parent(),
        v.vm(),
        v.batchWait(),
        v.batchWindow(),
        v.storage());
  }

  private static VirtualMachine ourVm(String imageName, String printable, boolean ready) {
    return ourVm(GVM, imageName, printable, ready);
  }

  private static VirtualMachine ourVm(
      GraftedVirtualMachine g, String imageName, String printable, boolean ready) {
    GoldenImage old = image(Phase.Ready);
    old.getMetadata().setName(imageName);
    VirtualMachine vm = VirtualMachines.desired(g, old, StorageDefaults.NONE);
    vm.getMetadata()
        .setOwnerReferences(
            List.of(new OwnerReferenceBuilder().withUid("uid-web").withName("web").build()));
    vm.getMetadata().setGeneration(1L);
    vm.setStatus(new VirtualMachine.Status());
    vm.getStatus().printableStatus = printable;
    vm.getStatus().ready = ready;
    vm.getStatus().observedGeneration = 1L;
    return vm;
  }

  private static VirtualMachine unschedulable(VirtualMachine vm) {
    VirtualMachine.Condition c = new VirtualMachine.Condition();
    c.type = "PodScheduled";
    c.status = "False";
    c.reason = "Unschedulable";
    c.message = "0/3 nodes are available: 3 Insufficient memory.";
    vm.getStatus().conditions = List.of(c);
    return vm;
  }
}
