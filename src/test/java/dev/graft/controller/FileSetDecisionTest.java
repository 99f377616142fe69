package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSet;
import dev.graft.api.FileSpec;
import dev.graft.api.Phase;
import dev.graft.build.FileResolver;
import dev.graft.controller.flow.Decision;
import dev.graft.k8s.Conditions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The FileSet decide step from a table: no server. */
class FileSetDecisionTest {
  record Row(String name, FileSet fs, Phase phase, String reason, List<String> actions) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    FileSet known = fileSet(FileSpec.inline("/etc/a b", "x"));
    FileSet.Status reported = new FileSet.Status();
    Conditions.apply(
        reported,
        Conditions.State.degraded(Phase.Failed, "InvalidPath", "spec.files[0].path: bad"),
        1L);
    known.setStatus(reported);
    return Stream.of(
        new Row(
            "valid files",
            fileSet(FileSpec.inline("/etc/motd", "hi")),
            Phase.Ready,
            "Valid",
            List.of()),
        new Row(
            "a bad path: Failed, one warning",
            fileSet(FileSpec.inline("/etc/a b", "x")),
            Phase.Failed,
            "InvalidPath",
            List.of(
                "warning InvalidPath: spec.files[0].path: \"/etc/a b\" contains characters outside [A-Za-z0-9._+@=:,/-]")),
        new Row(
            "the same problem again: no second event",
            known,
            Phase.Failed,
            "InvalidPath",
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    FileSet.Status status = new FileSet.Status();
    Decision d = FileSetReconciler.decide(row.fs(), status, new FileResolver(1 << 20));
    assertThat(d.state().phase()).isEqualTo(row.phase());
    assertThat(d.state().reason()).isEqualTo(row.reason());
    assertThat(d.described()).hasSameSizeAs(row.actions());
    for (int i = 0; i < row.actions().size(); i++) {
      assertThat(d.described().get(i)).startsWith(row.actions().get(i).substring(0, 20));
    }
  }

  private static FileSet fileSet(FileSpec... files) {
    FileSet fs = new FileSet();
    fs.getMetadata().setName("common");
    fs.getMetadata().setNamespace("ns");
    fs.setSpec(new FileSet.Spec());
    fs.getSpec().files = List.of(files);
    return fs;
  }
}
