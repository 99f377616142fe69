package dev.graft.controller.base;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import dev.graft.api.SourceRef;
import dev.graft.build.Manifest;
import dev.graft.controller.base.SourceIdentity.DataSourceRead;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions;
import dev.graft.kubevirt.DataSource;
import dev.graft.kubevirt.DataVolume;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Base generation identities of PVC, VolumeSnapshot, DataSource and registry sources (issue 14):
 * the uid of the PVC or snapshot is the identity (recreated under the same name: a new generation),
 * its resourceVersion is only recorded; a DataSource on a snapshot is followed; what cannot be
 * followed is refused naming the field and value.
 */
class SourceIdentityTest {
  private static final String GEN2 = Manifest.baseImageName("fedora-40", 2);

  /** The PVCs and snapshots the "API server" holds: kind/ns/name to (uid, resourceVersion). */
  private final Map<String, SourceObject> objects = new HashMap<>();

  private final SourceObjects lookup =
      (kind, ns, name) -> objects.getOrDefault(kind + "/" + ns + "/" + name, SourceObject.MISSING);

  @Test
  void aPvcRecreatedUnderTheSameNameIsANewGenerationANewResourceVersionIsNot() {
    BaseImage bi = pvcBaseImage("golden");
    objects.put("pvc/ns/golden", SourceObject.found("uid-1", "100"));
    SourceIdentity first = identity(bi, null);
    assertThat(first.identity()).isEqualTo("pvc ns/golden uid uid-1");
    assertThat(first.resourceVersion()).isEqualTo("100");
    assertThat(first.polled()).as("no watch on PVCs: the BaseImage looks again").isTrue();
    GoldenImage base1 = base(1, first.identity());

    // Only its metadata changed (CDI's lastUseTime annotation, a label): the same generation.
    objects.put("pvc/ns/golden", SourceObject.found("uid-1", "175"));
    Decision same = decide(bi, null, base1);
    assertThat(same.state().reason()).isEqualTo("Ready");
    assertThat(same.described()).noneMatch(a -> a.startsWith("create"));
    assertThat(same.recheck()).isEqualTo(BaseDecision.RECHECK);

    // Deleted and created again under the same name: a new disk, a new generation.
    objects.put("pvc/ns/golden", SourceObject.found("uid-2", "180"));
    BaseImage.Status status = new BaseImage.Status();
    Decision next = decide(bi, null, base1, status);
    assertThat(next.state().reason()).isEqualTo("NewGeneration");
    GoldenImage created = created(next);
    assertThat(created.getMetadata().getName()).isEqualTo(GEN2);
    assertThat(created.getSpec().sourceIdentity).isEqualTo("pvc ns/golden uid uid-2");
    assertThat(created.getMetadata().getAnnotations())
        .containsEntry(BaseDecision.SOURCE_RESOURCE_VERSION, "180");
    assertThat(status.baseGeneration).isEqualTo(2);
  }

  @Test
  void aMissingPvcIsWaitedForAndAnUnreadableOneRefusedNamingTheField() {
    BaseImage bi = pvcBaseImage("golden");
    SourceIdentity missing = identity(bi, null);
    assertThat(missing.identity()).isNull();
    assertThat(missing.waiting()).isEqualTo("PVC ns/golden not found");
    // The first generation still imports (CDI waits for the PVC as well).
    assertThat(decide(bi, null).state().reason()).isEqualTo("Importing");

    objects.put("pvc/ns/golden", SourceObject.refused("the operator may not get it (forbidden)"));
    Decision refused = decide(bi, null, base(1, "pvc ns/golden uid uid-1"));
    assertThat(refused.state().phase()).isEqualTo(Phase.Failed);
    assertThat(refused.state().reason()).isEqualTo("SourceUnusable");
    assertThat(refused.state().message())
        .isEqualTo("spec.source.pvc PVC ns/golden: the operator may not get it (forbidden)");
    assertThat(refused.described()).noneMatch(a -> a.startsWith("create"));
  }

  @Test
  void aDataSourceMovedToAPvcRecreatedUnderTheSameNameIsANewGeneration() {
    BaseImage bi = dataSourceBaseImage();
    objects.put("pvc/os-images/fedora-3f1a2b", SourceObject.found("uid-1", "7"));
    DataSource ds = dataSource(s -> s.pvc = new DataVolume.Pvc("os-images", "fedora-3f1a2b"));
    String first = identity(bi, ds).identity();
    assertThat(first)
        .isEqualTo("datasource os-images/fedora -> pvc os-images/fedora-3f1a2b uid uid-1");
    objects.put("pvc/os-images/fedora-3f1a2b", SourceObject.found("uid-9", "12"));
    Decision d = decide(bi, ds, base(1, first));
    assertThat(d.state().reason()).isEqualTo("NewGeneration");
    GoldenImage created = created(d);
    assertThat(created.getSpec().source.pvc.name).isEqualTo("fedora-3f1a2b");
    assertThat(created.getSpec().source.pvc.namespace).isEqualTo("os-images");
  }

  @Test
  void aDataSourceOnAVolumeSnapshotIsFollowedAndTheNewGenerationRestoresTheSnapshot() {
    BaseImage bi = dataSourceBaseImage();
    objects.put("pvc/os-images/fedora-3f1a2b", SourceObject.found("uid-1", "7"));
    String before =
        identity(bi, dataSource(s -> s.pvc = new DataVolume.Pvc("os-images", "fedora-3f1a2b")))
            .identity();
    // The StorageProfile prefers snapshots: the cron's next import is a VolumeSnapshot.
    objects.put("snapshot/os-images/fedora-9c8d7e", SourceObject.found("snap-1", "3"));
    DataSource ds = dataSource(s -> s.snapshot = new DataVolume.Pvc("os-images", "fedora-9c8d7e"));
    assertThat(identity(bi, ds).identity())
        .isEqualTo("datasource os-images/fedora -> snapshot os-images/fedora-9c8d7e uid snap-1");
    Decision d = decide(bi, ds, base(1, before));
    assertThat(d.state().reason()).isEqualTo("NewGeneration");
    GoldenImage created = created(d);
    assertThat(created.getSpec().source.pvc).isNull();
    assertThat(created.getSpec().source.snapshot.name).isEqualTo("fedora-9c8d7e");
    // ... and its DataVolume restores that snapshot (CDI's source.snapshot).
    DataVolume dv = dev.graft.kubevirt.DataVolumes.importFor(created);
    assertThat(dv.getSpec().source.snapshot.namespace).isEqualTo("os-images");
    assertThat(dv.getSpec().source.snapshot.name).isEqualTo("fedora-9c8d7e");
    assertThat(dv.getSpec().sourceRef).isNull();
  }

  @Test
  void aDataSourceOnAnotherDataSourceOrUnreadableIsRefusedNamingTheFieldAndValue() {
    BaseImage bi = dataSourceBaseImage();
    DataSource chained = dataSource(s -> s.dataSource = new DataVolume.Pvc(null, "fedora-latest"));
    Decision d = decide(bi, chained, base(1, "datasource os-images/fedora -> pvc x/y uid u"));
    assertThat(d.state().reason()).isEqualTo("SourceUnusable");
    assertThat(d.state().message())
        .isEqualTo(
            "spec.sourceRef: DataSource os-images/fedora points at another DataSource"
                + " (os-images/fedora-latest in spec.source.dataSource), which Graft does not"
                + " follow: name that one in sourceRef");

    // In a namespace the operator does not watch, and may not read there.
    SourceIdentity unreadable =
        SourceIdentity.of(
            bi.getSpec(),
            "os-images",
            new DataSourceRead(null, true, "the operator may not get datasources (forbidden)"),
            lookup);
    assertThat(unreadable.refusal())
        .isEqualTo(
            "spec.sourceRef: DataSource os-images/fedora: the operator may not get datasources"
                + " (forbidden)");
    BaseImage.Status status = new BaseImage.Status();
    BaseView view = new BaseView(bi, "catalog", unreadable, List.of(), 0);
    assertThat(BaseDecision.imports(view, status)).as("no import from a refused source").isFalse();
    Decision refused = BaseDecision.decide(view, status);
    assertThat(refused.state().reason()).isEqualTo("SourceUnusable");
    assertThat(refused.described()).noneMatch(a -> a.startsWith("create"));

    // Read from the API server (unwatched namespace, but readable): polled for moves.
    objects.put("pvc/os-images/fedora-3f1a2b", SourceObject.found("uid-1", "7"));
    DataSource ds = dataSource(s -> s.pvc = new DataVolume.Pvc("os-images", "fedora-3f1a2b"));
    SourceIdentity polled =
        SourceIdentity.of(bi.getSpec(), "os-images", new DataSourceRead(ds, true, null), lookup);
    assertThat(polled.polled()).isTrue();
    assertThat(polled.identity()).endsWith("uid uid-1");
  }

  @Test
  void aRegistryTagIsOneGenerationPerUrlAndSaysSoADigestIsAGeneration() {
    BaseImage bi = pvcBaseImage("unused");
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.registry = new ImageSource.Url("docker://quay.io/containerdisks/fedora:40");
    BaseImage.Status status = new BaseImage.Status();
    Decision d =
        decide(bi, null, base(1, "registry docker://quay.io/containerdisks/fedora:40"), status);
    assertThat(d.state().reason()).isEqualTo("Ready");
    var pinned = Conditions.get(status, BaseDecision.SOURCE_PINNED);
    assertThat(pinned.getStatus()).isEqualTo("False");
    assertThat(pinned.getReason()).isEqualTo("MovingTag");
    assertThat(pinned.getMessage())
        .startsWith(
            "spec.source.registry.url: docker://quay.io/containerdisks/fedora:40 names a tag")
        .contains("DataImportCron", "sourceRef");

    bi.getSpec().source.registry.url =
        "docker://quay.io/containerdisks/fedora@sha256:" + "c".repeat(64);
    status = new BaseImage.Status();
    d = decide(bi, null, base(1, "registry docker://quay.io/containerdisks/fedora:40"), status);
    assertThat(d.state().reason()).isEqualTo("NewGeneration");
    assertThat(Conditions.get(status, BaseDecision.SOURCE_PINNED).getStatus()).isEqualTo("True");
    // An http source has no such condition.
    BaseImage http = pvcBaseImage("unused");
    http.getSpec().source = new ImageSource();
    http.getSpec().source.http = new ImageSource.Url("https://example.org/f.qcow2");
    status = new BaseImage.Status();
    decide(http, null, base(1, "http https://example.org/f.qcow2"), status);
    assertThat(Conditions.get(status, BaseDecision.SOURCE_PINNED)).isNull();
    assertThat(decide(http, null, base(1, "http https://example.org/f.qcow2")).recheck())
        .as("an http source sends its changes as events: no polling")
        .isNull();
  }

  private SourceIdentity identity(BaseImage bi, DataSource ds) {
    return SourceIdentity.of(bi.getSpec(), dsNamespace(bi), DataSourceRead.cached(ds), lookup);
  }

  private static String dsNamespace(BaseImage bi) {
    return bi.getSpec().sourceRef != null && bi.getSpec().sourceRef.namespace != null
        ? bi.getSpec().sourceRef.namespace
        : bi.getMetadata().getNamespace();
  }

  private Decision decide(BaseImage bi, DataSource ds, GoldenImage... bases) {
    return decide(bi, ds, List.of(bases), new BaseImage.Status());
  }

  private Decision decide(BaseImage bi, DataSource ds, GoldenImage base, BaseImage.Status status) {
    return decide(bi, ds, List.of(base), status);
  }

  private Decision decide(
      BaseImage bi, DataSource ds, List<GoldenImage> bases, BaseImage.Status status) {
    return BaseDecision.decide(new BaseView(bi, "catalog", identity(bi, ds), bases, 0), status);
  }

  private static GoldenImage created(Decision d) {
    return (GoldenImage)
        d.actions().stream()
            .filter(Action.Create.class::isInstance)
            .map(a -> ((Action.Create) a).object())
            .findFirst()
            .orElseThrow();
  }

  private static BaseImage pvcBaseImage(String pvc) {
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName("fedora");
    bi.getMetadata().setNamespace("ns");
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = "fedora-40";
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.pvc = new ImageSource.PvcRef(null, pvc);
    return bi;
  }

  private static BaseImage dataSourceBaseImage() {
    BaseImage bi = pvcBaseImage("unused");
    bi.getSpec().source = null;
    bi.getSpec().sourceRef = new SourceRef();
    bi.getSpec().sourceRef.namespace = "os-images";
    bi.getSpec().sourceRef.name = "fedora";
    return bi;
  }

  private static DataSource dataSource(java.util.function.Consumer<DataSource.Source> target) {
    DataSource ds = new DataSource();
    ds.getMetadata().setName("fedora");
    ds.getMetadata().setNamespace("os-images");
    ds.setSpec(new DataSource.Spec());
    ds.getSpec().source = new DataSource.Source();
    target.accept(ds.getSpec().source);
    return ds;
  }

  private static GoldenImage base(int generation, String identity) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(Manifest.baseImageName("fedora-40", generation));
    gi.getMetadata().setNamespace("catalog");
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().baseImage = "ns/fedora";
    gi.getSpec().baseGeneration = generation;
    gi.getSpec().sourceIdentity = identity;
    gi.getSpec().files = new ArrayList<>();
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = Phase.Ready;
    return gi;
  }
}
