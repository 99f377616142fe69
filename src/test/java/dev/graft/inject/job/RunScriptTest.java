package dev.graft.inject.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.Payload;
import dev.graft.inject.script.InjectionScript;
import dev.graft.inject.script.TarEntries;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Job's generated {@code run.sh} with /bin/sh against a temporary layout, a local HTTP
 * server and a stub guestfish: downloads are checked, bad ones never reach guestfish.
 */
class RunScriptTest {

  static final byte[] TOOL = "#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] INLINE = "hello\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  HttpServer server;
  JobLayout layout;

  record Run(int status, String out, String err) {}

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/tool",
        exchange -> {
          exchange.sendResponseHeaders(200, TOOL.length);
          exchange.getResponseBody().write(TOOL);
          exchange.close();
        });
    // A redirect to plain http (the same bytes): the Job refuses to follow it (issue 16).
    server.createContext(
        "/moved",
        exchange -> {
          exchange.getResponseHeaders().add("Location", url("/tool"));
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    server.start();
    layout =
        new JobLayout(
            dir.resolve("script").toString(),
            dir.resolve("payloads").toString(),
            dir.resolve("work").toString(),
            dir.resolve("termination-log").toString());
    Files.createDirectories(dir.resolve("script"));
    Files.createDirectories(dir.resolve("payloads"));
    Files.createDirectories(dir.resolve("work"));
    Files.createDirectories(dir.resolve("bin"));
    // Projected volumes hold symlinks (0000 -> ..data/0000); the archive must get the bytes.
    Files.createDirectories(dir.resolve("payloads/..data"));
    Files.write(dir.resolve("payloads/..data/0000"), INLINE);
    Files.createSymbolicLink(dir.resolve("payloads/0000"), Path.of("..data/0000"));
    // Records its arguments, prints the script's markers, exits with $STUB_EXIT.
    Path stub = dir.resolve("bin/guestfish");
    Files.writeString(
        stub,
        "#!/bin/sh\necho \"$@\" > \"$STUB_ARGS\"\necho graft:launched\necho graft:done\n"
            + "[ \"${STUB_EXIT:-0}\" = 0 ] || echo 'libguestfs: error: boom' >&2\n"
            + "exit \"${STUB_EXIT:-0}\"\n");
    stub.toFile().setExecutable(true);
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  Run run(List<FileToInject> files, int guestfishExit) throws IOException, InterruptedException {
    InjectionScript script =
        InjectionScript.generate(files, List.of("/old"), layout.locator(), layout.archive());
    Files.writeString(dir.resolve("script/inject.gf"), script.text());
    Path runSh = dir.resolve("script/run.sh");
    Files.writeString(runSh, RunScript.generate(layout, files, script, "/dev/graft-disk"));
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", runSh.toString()).directory(dir.toFile());
    pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    pb.environment().put("STUB_ARGS", dir.resolve("args").toString());
    pb.environment().put("STUB_EXIT", String.valueOf(guestfishExit));
    pb.redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  List<FileToInject> files(String url, String sha, long size) {
    return List.of(
        FileToInject.of("/etc/motd", new Payload.Inline(INLINE)),
        FileToInject.of("/opt/tool", new Payload.Url(url, sha, size)));
  }

  @Test
  void aRedirectToPlainHttpIsRefused() throws Exception {
    Run run = run(files(url("/moved"), sha256(TOOL), TOOL.length), 0);
    assertThat(run.status()).as(run.out()).isNotZero();
    assertThat(dir.resolve("args")).as("guestfish never ran").doesNotExist();
  }

  @Test
  void downloadsChecksRunsGuestfishAndReports() throws Exception {
    Run run = run(files(url("/tool"), sha256(TOOL), TOOL.length), 0);
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("work/downloads/0001"))).isEqualTo(TOOL);
    assertThat(Files.readString(dir.resolve("args")).strip())
        .isEqualTo(
            "--rw --format=raw -a /dev/graft-disk -i -f " + layout.scriptDir() + "/inject.gf");
    InjectionReport report = InjectionReport.parse(run.out()).orElseThrow();
    assertThat(report.bytesAdded()).isEqualTo(INLINE.length + TOOL.length);
    assertThat(report.filesAdded()).isEqualTo(2);
    assertThat(report.filesRemoved()).isEqualTo(1);
    assertThat(report.seconds()).isGreaterThanOrEqualTo(report.launchSeconds());
    assertThat(run.out()).contains("graft: downloading files[1]", "graft:launched", "graft:done");
    String termination = Files.readString(dir.resolve("termination-log"));
    assertThat(termination).startsWith(InjectionReport.PREFIX);
    assertThat(InjectionReport.parse(termination)).contains(report);
  }

  @Test
  void packsEveryFileIntoTheArchiveWithItsNameModeNumericOwnerAndBytes() throws Exception {
    byte[] secret = "s3cret\n".getBytes(StandardCharsets.UTF_8);
    byte[] deep = "deep\n".getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("payloads/..data/0002"), secret);
    Files.createSymbolicLink(dir.resolve("payloads/0002"), Path.of("..data/0002"));
    Files.write(dir.resolve("payloads/0003"), deep);
    String longName = "opt/" + "d".repeat(150) + "/" + "f".repeat(100); // 255 bytes
    String tooLong = "/opt/" + "d".repeat(200) + "/" + "f".repeat(100);
    List<FileToInject> files =
        List.of(
            new FileToInject("/etc/motd", "0600", "1000:1001", new Payload.Inline(INLINE)),
            new FileToInject(
                "/opt/bin/tool",
                "04755",
                "0:10",
                new Payload.Url(url("/tool"), sha256(TOOL), TOOL.length)),
            new FileToInject(
                "/" + longName, null, "2097151:0", new Payload.SecretKey("creds", "token")),
            new FileToInject(tooLong, "0640", null, new Payload.ConfigMapKey("cm", "deep")));
    long before = System.currentTimeMillis() / 1000;
    Run run = run(files, 0);
    long after = System.currentTimeMillis() / 1000 + 1;
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("graft: packing 3 files");

    List<TarEntries.Entry> tar =
        TarEntries.read(Files.readAllBytes(dir.resolve("work/payload.tar")));
    assertThat(tar)
        .extracting(TarEntries.Entry::name)
        .containsExactly("etc/motd", "opt/bin/tool", longName);
    assertThat(tar).extracting(TarEntries.Entry::mode).containsExactly(0600, 04755, 0644);
    assertThat(tar).extracting(TarEntries.Entry::uid).containsExactly(1000, 0, 2097151);
    assertThat(tar).extracting(TarEntries.Entry::gid).containsExactly(1001, 10, 0);
    assertThat(tar).allSatisfy(e -> assertThat(e.type()).isEqualTo('0'));
    // Issue 13: the build's time, not 1970.
    assertThat(tar).allSatisfy(e -> assertThat(e.mtime()).isBetween(before, after));
    // No names: an extracting root must not map owners through the appliance's passwd.
    assertThat(tar).allSatisfy(e -> assertThat(e.uname() + e.gname()).isEmpty());
    assertThat(tar.get(0).content()).isEqualTo(INLINE);
    assertThat(tar.get(1).content()).isEqualTo(TOOL);
    assertThat(tar.get(2).content()).isEqualTo(secret);

    String script = Files.readString(dir.resolve("script/inject.gf"));
    assertThat(script)
        .contains("tar-in " + layout.archive() + " /\n")
        .contains("upload " + layout.payloadDir() + "/0003 " + tooLong + "\n");
    InjectionReport report = InjectionReport.parse(run.out()).orElseThrow();
    assertThat(report.bytesAdded())
        .isEqualTo(INLINE.length + TOOL.length + secret.length + deep.length);
    assertThat(report.filesAdded()).isEqualTo(4);
  }

  @Test
  void aDownloadWithTheWrongSha256NeverReachesGuestfish() throws Exception {
    Run run = run(files(url("/tool"), "00".repeat(32), TOOL.length), 0);
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "graft: files[1]: sha256 of the download is "
                + sha256(TOOL)
                + ", expected "
                + "00".repeat(32));
    assertThat(dir.resolve("args")).doesNotExist();
    assertThat(run.out()).doesNotContain(InjectionReport.PREFIX);
    assertThat(dir.resolve("termination-log")).doesNotExist();
  }

  @Test
  void aDownloadOfTheWrongSizeIsRejected() throws Exception {
    Run run = run(files(url("/tool"), sha256(TOOL), TOOL.length + 1), 0);
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .contains("graft: files[1]: got " + TOOL.length + " bytes from the URL, expected ");
    assertThat(dir.resolve("args")).doesNotExist();
  }

  @Test
  void hostileUrlsStayOneQuotedWord() throws Exception {
    Path pwned = dir.resolve("pwned");
    String hostile = url("/x'$(touch${IFS}" + pwned + ")'`touch${IFS}" + pwned + "`;touch");
    Run run = run(files(hostile, sha256(TOOL), TOOL.length), 0);
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("graft: files[1]: download failed");
    assertThat(pwned).doesNotExist();
    assertThat(dir.resolve("args")).doesNotExist();
  }

  @Test
  void aGuestfishFailureFailsTheJobWithoutAResult() throws Exception {
    Run run = run(files(url("/tool"), sha256(TOOL), TOOL.length), 1);
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out())
        .contains("libguestfs: error: boom")
        .doesNotContain(InjectionReport.PREFIX);
    assertThat(run.err()).contains("graft: guestfish failed with exit status 1");
    assertThat(dir.resolve("termination-log")).doesNotExist();
  }
}
