package dev.graft.inject.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UstarWriterTest {

  @TempDir Path dir;

  static final String LONG_DIR = "opt/" + "d".repeat(150); // 154 bytes: a full prefix field
  static final String LONG_NAME = LONG_DIR + "/" + "f".repeat(100); // 255 bytes

  static byte[] archive(Entry... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (UstarWriter tar = new UstarWriter(bytes)) {
      for (Entry e : entries) {
        tar.add(e.name, e.mode, e.uid, e.gid, e.content);
      }
    }
    return bytes.toByteArray();
  }

  record Entry(String name, int mode, int uid, int gid, byte[] content) {}

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7);
    }
    return b;
  }

  @Test
  void writesHeadersWithNumericOwnersModesAndContent() throws IOException {
    byte[] tar =
        archive(
            new Entry("etc/motd", 0644, 0, 0, "hi\n".getBytes(StandardCharsets.US_ASCII)),
            new Entry("opt/bin/tool", 04755, 1000, 10, bytes(512)),
            new Entry("etc/empty", 0600, UstarWriter.MAX_ID, 7, new byte[0]),
            new Entry(LONG_NAME, 0640, 1, 2, bytes(513)));
    List<TarEntries.Entry> read = TarEntries.read(tar);
    assertThat(read)
        .extracting(TarEntries.Entry::name)
        .containsExactly("etc/motd", "opt/bin/tool", "etc/empty", LONG_NAME);
    assertThat(read).extracting(TarEntries.Entry::mode).containsExactly(0644, 04755, 0600, 0640);
    assertThat(read).extracting(TarEntries.Entry::uid).containsExactly(0, 1000, 2097151, 1);
    assertThat(read).extracting(TarEntries.Entry::gid).containsExactly(0, 10, 7, 2);
    assertThat(read).allSatisfy(e -> assertThat(e.type()).isEqualTo('0'));
    assertThat(read).allSatisfy(e -> assertThat(e.mtime()).isZero());
    assertThat(read).allSatisfy(e -> assertThat(e.uname() + e.gname()).isEmpty());
    assertThat(read.get(1).content()).isEqualTo(bytes(512));
    assertThat(read.get(2).content()).isEmpty();
    assertThat(read.get(3).content()).isEqualTo(bytes(513));
    // header + 1 block, header + 1, header, header + 2, two zero blocks
    assertThat(tar.length).isEqualTo(512 * (2 + 2 + 1 + 3 + 2));
  }

  @Test
  void gnuTarListsAndExtractsItTheSame() throws Exception {
    byte[] tar =
        archive(
            new Entry("etc/motd", 0644, 0, 0, "hi\n".getBytes(StandardCharsets.US_ASCII)),
            new Entry("opt/bin/tool", 04755, 1000, 10, bytes(70_000)),
            new Entry(LONG_NAME, 0600, 2097151, 5, bytes(3)));
    Path file = Files.write(dir.resolve("a.tar"), tar);
    assertThat(gnuTar("--numeric-owner", "-tvf", file.toString()))
        .containsSubsequence(
            "-rw-r--r-- 0/0", "3 1970-01-01 00:00 etc/motd\n",
            "-rwsr-xr-x 1000/10", "70000 1970-01-01 00:00 opt/bin/tool\n",
            "-rw------- 2097151/5", "3 1970-01-01 00:00 " + LONG_NAME + "\n");
    Path out = Files.createDirectory(dir.resolve("out"));
    gnuTar("--no-same-owner", "-xf", file.toString(), "-C", out.toString());
    assertThat(Files.readAllBytes(out.resolve("opt/bin/tool"))).isEqualTo(bytes(70_000));
    assertThat(Files.readString(out.resolve("etc/motd"))).isEqualTo("hi\n");
    assertThat(Files.readAllBytes(out.resolve(LONG_NAME))).isEqualTo(bytes(3));
  }

  @Test
  void splitsNamesLikeGnuTarAndRejectsWhatDoesNotFit() {
    assertThat(UstarWriter.fits("a".repeat(100))).isTrue();
    assertThat(UstarWriter.fits("a".repeat(101))).isFalse(); // no '/' to split at
    assertThat(UstarWriter.fits(LONG_NAME)).isTrue();
    assertThat(UstarWriter.fits(LONG_NAME + "x")).isFalse(); // 256 bytes
    assertThat(UstarWriter.fits(LONG_DIR + "xy/" + "f".repeat(98))).isFalse(); // prefix of 156
    assertThat(UstarWriter.fits("a/" + "f".repeat(101))).isFalse(); // name part of 101
    assertThat(UstarWriter.fits("a".repeat(60) + "/" + "b".repeat(60) + "/c")).isTrue();
    assertThat(UstarWriter.fitsId(UstarWriter.MAX_ID)).isTrue();
    assertThat(UstarWriter.fitsId(UstarWriter.MAX_ID + 1)).isFalse();
    assertThat(UstarWriter.fitsId(-1)).isFalse();
  }

  @Test
  void refusesValuesAHeaderCannotHold() {
    UstarWriter tar = new UstarWriter(new ByteArrayOutputStream());
    byte[] none = new byte[0];
    assertThatThrownBy(() -> tar.add(LONG_NAME + "x", 0644, 0, 0, none))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit a ustar header");
    assertThatThrownBy(() -> tar.add("/etc/motd", 0644, 0, 0, none))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tar.add("etc/m\u00f6td", 0644, 0, 0, none))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tar.add("a", 010000, 0, 0, none))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tar.add("a", 0644, UstarWriter.MAX_ID + 1, 0, none))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tar.add("a", 0644, 0, -1, none))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static String gnuTar(String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("tar"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
