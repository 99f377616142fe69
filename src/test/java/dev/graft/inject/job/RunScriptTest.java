package dev.graft.inject.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.graft.inject.DownloadHosts;
import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.Payload;
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
 * server and a stub {@code java}: downloads are checked, bad ones never reach the engine, and a
 * failure's reason is the termination message.
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
    // Redirects to https hosts: refused when outside the allow-list, before any request there.
    for (String[] away :
        new String[][] {
          {"/away", "https://evil.example.org/tool"},
          {"/lookalike", "https://images.example.org.evil.net/tool"},
          {"/userinfo", "https://images.example.org@evil.net/tool"}
        }) {
      server.createContext(
          away[0],
          exchange -> {
            exchange.getResponseHeaders().add("Location", away[1]);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
          });
    }
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
    // The engine's stand-in: records its arguments; on success prints a result line, else fails
    // as the engine does (graft: MESSAGE on stderr and as termination message).
    Path stub = dir.resolve("bin/java");
    Files.writeString(
        stub,
        "#!/bin/sh\necho \"$@\" > \"$STUB_ARGS\"\n"
            + "if [ \"${STUB_EXIT:-0}\" = 0 ]; then\n"
            + "  echo 'GRAFT-RESULT {\"bytesAdded\":13,\"filesAdded\":2,\"filesRemoved\":1,"
            + "\"seconds\":2.5,\"launchSeconds\":1.5}' | tee \"$STUB_RESULT\"\n"
            + "else echo 'graft: no user \"nginx\" in /etc/passwd' | tee \"$STUB_RESULT\" >&2; fi\n"
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

  Run run(List<FileToInject> files, int engineExit) throws IOException, InterruptedException {
    return run(files, engineExit, DownloadHosts.ANY);
  }

  Run run(List<FileToInject> files, int engineExit, DownloadHosts hosts)
      throws IOException, InterruptedException {
    Path runSh = dir.resolve("script/run.sh");
    Files.writeString(
        runSh, RunScript.generate(layout, files, "/dev/graft-disk", "images/gi-1", hosts));
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", runSh.toString()).directory(dir.toFile());
    pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    pb.environment().put("STUB_ARGS", dir.resolve("args").toString());
    pb.environment().put("STUB_EXIT", String.valueOf(engineExit));
    pb.environment().put("STUB_RESULT", layout.terminationLog());
    pb.environment().put("TMPDIR", layout.workDir());
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
    assertThat(run.err()).contains("redirects to '" + url("/tool") + "', which is not https");
    assertThat(dir.resolve("args")).as("the engine never ran").doesNotExist();
  }

  static DownloadHosts allow(String... hosts) {
    return DownloadHosts.parse("graft.downloads.allowed-hosts", List.of(hosts));
  }

  @Test
  void aUrlOutsideTheAllowListIsRefusedNamingTheFileUrlAndHost() throws Exception {
    String tool = url("/tool");
    Run run = run(files(tool, sha256(TOOL), TOOL.length), 0, allow("images.example.org"));
    assertThat(run.status()).isEqualTo(1);
    String message =
        "graft: files[1] (/opt/tool): "
            + tool
            + ": host 127.0.0.1 is not in graft.downloads.allowed-hosts (images.example.org)";
    assertThat(run.err()).contains(message);
    assertThat(Files.readString(dir.resolve("termination-log"))).startsWith(message);
    assertThat(dir.resolve("work/downloads/0001")).as("never requested").doesNotExist();
    assertThat(dir.resolve("args")).as("the engine never ran").doesNotExist();
  }

  @Test
  void aRedirectToAHostOutsideTheAllowListIsRefused() throws Exception {
    Run run =
        run(files(url("/away"), sha256(TOOL), TOOL.length), 0, allow("127.0.0.1", "*.example.com"));
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "graft: files[1] (/opt/tool): https://evil.example.org/tool: host evil.example.org is"
                + " not in graft.downloads.allowed-hosts (127.0.0.1 *.example.com)");
    assertThat(dir.resolve("args")).doesNotExist();
  }

  @Test
  void aLookalikeOrAUserInfoHostIsNotOnTheList() throws Exception {
    for (String path : List.of("/lookalike", "/userinfo")) {
      Run run =
          run(
              files(url(path), sha256(TOOL), TOOL.length),
              0,
              allow("127.0.0.1", "images.example.org", "*.example.org"));
      assertThat(run.status()).as(path).isEqualTo(1);
      assertThat(run.err()).as(path).contains("is not in graft.downloads.allowed-hosts");
      assertThat(dir.resolve("args")).doesNotExist();
    }
  }

  @Test
  void aUrlOnTheAllowListIsDownloaded() throws Exception {
    Run run =
        run(files(url("/tool"), sha256(TOOL), TOOL.length), 0, allow("localhost", "127.0.0.1"));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("work/downloads/0001"))).isEqualTo(TOOL);
  }

  @Test
  void downloadsChecksAndHandsOverToTheEngine() throws Exception {
    Run run = run(files(url("/tool"), sha256(TOOL), TOOL.length), 0);
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("work/downloads/0001"))).isEqualTo(TOOL);
    assertThat(Files.readString(dir.resolve("args")).strip())
        .startsWith("-XX:+UseSerialGC")
        .contains("-Djava.io.tmpdir=" + layout.workDir())
        .endsWith(
            "-cp /opt/graft/lib/* dev.graft.inject.local.JobMain --disk /dev/graft-disk --spec "
                + layout.scriptDir()
                + "/spec.json --image images/gi-1 --result "
                + layout.terminationLog());
    assertThat(run.out()).contains("graft: downloading files[1]", "graft: injecting");
    InjectionReport report = InjectionReport.parse(run.out()).orElseThrow();
    assertThat(InjectionReport.parse(Files.readString(dir.resolve("termination-log"))))
        .contains(report);
  }

  @Test
  void aDownloadWithTheWrongSha256NeverReachesTheEngine() throws Exception {
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
    // The reason is the termination message: the operator puts it on the GoldenImage.
    assertThat(Files.readString(dir.resolve("termination-log")))
        .startsWith("graft: files[1]: sha256 of the download is " + sha256(TOOL));
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
  void anEngineFailureFailsTheJobWithItsMessageAndNoResult() throws Exception {
    Run run = run(files(url("/tool"), sha256(TOOL), TOOL.length), 1);
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).doesNotContain(InjectionReport.PREFIX);
    assertThat(run.err()).contains("graft: no user \"nginx\"");
    assertThat(Files.readString(dir.resolve("termination-log")))
        .isEqualTo("graft: no user \"nginx\" in /etc/passwd\n");
  }
}
