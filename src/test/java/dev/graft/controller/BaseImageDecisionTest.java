package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.Phase;
import dev.graft.controller.flow.Decision;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
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
                    + " source.pvc, sourceRef is required, got 2")),
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
