package dev.graft.inject.local;

import dev.graft.inject.InjectionFailedException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs the guestfish command line in one appliance launch, streaming its output lines. */
public final class Guestfish {

  /** The finished run: exit status and what guestfish wrote to standard error. */
  public record Result(int exitCode, String errors, boolean timedOut) {}

  private Guestfish() {}

  /**
   * Runs {@code argv} with {@code env} added, passing each standard-output line to {@code lines};
   * kills guestfish and its qemu after {@code timeoutSeconds}.
   */
  public static Result run(
      List<String> argv, Map<String, String> env, long timeoutSeconds, Consumer<String> lines) {
    ProcessBuilder builder = new ProcessBuilder(argv);
    // An inherited force_tcg must not override the caller's choice of KVM.
    builder.environment().remove("LIBGUESTFS_BACKEND_SETTINGS");
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new InjectionFailedException(
          "cannot run " + argv.get(0) + " (is libguestfs-tools installed?): " + e.getMessage());
    }
    // Own threads, not the common pool: with 2 cores it has one thread, and a reader stuck behind
    // the other would let a full stderr pipe block guestfish forever.
    StringBuilder errors = new StringBuilder();
    Thread errReader = reader(() -> errors.append(readAll(process.getErrorStream())));
    Thread outReader = reader(() -> forEachLine(process.getInputStream(), lines));
    try {
      boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!finished) {
        // qemu is a child of guestfish; kill it too or it keeps the disk open.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
      }
      outReader.join();
      errReader.join();
      return new Result(finished ? process.exitValue() : -1, errors.toString(), !finished);
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InjectionFailedException("interrupted while guestfish was running");
    }
  }

  private static Thread reader(Runnable task) {
    Thread thread = new Thread(task, "guestfish-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void forEachLine(InputStream in, Consumer<String> lines) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.accept(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
