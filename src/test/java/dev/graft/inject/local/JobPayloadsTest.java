package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.FileToInject;
import dev.graft.inject.Payload;
import dev.graft.inject.script.GuestfishCommand;
import dev.graft.inject.script.InjectionScript;
import dev.graft.inject.script.PayloadLocator;
import dev.graft.inject.script.TarEntries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the engine packs the files of a Job's spec ({@code contentFile}s: projected ConfigMap and
 * Secret keys behind kubelet's {@code ..data} symlinks, checked downloads): one archive with each
 * file's name, mode, numeric owner, the build's time and bytes; a file no ustar header can name is
 * uploaded on its own, straight from where it is. (Moved here from RunScriptTest when packing moved
 * from run.sh into the engine.)
 */
class JobPayloadsTest {

  static final byte[] INLINE = "hello\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] TOOL = "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void packsEveryFileIntoTheArchiveWithItsNameModeNumericOwnerAndBytes(@TempDir Path dir)
      throws Exception {
    Path projected = dir.resolve("payloads");
    Files.createDirectories(projected.resolve("..data"));
    byte[] secret = "s3cret\n".getBytes(StandardCharsets.UTF_8);
    byte[] deep = "deep\n".getBytes(StandardCharsets.UTF_8);
    Files.write(projected.resolve("..data/0000"), INLINE);
    Files.createSymbolicLink(projected.resolve("0000"), Path.of("..data/0000"));
    Files.write(projected.resolve("..data/0002"), secret);
    Files.createSymbolicLink(projected.resolve("0002"), Path.of("..data/0002"));
    Files.write(projected.resolve("0003"), deep);
    Files.createDirectories(dir.resolve("downloads"));
    Files.write(dir.resolve("downloads/0001"), TOOL);
    String longName = "opt/" + "d".repeat(150) + "/" + "f".repeat(100); // 255 bytes
    String tooLong = "/opt/" + "d".repeat(200) + "/" + "f".repeat(100);
    List<FileToInject> files =
        List.of(
            new FileToInject("/etc/motd", "0600", "1000:1001", local(projected, "0000")),
            new FileToInject("/opt/bin/tool", "04755", "0:10", local(dir, "downloads/0001")),
            new FileToInject("/" + longName, null, "2097151:0", local(projected, "0002")),
            new FileToInject(tooLong, "0640", null, local(projected, "0003")));

    Path work = dir.resolve("work");
    Path payloads = work.resolve("payloads");
    Path archive = work.resolve("payload.tar");
    long mtime = 1_767_225_600L;
    InjectionScript script =
        InjectionScript.generate(
            files,
            List.of(),
            (i, f) ->
                GuestfishCommand.scriptPath(
                    "payloads", payloads.resolve(PayloadLocator.fileName(i))),
            GuestfishCommand.scriptPath("archive", archive),
            new InjectionScript.Options(InjectionScript.Options.UPLOAD_ABOVE, mtime, null));
    long bytes = DiskWriter.writePayloads(payloads, archive, files, script, mtime);

    List<TarEntries.Entry> tar = TarEntries.read(Files.readAllBytes(archive));
    assertThat(tar)
        .extracting(TarEntries.Entry::name)
        .containsExactly("etc/motd", "opt/bin/tool", longName);
    assertThat(tar).extracting(TarEntries.Entry::mode).containsExactly(0600, 04755, 0644);
    assertThat(tar).extracting(TarEntries.Entry::uid).containsExactly(1000, 0, 2097151);
    assertThat(tar).extracting(TarEntries.Entry::gid).containsExactly(1001, 10, 0);
    assertThat(tar).allSatisfy(e -> assertThat(e.type()).isEqualTo('0'));
    // Issue 13: the build's time, not 1970.
    assertThat(tar).allSatisfy(e -> assertThat(e.mtime()).isEqualTo(mtime));
    // No names: an extracting root must not map owners through the appliance's passwd.
    assertThat(tar).allSatisfy(e -> assertThat(e.uname() + e.gname()).isEmpty());
    assertThat(tar.get(0).content()).isEqualTo(INLINE);
    assertThat(tar.get(1).content()).isEqualTo(TOOL);
    assertThat(tar.get(2).content()).isEqualTo(secret);

    assertThat(script.text())
        .contains("tar-in " + archive + " /\n")
        .contains("upload " + payloads.resolve("0003") + " " + tooLong + "\n");
    // Uploaded from where it is (a link), not copied.
    assertThat(Files.isSymbolicLink(payloads.resolve("0003"))).isTrue();
    assertThat(Files.readAllBytes(payloads.resolve("0003"))).isEqualTo(deep);
    assertThat(bytes).isEqualTo(INLINE.length + TOOL.length + secret.length + deep.length);
  }

  private static Payload.LocalFile local(Path dir, String name) {
    return new Payload.LocalFile(dir.resolve(name).toString());
  }
}
