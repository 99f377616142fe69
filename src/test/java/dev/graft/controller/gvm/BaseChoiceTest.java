package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.BaseImage.UpdatePolicy;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which base generation a request is built on, from a table. */
class BaseChoiceTest {
  record Row(
      String name,
      Integer pinned,
      UpdatePolicy policy,
      String imageNow,
      Integer generationNow,
      List<Integer> bases,
      Integer chosen) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row(
            "no base yet: generation 1, no base",
            null,
            UpdatePolicy.Rebuild,
            null,
            null,
            List.of(),
            1),
        new Row("Rebuild: the newest", null, UpdatePolicy.Rebuild, "img", 1, List.of(1, 2), 2),
        new Row(
            "Rebuild: a new request on the newest",
            null,
            UpdatePolicy.Rebuild,
            null,
            null,
            List.of(1, 2, 3),
            3),
        new Row(
            "Manual: stays on its image's generation",
            null,
            UpdatePolicy.Manual,
            "img",
            1,
            List.of(1, 2),
            1),
        new Row(
            "Manual: an image from before generations is generation 1",
            null,
            UpdatePolicy.Manual,
            "img",
            null,
            List.of(1, 2),
            1),
        new Row(
            "Manual: a new request on the newest",
            null,
            UpdatePolicy.Manual,
            null,
            null,
            List.of(1, 2),
            2),
        new Row(
            "Manual: its generation gone, the newest",
            null,
            UpdatePolicy.Manual,
            "img",
            1,
            List.of(2),
            2),
        new Row("pinned: stays under Rebuild", 1, UpdatePolicy.Rebuild, "img", 1, List.of(1, 2), 1),
        new Row(
            "pinned: moves forward when asked", 2, UpdatePolicy.Manual, "img", 1, List.of(1, 2), 2),
        new Row(
            "pinned to a missing generation: an error naming the field",
            5,
            UpdatePolicy.Rebuild,
            null,
            null,
            List.of(1, 2),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void chooses(Row row) throws Exception {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.setSpec(new GraftedVirtualMachine.Spec());
    gvm.getSpec().os = "fedora-40";
    gvm.getSpec().baseGeneration = row.pinned();
    if (row.imageNow() != null) {
      gvm.setStatus(new GraftedVirtualMachine.Status());
      gvm.getStatus().image = row.imageNow();
      gvm.getStatus().baseGeneration = row.generationNow();
    }
    List<GoldenImage> bases = row.bases().stream().map(BaseChoiceTest::base).toList();
    if (row.chosen() == null) {
      assertThatThrownBy(() -> BaseChoice.of(gvm, row.policy(), bases))
          .isInstanceOf(ResolutionException.class)
          .hasMessage(
              "spec.baseGeneration: os \"fedora-40\" has no usable base generation 5 (it has [1,"
                  + " 2])")
          .satisfies(
              e -> assertThat(((ResolutionException) e).reason()).isEqualTo("NoBaseGeneration"));
      return;
    }
    BaseChoice choice = BaseChoice.of(gvm, row.policy(), bases);
    assertThat(choice.generation()).isEqualTo(row.chosen());
    if (bases.isEmpty()) {
      assertThat(choice.base()).isNull();
    } else {
      assertThat(choice.base().getMetadata().getName())
          .isEqualTo(Manifest.baseImageName("fedora-40", row.chosen()));
    }
  }

  private static GoldenImage base(int generation) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(Manifest.baseImageName("fedora-40", generation));
    gi.setSpec(new GoldenImage.Spec());
    gi.getSpec().os = "fedora-40";
    gi.getSpec().baseGeneration = generation;
    return gi;
  }
}
