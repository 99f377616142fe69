package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import dev.graft.inject.local.TestGuestfs.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive and the per-file fallback in one real run (two appliance launches: inject, read
 * back): setuid bits and numeric owners survive {@code tar-in}, a hard link's other name keeps the
 * old bytes, and files a ustar header cannot hold are still uploaded with their modes and owners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TarInEndToEndTest {

  static final String DEEP = "/opt/" + "d".repeat(200) + "/" + "f".repeat(60); // 267 bytes

  Map<String, Entry> image;

  static Payload text(String s) {
    return new Payload.Inline(s.getBytes(StandardCharsets.UTF_8));
  }

  long startedAt;

  @BeforeAll
  void injectAndReadBack(@TempDir Path dir) throws IOException {
    TestGuestfs.requireLibguestfs();
    startedAt = System.currentTimeMillis() / 1000;
    Path root = dir.resolve("rootfs");
    DiskImages.linuxLikeRoot(root, "Graft Test Linux");
    Files.writeString(root.resolve("etc/hl-a"), "shared\n");
    Files.createLink(root.resolve("etc/hl-b"), root.resolve("etc/hl-a"));
    Path disk = dir.resolve("disk.img");
    DiskImages.makeExt4(root, disk, 8L << 20);

    InjectionReport report =
        new LocalInjector(KvmMode.NEVER, line -> {})
            .inject(
                disk,
                "raw",
                List.of(
                    new FileToInject("/usr/local/bin/suid", "04755", "1000:1000", text("s\n")),
                    new FileToInject("/etc/hl-a", "0640", "0:4", text("new\n")),
                    new FileToInject(DEEP, "0600", "0:10", text("deep\n")),
                    new FileToInject("/etc/big-id", "0640", "3000000:3000001", text("big\n"))),
                List.of());
    assertThat(report.filesAdded()).isEqualTo(4);
    image =
        TestGuestfs.readBack(
            disk,
            List.of("/usr/local/bin/suid", "/etc/hl-a", "/etc/hl-b", DEEP, "/etc/big-id"),
            List.of());
  }

  @Test
  void keepsSetuidBitsAndNumericOwnersThroughTarIn() {
    Entry suid = image.get("/usr/local/bin/suid");
    assertThat(suid.text()).isEqualTo("s\n");
    assertThat(suid.permissions()).isEqualTo(04755);
    assertThat(suid.uid()).isEqualTo(1000);
    assertThat(suid.gid()).isEqualTo(1000);
    // Issue 13: the build's time from the archive, not 1970.
    assertThat(suid.mtime()).as("from the archive").isBetween(startedAt, startedAt + 3600);
  }

  @Test
  void replacesOneNameOfAHardLinkAndLeavesTheOther() {
    Entry a = image.get("/etc/hl-a");
    assertThat(a.text()).isEqualTo("new\n");
    assertThat(a.permissions()).isEqualTo(0640);
    assertThat(a.gid()).isEqualTo(4);
    assertThat(image.get("/etc/hl-b").text()).isEqualTo("shared\n");
    assertThat(image.get("/etc/hl-b").permissions()).isEqualTo(0644);
  }

  @Test
  void uploadsWhatAUstarHeaderCannotHold() {
    Entry deep = image.get(DEEP);
    assertThat(deep.text()).isEqualTo("deep\n");
    assertThat(deep.permissions()).isEqualTo(0600);
    assertThat(deep.gid()).isEqualTo(10);
    assertThat(deep.mtime()).as("uploaded now").isPositive();
    Entry big = image.get("/etc/big-id");
    assertThat(big.text()).isEqualTo("big\n");
    assertThat(big.permissions()).isEqualTo(0640);
    assertThat(big.uid()).isEqualTo(3000000);
    assertThat(big.gid()).isEqualTo(3000001);
    assertThat(big.mtime()).as("uploaded now").isPositive();
  }
}
