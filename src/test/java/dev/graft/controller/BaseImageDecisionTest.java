package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The BaseImage decide step from a table: no server. */
class BaseImageDecisionTest {
  private static final String IMAGE = BaseImageReconciler.imageName("fedora-40");

  record Row(
      String name,
      BaseImage bi,
      GoldenImage image,
      Phase phase,
      String reason,
      List<String> actions) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    BaseImage twoSources = baseImage();
    twoSources.getSpec().source.registry = new ImageSource.Url("docker://example/fedora");
    return Stream.of(
        new Row(
            "two sources",
            twoSources,
            null,
            Phase.Failed,
            "InvalidSource",
            List.of(
                "warning InvalidSource: spec.source: exactly one of source.http, source.registry,"
                    + " source.pvc, source.snapshot, sourceRef is required, got 2")),
        new Row(
            "no image yet: created",
            baseImage(),
            null,
            Phase.Importing,
            "Importing",
            List.of(
                "create GoldenImage " + IMAGE,
                "event ImageCreated: GoldenImage catalog/" + IMAGE + " imports the base disk",
                "event Importing: image " + IMAGE + " is importing")),
        new Row(
            "the image of another BaseImage",
            baseImage(),
            image("other/fedora", Phase.Ready),
            Phase.Failed,
            "DuplicateOs",
            List.of(
                "warning DuplicateOs: spec.os: BaseImage other/fedora already provides os"
                    + " fedora-40")),
        new Row(
            "its image Ready",
            baseImage(),
            image("ns/fedora", Phase.Ready),
            Phase.Ready,
            "Ready",
            List.of("event Ready: image " + IMAGE + " is ready")),
        new Row(
            "its image failed",
            baseImage(),
            image("ns/fedora", Phase.Failed),
            Phase.Failed,
            "ImportFailed",
            List.of("warning ImportFailed: image " + IMAGE + " failed to import")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    BaseImage.Status status = new BaseImage.Status();
    Decision d = BaseImageReconciler.decide(row.bi(), status, "catalog", row.image());
    assertThat(d.state().phase()).isEqualTo(row.phase());
    assertThat(d.state().reason()).isEqualTo(row.reason());
    assertThat(d.described()).isEqualTo(row.actions());
    if (row.image() == null && row.phase() == Phase.Importing) {
      assertThat(d.recheck()).isEqualTo(Duration.ofSeconds(5));
    }
  }

  record ViewRow(
      String name,
      String owner,
      GoldenImage image,
      List<String> refused,
      String reason,
      List<String> actions) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<ViewRow> viewRows() {
    return Stream.of(
        new ViewRow(
            "an older BaseImage owns the os: this one waits, whatever came first",
            "aaa/fedora",
            null,
            List.of(),
            "DuplicateOs",
            List.of(
                "warning DuplicateOs: spec.os: BaseImage aaa/fedora already provides os"
                    + " fedora-40")),
        new ViewRow(
            "the oldest, but a younger one imported first: its image is replaced",
            "ns/fedora",
            image("zzz/fedora", Phase.Ready),
            List.of(),
            "Superseding",
            List.of(
                "delete GoldenImage " + IMAGE,
                "event Superseding: image "
                    + IMAGE
                    + " was imported for zzz/fedora; replacing it")),
        new ViewRow(
            "a source in another namespace its ServiceAccount may not clone from",
            "ns/fedora",
            null,
            List.of("team-b"),
            "SourceNotPermitted",
            List.of(
                "warning SourceNotPermitted: spec.serviceAccountName: ServiceAccount ns/default"
                    + " may not create datavolumes/source in namespace team-b, so it may not"
                    + " clone from there")),
        new ViewRow(
            "a source in another namespace it may clone from",
            "ns/fedora",
            null,
            List.of(),
            "Importing",
            List.of(
                "create GoldenImage " + IMAGE,
                "event ImageCreated: GoldenImage catalog/" + IMAGE + " imports the base disk",
                "event Importing: image " + IMAGE + " is importing")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("viewRows")
  void decidesFromTheView(ViewRow row) {
    BaseImage bi = baseImage();
    bi.getSpec().source.http = null;
    bi.getSpec().source.pvc = new ImageSource.PvcRef("team-b", "disk");
    var view = new BaseImageDecision.View(bi, "catalog", row.image(), row.owner(), row.refused());
    Decision d = BaseImageReconciler.decide(view, bi, new BaseImage.Status());
    assertThat(d.state().reason()).isEqualTo(row.reason());
    assertThat(d.described()).isEqualTo(row.actions());
    assertThat(d.actions()).noneMatch(a -> a instanceof Action.Create && !row.refused().isEmpty());
  }

  @Test
  void aSourceWithoutNamespaceIsInTheBaseImagesNamespaceNotTheCatalogs() {
    BaseImage bi = baseImage();
    bi.getSpec().source.http = null;
    bi.getSpec().source.pvc = new ImageSource.PvcRef(null, "disk");
    GoldenImage gi = BaseImageReconciler.baseImage(bi, "catalog");
    assertThat(gi.getMetadata().getNamespace()).isEqualTo("catalog");
    assertThat(gi.getSpec().source.pvc.namespace).isEqualTo("ns");
    assertThat(bi.getSpec().source.pvc.namespace).as("the user's spec is left alone").isNull();
  }

  @Test
  void theOldestClaimantWinsByCreationTimeThenUid() {
    BaseImage a = baseImage();
    a.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    a.getMetadata().setUid("b");
    BaseImage b = baseImage();
    b.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
    b.getMetadata().setUid("a");
    BaseImage c = baseImage();
    c.getMetadata().setCreationTimestamp("2025-12-31T23:59:59Z");
    c.getMetadata().setUid("z");
    assertThat(Stream.of(a, b, c).min(BaseImageReconciler.OLDEST_FIRST)).contains(c);
    assertThat(Stream.of(a, b).min(BaseImageReconciler.OLDEST_FIRST)).contains(b);
    assertThat(Stream.of(b, a).min(BaseImageReconciler.OLDEST_FIRST)).contains(b);
  }

  private static BaseImage baseImage() {
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName("fedora");
    bi.getMetadata().setNamespace("ns");
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = "fedora-40";
    bi.getSpec().source = new ImageSource();
    bi.getSpec().source.http = new ImageSource.Url("https://images.example.org/fedora.qcow2");
    return bi;
  }

  private static GoldenImage image(String owner, Phase phase) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(IMAGE);
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().baseImage = owner;
    gi.setStatus(new GoldenImage.Status());
    gi.getStatus().phase = phase;
    return gi;
  }
}
