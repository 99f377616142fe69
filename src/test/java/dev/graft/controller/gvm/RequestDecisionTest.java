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
            List.of("event Batching: waiting up to 2000ms for requests to batch"),
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
                "count cacheMiss fedora-40",
                "event Building: image " + IMAGE + " is Pending"),
            null),
        new Row(
            "planned by another reconcile: wait for the image",
            v -> planned(with(v, MANIFEST, null, null, base(), null), "fedora-40-other"),
            Phase.Planning,
            "Planning",
            List.of(
                "create GoldenImage fedora-40-other",
                "event Planned: image fedora-40-other from "
                    + BASE
                    + ": +1 -0 files, cost 1.50 (optimal)",
                "event Planning: planning " + IMAGE),
            null),
        new Row(
            "image being deleted",
            v -> with(v, MANIFEST, null, deleting(image(Phase.Ready)), base(), null),
            Phase.Planning,
            "ImageDeleting",
            List.of(
                "event ImageDeleting: image "
                    + IMAGE
                    + " is being deleted; planning again once it is gone"),
            null),
        new Row(
            "image failed",
            v -> with(v, MANIFEST, null, image(Phase.Failed), base(), null),
            Phase.Failed,
            "ImageFailed",
            List.of("count cacheMiss fedora-40", "warning ImageFailed: image " + IMAGE + " failed"),
            null),
        new Row(
            "Ready image, no VM: the VM, a hit told to the ledger",
            v -> with(v, MANIFEST, null, image(Phase.Ready), base(), null),
            Phase.Ready,
            "CacheHit",
            List.of(
                "count cacheHit fedora-40",
                "create VirtualMachine web",
                "event VirtualMachineCreated: VirtualMachine cloning image team/" + IMAGE,
                "tell use " + IMAGE + " (hit)",
                "event CacheHit: VirtualMachine web clones image " + IMAGE),
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
            "our VM on an older image: replaced",
            v -> with(v, MANIFEST, null, image(Phase.Ready), base(), ourVmOn("fedora-40-old")),
            Phase.Ready,
            "CacheHit",
            List.of(
                "count cacheHit fedora-40",
                "replace VirtualMachine web",
                "event VirtualMachineUpdated: VirtualMachine now clones image "
                    + IMAGE
                    + " (the root disk changes on re-creation)",
                "tell use " + IMAGE + " (hit)",
                "event CacheHit: VirtualMachine web clones image " + IMAGE),
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
    g.getSpec().virtualMachineTemplate = new VirtualMachineTemplate();
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

  private static GoldenImage deleting(GoldenImage gi) {
    gi.getMetadata().setDeletionTimestamp("2026-11-30T12:00:00Z");
    return gi;
  }

  private static VirtualMachine foreignVm() {
    VirtualMachine vm = VirtualMachines.desired(GVM, image(Phase.Ready), StorageDefaults.NONE);
    vm.getMetadata().setOwnerReferences(List.of());
    return vm;
  }

  private static VirtualMachine ourVmOn(String imageName) {
    GoldenImage old = image(Phase.Ready);
    old.getMetadata().setName(imageName);
    VirtualMachine vm = VirtualMachines.desired(GVM, old, StorageDefaults.NONE);
    vm.getMetadata()
        .setOwnerReferences(
            List.of(new OwnerReferenceBuilder().withUid("uid-web").withName("web").build()));
    return vm;
  }
}
