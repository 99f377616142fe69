package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.inject.InjectionFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session does not talk to a listener before it listens: guestfish's parent prints the pid
 * before the child binds its socket, and on a loaded machine the first {@code --remote} then found
 * no socket and failed as if the listener were gone (GuestFailuresTest.fullFilesystem, once in a
 * full run). No libguestfs needed: a process stands in for the listener, a file for its socket.
 */
class GuestfishSessionTest {

  @Test
  void waitsUntilTheListenersSocketExists(@TempDir Path dir) throws Exception {
    Process listener = new ProcessBuilder("sleep", "30").start();
    try {
      Path socket = GuestfishSession.socketPath(listener.pid());
      // guestfish refuses a socket directory that is not 0700: never make it otherwise.
      Files.createDirectories(
          socket.getParent(),
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      Path errors = Files.writeString(dir.resolve("err"), "");
      long started = System.nanoTime();
      CompletableFuture<Void> bound =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Thread.sleep(700);
                  Files.writeString(socket, "");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      GuestfishSession.awaitSocket(listener.pid(), errors, 30);
      assertThat(Files.exists(socket)).isTrue();
      assertThat(System.nanoTime() - started).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(600));
      bound.join();
      Files.delete(socket);
    } finally {
      listener.destroyForcibly();
    }
  }

  @Test
  void aListenerThatExitsBeforeListeningFailsWithItsError(@TempDir Path dir) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path errors = Files.writeString(dir.resolve("err"), "libguestfs: error: boom\n");
    assertThatThrownBy(() -> GuestfishSession.awaitSocket(gone.pid(), errors, 30))
        .isInstanceOf(InjectionFailedException.class)
        .hasMessage("the guestfish listener exited before it listened: libguestfs: error: boom");
  }

  @Test
  void theSocketIsWhereGuestfishBindsIt() throws Exception {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    assertThat(GuestfishSession.socketPath(4242))
        .isEqualTo(Path.of("/tmp/.guestfish-" + uid + "/socket-4242"));
  }
}
