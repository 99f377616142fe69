package dev.graft.controller.base;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import dev.graft.api.SourceRef;
import dev.graft.build.Manifest;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.kubevirt.DataSource;
import dev.graft.kubevirt.DataVolume;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The BaseImage decide step over base generations, from a table: which source changes make a new
 * generation (and so a new base GoldenImage), which do not, and what the BaseImage then reports.
 */
class BaseDecisionTest {
  private static final String GEN1 = Manifest.baseImageName("fedora-40", 1);
  private static final String GEN2 = Manifest.baseImageName("fedora-40", 2);
  private static final String URL = "https://images.example.org/fedora-40.qcow2";

  /**
   * One row: the BaseImage's source now (applied to an http BaseImage), the DataSource (for a
   * sourceRef), the bases in the catalog, and what must follow.
   */
  record Row(
      String name,
      Consumer<BaseImage.Spec> source,
      DataSource dataSource,
      List<GoldenImage> bases,
      Phase phase,
      String reason,
      Integer generation,
      List<String> creates) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row(
            "same url: no new generation",
            s -> {},
            null,
            List.of(base(1, "http " + URL, Phase.Ready)),
            Phase.Ready,
            "Ready",
            1,
            List.of()),
        new Row(
            "a changed url is a new generation",
            s -> s.source.http.url = "https://images.example.org/fedora-40.1.qcow2",
            null,
            List.of(base(1, "http " + URL, Phase.Ready)),
            Phase.Importing,
            "NewGeneration",
            2,
            List.of("create GoldenImage " + GEN2)),
        new Row(
            "a checksum given for the same url is a new generation",
            s -> s.source.http.checksum = "sha256:" + "0".repeat(64),
            null,
            List.of(base(1, "http " + URL, Phase.Ready)),
            Phase.Importing,
            "NewGeneration",
            2,
            List.of("create GoldenImage " + GEN2)),
        new Row(
            "a changed registry digest is a new generation",
            s -> registry(s, "docker://quay.io/containerdisks/fedora@sha256:" + "b".repeat(64)),
            null,
            List.of(
                base(
                    1,
                    "registry docker://quay.io/containerdisks/fedora@sha256:" + "a".repeat(64),
                    Phase.Ready)),
            Phase.Importing,
            "NewGeneration",
            2,
            List.of("create GoldenImage " + GEN2)),
        new Row(
            "the same registry digest: no new generation",
            s -> registry(s, "docker://quay.io/containerdisks/fedora@sha256:" + "a".repeat(64)),
            null,
            List.of(
                base(
                    1,
                    "registry docker://quay.io/containerdisks/fedora@sha256:" + "a".repeat(64),
                    Phase.Ready)),
            Phase.Ready,
            "Ready",
            1,
            List.of()),
        new Row(
            "a DataSource moved to a new PVC is a new generation",
            BaseDecisionTest::dataSourceRef,
            dataSource("fedora-9c8d7e"),
            List.of(base(1, "datasource catalog/fedora -> pvc catalog/fedora-3f1a2b", Phase.Ready)),
            Phase.Importing,
            "NewGeneration",
            2,
            List.of("create GoldenImage " + GEN2)),
        new Row(
            "a DataSource that went away changes nothing",
            BaseDecisionTest::dataSourceRef,
            null,
            List.of(base(1, "datasource catalog/fedora -> pvc catalog/fedora-3f1a2b", Phase.Ready)),
            Phase.Ready,
            "Ready",
            1,
            List.of()),
        new Row(
            "a base made before generations adopts the identity it finds",
            s -> {},
            null,
            List.of(base(1, null, Phase.Ready)),
            Phase.Ready,
            "Ready",
            1,
            List.of()),
        new Row(
            "the newest generation's phase is the BaseImage's",
            s -> s.source.http.url = "https://images.example.org/fedora-40.1.qcow2",
            null,
            List.of(
                base(1, "http " + URL, Phase.Ready),
                base(2, "http https://images.example.org/fedora-40.1.qcow2", Phase.Importing)),
            Phase.Importing,
            "Importing",
            2,
            List.of()),
        new Row(
            "going back to the first url is a third generation",
            s -> {},
            null,
            List.of(
                base(1, "http " + URL, Phase.Ready),
                base(2, "http https://images.example.org/fedora-40.1.qcow2", Phase.Ready)),
            Phase.Importing,
            "NewGeneration",
            3,
            List.of("create GoldenImage " + Manifest.baseImageName("fedora-40", 3))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    BaseImage bi = baseImage();
    row.source().accept(bi.getSpec());
    BaseImage.Status status = new BaseImage.Status();
    BaseView view =
        new BaseView(
            bi,
            "catalog",
            SourceIdentity.of(bi.getSpec(), "catalog", row.dataSource()),
            row.bases(),
            4);
    Decision d = BaseDecision.decide(view, status);
    assertThat(d.state().phase()).isEqualTo(row.phase());
    assertThat(d.state().reason()).isEqualTo(row.reason());
    assertThat(status.baseGeneration).isEqualTo(row.generation());
    assertThat(status.outdatedImages).isEqualTo(4);
    assertThat(d.described().stream().filter(a -> a.startsWith("create")).toList())
        .isEqualTo(row.creates());
    if (!row.creates().isEmpty()) {
      GoldenImage created =
          (GoldenImage)
              d.actions().stream()
                  .filter(Action.Create.class::isInstance)
                  .map(a -> ((Action.Create) a).object())
                  .findFirst()
                  .orElseThrow();
      assertThat(created.getSpec().baseGeneration).isEqualTo(row.generation());
      assertThat(created.getSpec().sourceIdentity).isEqualTo(view.source().identity());
      assertThat(status.sourceIdentity).isEqualTo(view.source().identity());
      assertThat(created.getSpec().parent).isNull();
      if (row.dataSource() != null) {
        // The generation imports the PVC the DataSource pointed at, not the DataSource.
        assertThat(created.getSpec().source.pvc.name).isEqualTo("fedora-9c8d7e");
      }
    }
    if (row.name().startsWith("a base made before")) {
      assertThat(status.sourceIdentity).isEqualTo("http " + URL);
    }
  }

  @org.junit.jupiter.api.Test
  void anotherBaseImageOfTheSameOsInAnyGenerationIsADuplicate() {
    GoldenImage other = base(2, "http x", Phase.Ready);
    other.getSpec().baseImage = "other/fedora";
    BaseImage bi = baseImage();
    Decision d =
        BaseDecision.decide(
            new BaseView(
                bi,
                "catalog",
                SourceIdentity.of(bi.getSpec(), "catalog", null),
                List.of(base(1, "http " + URL, Phase.Ready), other),
                0),
            new BaseImage.Status());
    assertThat(d.state().reason()).isEqualTo("DuplicateOs");
  }

  private static void registry(BaseImage.Spec s, String url) {
    s.source.http = null;
    s.source.registry = new ImageSource.Url(url);
  }

  private static void dataSourceRef(BaseImage.Spec s) {
    s.source = null;
    s.sourceRef = new SourceRef();
    s.sourceRef.name = "fedora";
  }

  private static DataSource dataSource(String pvc) {
    DataSource ds = new DataSource();
    ds.getMetadata().setName("fedora");
    ds.getMetadata().setNamespace("catalog");
    ds.setSpec(new DataSource.Spec());
    ds.getSpec().source = new DataSource.Source();
    ds.getSpec().source.pvc = new DataVolume.Pvc("catalog", pvc);
    return ds;
  }

  private static BaseImage baseImage() {
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName("fedora");
    bi.getMetadata().setNamespace("ns");
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = "fedora-40";
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.http = new ImageSource.Url(URL);
    return bi;
  }

  private static GoldenImage base(int generation, String identity, Phase phase) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata()
        .setName(generation == 1 ? GEN1 : Manifest.baseImageName("fedora-40", generation));
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().baseImage = "ns/fedora";
    gi.getSpec().baseGeneration = generation;
    gi.getSpec().sourceIdentity = identity;
    gi.getSpec().files = new ArrayList<>();
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = phase;
    return gi;
  }
}
