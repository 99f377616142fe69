package dev.graft.inject.local;

import dev.graft.inject.InjectionFailedException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One appliance launch shared by several guestfish scripts ({@code guestfish --listen}, then {@code
 * guestfish --remote}): the executor first reads what it must know about the guest (its users,
 * groups, SELinux policy, the parents of the files), then writes, without a second launch.
 * Commands' output comes back to each client; errors go to the listener's standard error, which is
 * kept in a file. The listener exits on the first failing command not prefixed with {@code -}.
 */
public final class GuestfishSession implements AutoCloseable {

  /** Longest wait for the listener's socket to appear. */
  static final long SOCKET_WAIT_SECONDS = 120;

  private static final Pattern PID = Pattern.compile("GUESTFISH_PID=(\\d+)");

  private final long pid;
  private final Path errors;
  private final Map<String, String> env;
  private final long timeoutSeconds;
  private boolean closed;

  private GuestfishSession(long pid, Path errors, Map<String, String> env, long timeoutSeconds) {
    this.pid = pid;
    this.errors = errors;
    this.env = env;
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * Launches the appliance on {@code disk} and mounts the guest's filesystems as its {@code
   * /etc/fstab} says ({@code -i}).
   *
   * @throws InjectionFailedException with libguestfs's error when the launch or inspection fails
   */
  public static GuestfishSession open(
      Path disk, String format, Map<String, String> env, Path work, long timeoutSeconds) {
    List<String> argv = new ArrayList<>(List.of("guestfish", "--listen", "--rw"));
    if (format != null) {
      argv.add("--format=" + format);
    }
    argv.addAll(List.of("-a", disk.toString(), "-i"));
    return listen(argv, env, work, timeoutSeconds);
  }

  /**
   * Launches one appliance on all of {@code disks} (each with its format, null to detect it) and
   * mounts nothing: the caller inspects and mounts one disk at a time.
   *
   * @throws InjectionFailedException with libguestfs's error when the launch fails
   */
  public static GuestfishSession openShared(
      List<Path> disks,
      List<String> formats,
      Map<String, String> env,
      Path work,
      long timeoutSeconds) {
    List<String> argv = new ArrayList<>(List.of("guestfish", "--listen", "--rw"));
    for (int i = 0; i < disks.size(); i++) {
      // --format applies to the -a options after it; a bare --format detects again.
      argv.add(formats.get(i) == null ? "--format" : "--format=" + formats.get(i));
      argv.addAll(List.of("-a", disks.get(i).toString()));
    }
    GuestfishSession session = listen(argv, env, work, timeoutSeconds);
    try {
      session.run("run\n");
    } catch (InjectionFailedException e) {
      session.close();
      throw e;
    }
    return session;
  }

  /** Whether the listener is still there to take commands (a failing command ends it). */
  public boolean alive() {
    return !closed && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static GuestfishSession listen(
      List<String> argv, Map<String, String> env, Path work, long timeoutSeconds) {
    try {
      // Files of their own: a relaunch in the same directory keeps the first listener's errors.
      Path out = Files.createTempFile(work, "listener-", ".out");
      Path err = Files.createTempFile(work, "listener-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(argv)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().remove("LIBGUESTFS_BACKEND_SETTINGS");
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new InjectionFailedException(
            "guestfish did not launch within " + timeoutSeconds + " s");
      }
      Matcher m = PID.matcher(Files.readString(out));
      if (process.exitValue() != 0 || !m.find()) {
        throw new InjectionFailedException(Files.readString(err).strip());
      }
      long pid = Long.parseLong(m.group(1));
      awaitSocket(pid, err, timeoutSeconds);
      return new GuestfishSession(pid, err, env, timeoutSeconds);
    } catch (IOException e) {
      throw new InjectionFailedException(
          "cannot run guestfish (is libguestfs-tools installed?): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InjectionFailedException("interrupted while guestfish was launching");
    }
  }

  /**
   * Waits until the listener listens. guestfish's parent prints the listener's pid and exits right
   * after the fork, before the child has bound its socket (a race guestfish's own rc.c admits): on
   * a loaded machine the first {@code --remote} could find no socket yet and fail as if the
   * listener were gone. A guestfish that binds elsewhere (not 1.4x) is given {@value
   * #SOCKET_WAIT_SECONDS} s, then tried anyway.
   */
  static void awaitSocket(long pid, Path errors, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path socket = socketPath(pid);
    long deadline =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(timeoutSeconds, SOCKET_WAIT_SECONDS));
    while (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
        String error = Files.readString(errors).strip();
        throw new InjectionFailedException(
            "the guestfish listener exited before it listened"
                + (error.isEmpty() ? "" : ": " + error));
      }
      if (System.nanoTime() > deadline) {
        return;
      }
      Thread.sleep(20);
    }
  }

  /** Where guestfish 1.4x's listener binds: {@code /tmp/.guestfish-EUID/socket-PID} (fish/rc.c). */
  static Path socketPath(long pid) throws IOException {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    return Path.of("/tmp/.guestfish-" + uid, "socket-" + pid);
  }

  /**
   * Runs {@code script} in the launched appliance and returns its output.
   *
   * @throws InjectionFailedException with libguestfs's error text when a command fails
   */
  public String run(String script) {
    ProcessBuilder builder =
        new ProcessBuilder("guestfish", "--remote=" + pid).redirectErrorStream(true);
    builder.environment().putAll(env);
    try {
      long errorsBefore = Files.size(errors);
      Process process = builder.start();
      CompletableFuture<byte[]> output =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return process.getInputStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              },
              r -> new Thread(r, "guestfish-remote").start());
      try (OutputStream in = process.getOutputStream()) {
        in.write(script.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new InjectionFailedException("guestfish timed out after " + timeoutSeconds + " s");
      }
      String text = new String(output.join(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        closed = true; // the listener exits on an error
        waitForListener();
        String error = Files.readString(errors).substring((int) errorsBefore).strip();
        throw new InjectionFailedException(error.isEmpty() ? text.strip() : error);
      }
      return text;
    } catch (IOException e) {
      throw new InjectionFailedException("cannot talk to guestfish: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InjectionFailedException("interrupted while guestfish was running");
    }
  }

  /** Unmounts, syncs and shuts the appliance down; waits for it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      ProcessBuilder builder =
          new ProcessBuilder("guestfish", "--remote=" + pid, "exit").redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process = builder.start();
      process.getInputStream().readAllBytes();
      process.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      // The listener is gone already.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    waitForListener();
  }

  private void waitForListener() {
    Optional<ProcessHandle> listener = ProcessHandle.of(pid);
    if (listener.isEmpty()) {
      return;
    }
    try {
      listener.get().onExit().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      listener.get().descendants().forEach(ProcessHandle::destroyForcibly);
      listener.get().destroyForcibly();
    }
  }
}
