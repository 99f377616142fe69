package dev.graft.inject.local;

import dev.graft.inject.DiskBuild;
import dev.graft.inject.DiskResult;
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
import dev.graft.inject.script.UstarWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    return inject(new DiskBuild(disk, format, files, removes, mtime, image));
  }

  /** As {@link #inject(Path, String, List, List, Long, String)}, for one disk in its own launch. */
  public InjectionReport inject(DiskBuild build) {
    long started = System.nanoTime();
    check(build);
    step("checked %d files and %d removals", started, build.files().size(), build.removes().size());
    long buildTime = build.buildTime();
    Path work = Scratch.create("graft-inject-");
    try {
      started = System.nanoTime();
      boolean useKvm = KvmProbe.useKvm(kvm);
      step(
          "appliance: %s (kvm %s)", started, useKvm ? "KVM" : "software emulation, force_tcg", kvm);

      long runStarted = System.nanoTime();
      GuestfishSession session;
      try {
        session =
            GuestfishSession.open(
                build.disk(),
                build.format(),
                GuestfishCommand.environment(useKvm),
                work,
                TIMEOUT_SECONDS);
      } catch (InjectionFailedException e) {
        throw new InjectionFailedException(
            "guestfish failed with exit status 1: "
                + GuestFailures.explainOpen(build.disk(), build.image(), build.format(), e));
      }
      try (session) {
        long launched = System.nanoTime();
        step("launched the appliance and mounted %s", runStarted, build.disk());
        DiskWriter.Applied applied =
            new DiskWriter(progress).apply(session, build, work, buildTime);
        step(
            "applied %d files, %d removals",
            launched, applied.script().filesAdded(), applied.script().filesRemoved());
        session.close();
        double seconds = (System.nanoTime() - runStarted) / 1e9;
        double launchSeconds = (launched - runStarted) / 1e9;
        return applied.report(seconds, launchSeconds);
      }
    } finally {
      Scratch.delete(work);
    }
  }

  /**
   * Builds several disks in one appliance launch ({@link SharedLaunch}): all are added, then each
   * in turn is mounted (its own root and its own {@code /etc/fstab}, found without {@code
   * inspect-os}: {@link SharedLayout}), written as {@link #inject(DiskBuild)} writes, and
   * unmounted. One result per disk, in order: a disk that fails (bad spec, unknown owner, full
   * filesystem) fails alone and the others go on; a disk whose layout a shared launch does not
   * follow (LVM, btrfs, several or no operating systems) is built in a launch of its own. One disk
   * is built exactly as {@link #inject(DiskBuild)} builds it.
   */
  public List<DiskResult> injectAll(List<DiskBuild> builds) {
    DiskResult[] results = new DiskResult[builds.size()];
    List<Integer> shared = new ArrayList<>();
    for (int i = 0; i < builds.size(); i++) {
      try {
        check(builds.get(i));
        shared.add(i);
      } catch (InjectionInputException | InjectionFailedException e) {
        results[i] = DiskResult.failed(e.getMessage());
      }
    }
    List<Integer> alone = new ArrayList<>();
    if (shared.size() == 1) {
      alone.addAll(shared);
    } else if (!shared.isEmpty()) {
      Path work = Scratch.create("graft-inject-");
      try {
        boolean useKvm = KvmProbe.useKvm(kvm);
        alone.addAll(
            new SharedLaunch(builds, results, GuestfishCommand.environment(useKvm), work, progress)
                .run(shared));
      } finally {
        Scratch.delete(work);
      }
    }
    for (int i : alone) {
      try {
        results[i] = DiskResult.done(inject(builds.get(i)));
      } catch (InjectionInputException | InjectionFailedException e) {
        results[i] = DiskResult.failed(e.getMessage());
      } catch (RuntimeException e) {
        results[i] = DiskResult.failed("injection failed: " + e);
      }
    }
    return List.of(results);
  }

  /**
   * Everything that can be checked before the appliance starts: the disk, the format, the payload
   * kinds, the paths, modes and numeric owners.
   *
   * @throws InjectionInputException naming the field of the first bad value
   */
  public static void check(DiskBuild build) {
    Path disk = build.disk();
    if (!Files.isRegularFile(disk) && !isBlockDevice(disk)) {
      throw new InjectionInputException("--disk", "no such image file: " + Quoted.of("" + disk));
    }
    String format = build.format();
    if (format != null && !format.equals("raw") && !format.equals("qcow2")) {
      throw new InjectionInputException(
          "--format", "must be raw or qcow2, got " + Quoted.of(format));
    }
    List<FileToInject> files = build.files();
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
    InjectionScript.generate(
        GuestAccounts.withNamesAsRoot(files), build.removes(), (i, f) -> "/x", "/x");
  }

  private void step(String format, long startedNanos, Object... args) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    progress.accept(String.format(Locale.ROOT, format, args) + String.format(" (%.1f s)", seconds));
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
}
