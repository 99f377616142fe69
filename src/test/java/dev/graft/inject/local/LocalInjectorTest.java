package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the local executor refuses before it launches anything (the real runs: InjectEndToEndTest).
 */
class LocalInjectorTest {

  @TempDir Path dir;

  @Test
  void refusesWhatOnlyTheJobCanFetch() throws IOException {
    Path disk = Files.createFile(dir.resolve("disk.img"));
    List<String> progress = new ArrayList<>();
    LocalInjector injector = new LocalInjector(KvmMode.NEVER, progress::add);
    assertThatThrownBy(
            () ->
                injector.inject(
                    disk,
                    null,
                    List.of(
                        FileToInject.of("/a", new Payload.Inline(new byte[1])),
                        FileToInject.of("/b", new Payload.SecretKey("s", "k"))),
                    List.of()))
        .isInstanceOf(InjectionInputException.class)
        .hasMessage(
            "files[1]: only content, contentBase64 or contentFile can be injected by the local"
                + " executor");
    assertThatThrownBy(() -> injector.inject(disk, "vmdk", List.of(), List.of()))
        .hasMessage("--format: must be raw or qcow2, got \"vmdk\"");
    assertThatThrownBy(() -> injector.inject(dir.resolve("none.img"), null, List.of(), List.of()))
        .hasMessageStartingWith("--disk: no such image file: ");
    org.assertj.core.api.Assertions.assertThat(progress).isEmpty();
  }

  @Test
  void kvmModesOtherThanAutoNeedNoProbe() {
    org.assertj.core.api.Assertions.assertThat(KvmProbe.useKvm(KvmMode.ALWAYS)).isTrue();
    org.assertj.core.api.Assertions.assertThat(KvmProbe.useKvm(KvmMode.NEVER)).isFalse();
  }
}
