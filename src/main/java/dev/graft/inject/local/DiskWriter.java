package dev.graft.inject.local;

import dev.graft.inject.DiskBuild;
import dev.graft.inject.FileToInject;
import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.InjectionReport;
import dev.graft.inject.Payload;
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
 * Writes one build into a guest already mounted in a launched appliance: reads what it must know of
 * the guest ({@link Guest}), checks owners, parents and space, writes the payloads to a work
 * directory and runs the build's script. The single and the shared launch both write through it.
 */
final class DiskWriter {

  private final Consumer<String> progress;

  DiskWriter(Consumer<String> progress) {
    this.progress = progress;
  }

  /** A disk written: its script and the bytes of its files. */
  record Applied(InjectionScript script, long bytes, String selinux) {
    InjectionReport report(double seconds, double launchSeconds) {
      return new InjectionReport(
          bytes, script.filesAdded(), script.filesRemoved(), seconds, launchSeconds, selinux);
    }
  }

  /**
   * Reads the mounted guest (owners, parents, space, SELinux), then writes the disk's files and
   * removals; {@code work} holds its payloads.
   */
  Applied apply(GuestfishSession session, DiskBuild build, Path work, long buildTime) {
    return apply(session, build, work, buildTime, "", guest -> {}, "");
  }

  /**
   * As {@link #apply(GuestfishSession, DiskBuild, Path, long)}, with {@code mount} run in the same
   * round trip as the first reads of the guest, {@code mounted} checking the guest before anything
   * is written, and {@code after} run in the same round trip as the writes: a shared launch pays
   * its round trips once per disk.
   */
  Applied apply(
      GuestfishSession session,
      DiskBuild build,
      Path work,
      long buildTime,
      String mount,
      Consumer<Guest> mounted,
      String after) {
    List<FileToInject> files = build.files();
    String image = build.image();
    Guest guest = Guest.read(session, files, mount);
    mounted.accept(guest);
    List<FileToInject> resolved = guest.resolveOwners(files, image);
    guest.checkParents(resolved, image);
    guest.checkSpace(resolved, image);

    long started = System.nanoTime();
    Path payloads = work.resolve("payloads");
    Path archive = work.resolve("payload.tar");
    InjectionScript script =
        InjectionScript.generate(
            resolved,
            build.removes(),
            (i, file) ->
                GuestfishCommand.scriptPath(
                    "payload directory", payloads.resolve(PayloadLocator.fileName(i))),
            GuestfishCommand.scriptPath("payload directory", archive),
            new InjectionScript.Options(
                InjectionScript.Options.UPLOAD_ABOVE, buildTime, guest.relabel()));
    long bytes = writePayloads(payloads, archive, resolved, script, buildTime);
    step("wrote %d payloads, %d bytes", started, files.size(), bytes);
    try {
      session.run(script.text() + after);
    } catch (InjectionFailedException e) {
      throw new InjectionFailedException(
          "guestfish failed with exit status 1: " + GuestFailures.explainWrite(image, e));
    }
    return new Applied(script, bytes, guest.selinux());
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

  private static Path write(Path file, byte[] data) {
    try {
      return Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
