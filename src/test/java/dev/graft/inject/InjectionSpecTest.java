package dev.graft.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InjectionSpecTest {

  @Test
  void readsTheSampleSpec() throws IOException {
    InjectionSpec spec =
        InjectionSpec.read(Files.readString(Path.of("config/cli/inject-spec.yaml")));
    assertThat(spec.files())
        .extracting(FileToInject::path)
        .containsExactly("/etc/motd", "/opt/app/bin/tool", "/home/app/.config/app/settings.yaml");
    assertThat(spec.files().get(1).mode()).isEqualTo("0755");
    assertThat(spec.files().get(1).owner()).isEqualTo("1000:1000");
    assertThat(((Payload.Inline) spec.files().get(1).payload()).bytes())
        .isEqualTo("#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8));
    assertThat(((Payload.Inline) spec.files().get(2).payload()).bytes())
        .isEqualTo("greeting: hello\n".getBytes(StandardCharsets.UTF_8));
    assertThat(spec.remove()).containsExactly("/etc/old.conf");
    InjectionScript script =
        InjectionScript.generate(spec.files(), spec.remove(), (i, f) -> "/p/" + i);
    assertThat(script.filesAdded()).isEqualTo(3);
    assertThat(script.filesRemoved()).isEqualTo(1);
  }

  @Test
  void acceptsMultiLineBase64AndEmptyLists() {
    InjectionSpec spec =
        InjectionSpec.read(
            "files:\n  - path: /a\n    contentBase64: |\n      aGVs\n      bG8=\nremove: []\n");
    assertThat(((Payload.Inline) spec.files().get(0).payload()).bytes())
        .isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
    assertThat(spec.remove()).isEmpty();
    assertThat(InjectionSpec.read("remove: [/x]").files()).isEmpty();
  }

  @Test
  void anEmptyDocumentIsBadInput() {
    assertThatThrownBy(() -> InjectionSpec.read(""))
        .isInstanceOf(InjectionInputException.class)
        .hasMessage("spec: is empty (expected files and/or remove)");
  }

  @Test
  void kvmModesParse() {
    assertThat(KvmMode.parse("f", "Never")).isEqualTo(KvmMode.NEVER);
    assertThat(KvmMode.parse("f", " auto ")).isEqualTo(KvmMode.AUTO);
    assertThat(KvmMode.ALWAYS).hasToString("always");
    assertThatThrownBy(() -> KvmMode.parse("graft.injector.kvm", "yes"))
        .hasMessage("graft.injector.kvm: must be auto, always or never, got \"yes\"");
  }

  @Test
  void resultLinesRoundTrip() {
    InjectionReport report = new InjectionReport(1234, 3, 2, 17.25, 15.5);
    String log = "graft: running guestfish\ngraft:launched\n" + report.toResultLine() + "\n";
    assertThat(report.toResultLine())
        .isEqualTo(
            "GRAFT-RESULT {\"bytesAdded\":1234,\"filesAdded\":3,\"filesRemoved\":2,"
                + "\"seconds\":17.250,\"launchSeconds\":15.500}");
    assertThat(InjectionReport.parse(log)).contains(report);
    assertThat(report.toMeasurement().seconds()).isEqualTo(17.25);
    assertThat(report.toMeasurement().bytesAdded()).isEqualTo(1234);
    for (String bad :
        List.of(
            "",
            "no result",
            "GRAFT-RESULT ",
            "GRAFT-RESULT {\"bytesAdded\":1}",
            "GRAFT-RESULT {not json",
            "GRAFT-RESULT [1,2]")) {
      assertThat(InjectionReport.parse(bad)).as(bad).isEmpty();
    }
    assertThat(InjectionReport.parse(null)).isEmpty();
  }
}
