package dev.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad specs exit with status 2 and one line naming the field, before any appliance launch. */
class InjectCommandTest {

  @TempDir Path dir;
  Path disk;

  @BeforeEach
  void disk() throws IOException {
    // Never launched: every spec here must fail validation first.
    disk = Files.createFile(dir.resolve("disk.img"));
  }

  Cli inject(String spec) throws IOException {
    Path file = dir.resolve("spec.yaml");
    Files.writeString(file, spec);
    return Cli.run(
        "inject", "--disk", disk.toString(), "--spec", file.toString(), "--kvm", "never");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          `files: [{path: /a, content: x, colour: red}]` | `files[0].colour: unknown field (expected content, contentBase64, contentFile, mode, owner, path)`
          `extra: 1` | `spec.extra: unknown field (expected files, mtime, remove)`
          `files: [{path: /a, content: x, mode: 0644}]` | `files[0].mode: must be a quoted octal string such as "0644" (YAML reads an unquoted 0644 as the number 420), got 420`
          `files: [{path: /a, content: x, mode: '0999'}]` | `files[0].mode: must be an octal mode from 000 to 07777 such as "0644", got "0999"`
          `files: [{path: /a, content: x, owner: 'root'}]` | `files[0].owner: must be numeric "uid:gid" with ids from 0 to 2147483647, got "root"`
          `files: [{path: etc/a, content: x}]` | `files[0].path: must be an absolute path, got "etc/a"`
          `files: [{path: /etc/../a, content: x}]` | `files[0].path: must be normalized (no '.' or '..' components), got "/etc/../a"`
          `files: [{path: \"/etc/a\\nrm-f /b\", content: x}]` | `files[0].path: character U+000A is not allowed (letters, digits, / . _ - + @ , = : % ~ only), in "/etc/a\\u000arm-f /b"`
          `files: [{path: /a, content: x, contentBase64: eA==}]` | `files[0]: needs exactly one of content, contentBase64 and contentFile, got more than one`
          `files: [{path: /a}]` | `files[0]: needs exactly one of content, contentBase64 and contentFile, got none`
          `files: [{path: /a, contentBase64: '!!notbase64'}]` | `files[0].contentBase64: not valid base64: Illegal base64 character 21`
          `files: [{content: x}]` | `files[0].path: is required`
          `files: [{path: 7, content: x}]` | `files[0].path: must be a string, got number 7`
          `files: {path: /a}` | `files: must be a list, got OBJECT`
          `remove: [/ok, 'a b']` | `remove[1]: must be an absolute path, got "a b"`
          `remove: [/x, /x]` | `remove[1]: "/x" is listed twice`
          `- a list` | `spec: must be a mapping with files and/or remove`
          `files: [` | `spec: not valid YAML at line 1, column 9: while parsing a flow node`
          """)
  void badSpecExitsTwoWithOneLine(String spec, String message) throws IOException {
    Cli result = inject(spec);
    assertThat(result.status()).as(result.err()).isEqualTo(GraftCommand.BAD_INPUT);
    assertThat(result.err()).isEqualTo("graft inject: " + message + System.lineSeparator());
    assertThat(result.out()).isEmpty();
  }

  @Test
  void missingSpecFileAndBadKvmAreBadInput() {
    Cli missing =
        Cli.run("inject", "--disk", disk.toString(), "--spec", dir.resolve("nope.yaml").toString());
    assertThat(missing.status()).isEqualTo(GraftCommand.BAD_INPUT);
    assertThat(missing.err())
        .startsWith("graft inject: --spec: cannot read ")
        .doesNotContain("\tat ");

    Cli kvm =
        Cli.run("inject", "--disk", disk.toString(), "--spec", "x.yaml", "--kvm", "sometimes");
    assertThat(kvm.status()).isEqualTo(GraftCommand.BAD_INPUT);
    assertThat(kvm.err())
        .isEqualTo(
            "graft inject: --kvm: must be auto, always or never, got \"sometimes\""
                + System.lineSeparator());
  }

  @Test
  void severalDisksNeedASpecEachAndEverySpecIsCheckedFirst() throws IOException {
    Path good = Files.writeString(dir.resolve("good.yaml"), "files: [{path: /a, content: x}]");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "files: [{path: a, content: x}]");
    Cli unpaired =
        Cli.run(
            "inject",
            "--disk",
            disk.toString(),
            "--disk",
            disk.toString(),
            "--spec",
            good.toString());
    assertThat(unpaired.status()).isEqualTo(GraftCommand.BAD_INPUT);
    assertThat(unpaired.err())
        .isEqualTo(
            "graft inject: --spec: given 1 times for 2 --disk (one spec per disk, in the same"
                + " order)"
                + System.lineSeparator());
    Cli badSecond =
        Cli.run(
            "inject",
            "--disk",
            disk.toString(),
            "--spec",
            good.toString(),
            "--disk",
            disk.toString(),
            "--spec",
            bad.toString(),
            "--kvm",
            "never");
    assertThat(badSecond.status()).isEqualTo(GraftCommand.BAD_INPUT);
    assertThat(badSecond.err())
        .isEqualTo(
            "graft inject: --spec[1] files[0].path: must be an absolute path, got \"a\""
                + System.lineSeparator());
    assertThat(badSecond.out()).as("nothing launched").isEmpty();
  }

  @Test
  void missingDiskIsBadInput() throws IOException {
    Files.delete(disk);
    Cli result = inject("files: [{path: /a, content: x}]");
    assertThat(result.status()).isEqualTo(GraftCommand.BAD_INPUT);
    assertThat(result.err()).startsWith("graft inject: --disk: no such image file: ");
  }
}
