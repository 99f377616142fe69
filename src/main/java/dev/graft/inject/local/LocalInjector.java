package dev.graft.inject.local;

import dev.graft.inject.FileToInject;
import dev.graft.inject.GuestAccounts;
import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.KvmMode;
import dev.graft.inject.Payload;
import dev.graft.inject.Quoted;
import dev.graft.inject.script.GuestfishCommand;
import dev.graft.inject.script.InjectionScript;
import dev.graft.inject.script.PayloadLocator;
import dev.graft.inject.script.UstarWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Applies a build to a local disk image file (raw or qcow2) with the real libguestfs tools: the
 * same script the Job runs, with the archive of its files ({@link UstarWriter}) and any payloads
 * uploaded on their own written to a temporary directory. Reports a progress line per step.
 */
public final class LocalInjector {

  /** Longest a single guestfish run may take before it is killed. */
  static final long TIMEOUT_SECONDS = 3600;

  private final KvmMode kvm;
  private final Consumer<String> progress;

  public LocalInjector(KvmMode kvm, Consumer<String> progress) {
    this.kvm = kvm;
    this.progress = progress;
  }

  /**
   * Writes {@code files} into and removes {@code removes} from the image at {@code disk}, with the
   * files' mtime set to the time of the build.
   *
   * @param format {@code raw}, {@code qcow2}, or null to let libguestfs detect it
   * @throws InjectionInputException on a bad spec or a missing disk, before anything runs
   * @throws InjectionFailedException with libguestfs's error text when guestfish fails
   */
  public InjectionReport inject(
      Path disk, String format, List<FileToInject> files, List<String> removes) {
    return inject(disk, format, files, removes, null);
  }

  /**
   * As {@link #inject(Path, String, List, List)}, with the files' mtime given ({@code mtime}
   * seconds since the epoch, for reproducible images) or, when null, the time of the build.
   */
  public InjectionReport inject(
      Path disk, String format, List<FileToInject> files, List<String> removes, Long mtime) {
    return inject(disk, format, files, removes, mtime, disk.toString());
  }

  /**
   * As {@link #inject(Path, String, List, List, Long)}; errors name the image {@code image} (the
   * Job gives its GoldenImage, which says more than the path of the disk inside the pod).
   */
  public InjectionReport inject(
      Path disk,
      String format,
      List<FileToInject> files,
      List<String> removes,
      Long mtime,
      String image) {
    if (!Files.isRegularFile(disk) && !isBlockDevice(disk)) {
      throw new InjectionInputException("--disk", "no such image file: " + Quoted.of("" + disk));
    }
    if (format != null && !format.equals("raw") && !format.equals("qcow2")) {
      throw new InjectionInputException(
          "--format", "must be raw or qcow2, got " + Quoted.of(format));
    }
    long buildTime = mtime != null ? mtime : System.currentTimeMillis() / 1000;
    Path work = Scratch.create("graft-inject-");
    try {
      long started = System.nanoTime();
      for (int i = 0; i < files.size(); i++) {
        Payload payload = files.get(i) == null ? null : files.get(i).payload();
        if (payload != null
            && !(payload instanceof Payload.Inline)
            && !(payload instanceof Payload.LocalFile)) {
          throw new InjectionInputException(
              "files[" + i + "]",
              "only content, contentBase64 or contentFile can be injected by the local executor");
        }
      }
      // Everything but owner names is checked before the appliance starts.
      InjectionScript.generate(GuestAccounts.withNamesAsRoot(files), removes, (i, f) -> "/x", "/x");
      step("checked %d files and %d removals", started, files.size(), removes.size());

      started = System.nanoTime();
      boolean useKvm = KvmProbe.useKvm(kvm);
      step(
          "appliance: %s (kvm %s)", started, useKvm ? "KVM" : "software emulation, force_tcg", kvm);

      long runStarted = System.nanoTime();
      GuestfishSession session;
      try {
        session =
            GuestfishSession.open(
                disk, format, GuestfishCommand.environment(useKvm), work, TIMEOUT_SECONDS);
      } catch (InjectionFailedException e) {
        throw new InjectionFailedException(
            "guestfish failed with exit status 1: "
                + GuestFailures.explainOpen(disk, image, format, e));
      }
      try (session) {
        long launched = System.nanoTime();
        step("launched the appliance and mounted %s", runStarted, disk);
        Guest guest = Guest.read(session, files);
        List<FileToInject> resolved = guest.resolveOwners(files, image);
        guest.checkParents(resolved, image);
        guest.checkSpace(resolved, image);

        started = System.nanoTime();
        Path payloads = work.resolve("payloads");
        Path archive = work.resolve("payload.tar");
        InjectionScript script =
            InjectionScript.generate(
                resolved,
                removes,
                (i, file) ->
                    GuestfishCommand.scriptPath(
                        "payload directory", payloads.resolve(PayloadLocator.fileName(i))),
                GuestfishCommand.scriptPath("payload directory", archive),
                new InjectionScript.Options(
                    InjectionScript.Options.UPLOAD_ABOVE, buildTime, guest.relabel()));
        long bytes = writePayloads(payloads, archive, resolved, script, buildTime);
        step("wrote %d payloads, %d bytes", started, files.size(), bytes);

        try {
          session.run(script.text());
        } catch (InjectionFailedException e) {
          throw new InjectionFailedException(
              "guestfish failed with exit status 1: " + GuestFailures.explainWrite(image, e));
        }
        step("applied %d files, %d removals", launched, script.filesAdded(), script.filesRemoved());
        session.close();
        double seconds = (System.nanoTime() - runStarted) / 1e9;
        double launchSeconds = (launched - runStarted) / 1e9;
        return new InjectionReport(
            bytes,
            script.filesAdded(),
            script.filesRemoved(),
            seconds,
            launchSeconds,
            guest.selinux());
      }
    } finally {
      Scratch.delete(work);
    }
  }

  private void step(String format, long startedNanos, Object... args) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    progress.accept(String.format(Locale.ROOT, format, args) + String.format(" (%.1f s)", seconds));
  }

  /**
   * Writes the archive and the files uploaded on their own (a {@code contentFile} is linked, not
   * copied); returns the bytes of all files.
   */
  static long writePayloads(
      Path dir, Path archive, List<FileToInject> files, InjectionScript script, long mtime) {
    Set<Integer> archived = new HashSet<>();
    long bytes = 0;
    try {
      Files.createDirectories(dir);
      if (!script.archived().isEmpty()) {
        try (UstarWriter tar =
            new UstarWriter(new BufferedOutputStream(Files.newOutputStream(archive), 1 << 16))) {
          for (InjectionScript.ArchiveEntry entry : script.archived()) {
            // Archived files are small (at most Options.UPLOAD_ABOVE): one at a time in memory.
            byte[] data = bytes(files.get(entry.index()).payload());
            tar.add(
                entry.name(), entry.mode(), entry.owner().uid(), entry.owner().gid(), mtime, data);
            archived.add(entry.index());
          }
        }
      }
      for (int i = 0; i < files.size(); i++) {
        Payload payload = files.get(i).payload();
        Path target = dir.resolve(PayloadLocator.fileName(i));
        if (payload instanceof Payload.LocalFile file) {
          if (!archived.contains(i)) {
            Files.createSymbolicLink(target, Path.of(file.file()).toAbsolutePath());
          }
          bytes += file.size();
        } else {
          byte[] data = ((Payload.Inline) payload).bytes();
          if (!archived.contains(i)) {
            write(target, data);
          }
          bytes += data.length;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }

  private static byte[] bytes(Payload payload) throws IOException {
    return payload instanceof Payload.LocalFile file
        ? Files.readAllBytes(Path.of(file.file()))
        : ((Payload.Inline) payload).bytes();
  }

  /** A block-mode PVC reaches the pod as a device, not a file. */
  private static boolean isBlockDevice(Path disk) {
    try {
      int mode = (Integer) Files.getAttribute(disk, "unix:mode");
      return (mode & 0170000) == 0060000; // S_IFBLK
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static Path write(Path file, byte[] data) {
    try {
      return Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
