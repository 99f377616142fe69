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
import dev.graft.inject.script.PayloadLocator;
import dev.graft.inject.script.UstarWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        Applied applied = apply(session, build, work, buildTime);
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
   * Builds several disks in one appliance launch: all are added, then each in turn is mounted (its
   * own root, found by inspection), written as {@link #inject(DiskBuild)} writes, and unmounted.
   * One result per disk, in order: a disk that fails (bad spec, unknown owner, full filesystem)
   * fails alone and the others go on; a disk whose layout a shared launch cannot tell apart from
   * the others' (LVM, several or no operating systems) is built in a launch of its own. One disk is
   * built exactly as {@link #inject(DiskBuild)} builds it.
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
        new SharedRun(builds, results, alone, GuestfishCommand.environment(useKvm), work)
            .run(shared);
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

  /** Builds of one shared launch, relaunched for the rest when a failing write ends it. */
  private final class SharedRun {
    private final List<DiskBuild> builds;
    private final DiskResult[] results;
    private final List<Integer> alone;
    private final Map<String, String> env;
    private final Path work;

    SharedRun(
        List<DiskBuild> builds,
        DiskResult[] results,
        List<Integer> alone,
        Map<String, String> env,
        Path work) {
      this.builds = builds;
      this.results = results;
      this.alone = alone;
      this.env = env;
      this.work = work;
    }

    void run(List<Integer> pending) {
      if (pending.size() < 2) {
        alone.addAll(pending);
        return;
      }
      long runStarted = System.nanoTime();
      GuestfishSession session;
      try {
        session =
            GuestfishSession.openShared(
                pending.stream().map(i -> builds.get(i).disk()).toList(),
                pending.stream().map(i -> builds.get(i).format()).toList(),
                env,
                work,
                TIMEOUT_SECONDS);
      } catch (InjectionFailedException e) {
        // One disk may have stopped the launch: each alone names its own problem.
        step("a shared launch failed, building each disk alone: %s", runStarted, e.getMessage());
        alone.addAll(pending);
        return;
      }
      try (session) {
        Map<Integer, List<SharedLayout.Mount>> layout;
        try {
          layout = inspect(session, pending.size());
        } catch (InjectionFailedException e) {
          step("inspection failed, building each disk alone: %s", runStarted, e.getMessage());
          alone.addAll(pending);
          return;
        }
        long launched = System.nanoTime();
        double launchSeconds = (launched - runStarted) / 1e9;
        step("launched the appliance on %d disks", runStarted, pending.size());
        for (int k = 0; k < pending.size(); k++) {
          int i = pending.get(k);
          DiskBuild build = builds.get(i);
          List<SharedLayout.Mount> mounts = layout.get(k);
          if (mounts == null) {
            step("%s: built alone (its layout needs a launch of its own)", launched, build.disk());
            alone.add(i);
            continue;
          }
          long diskStarted = System.nanoTime();
          try {
            mount(session, mounts, build);
            Applied applied = apply(session, build, work.resolve("disk-" + i), build.buildTime());
            session.run("umount-all\nsync\n");
            double own = (System.nanoTime() - diskStarted) / 1e9;
            results[i] = DiskResult.done(applied.report(launchSeconds + own, launchSeconds));
            step(
                "%s: applied %d files, %d removals",
                diskStarted,
                build.disk(),
                applied.script().filesAdded(),
                applied.script().filesRemoved());
          } catch (RuntimeException e) {
            // Bad input, libguestfs's error, or a payload that cannot be read: this disk only.
            String why =
                e instanceof InjectionInputException || e instanceof InjectionFailedException
                    ? e.getMessage()
                    : "injection failed: " + e;
            results[i] = DiskResult.failed(why);
            step("%s: failed: %s", diskStarted, build.disk(), why);
            if (!session.alive()) {
              // A failed write ends the listener: the disks after this one get a new launch.
              run(pending.subList(k + 1, pending.size()));
              return;
            }
            try {
              session.run("umount-all\n");
            } catch (InjectionFailedException unmount) {
              run(pending.subList(k + 1, pending.size()));
              return;
            }
          }
        }
      }
    }
  }

  /** Each disk's mounts by its position in the launch; a disk without is built alone. */
  private static Map<Integer, List<SharedLayout.Mount>> inspect(
      GuestfishSession session, int disks) {
    Map<String, String> answers =
        Guest.parse(
            session.run(
                Guest.sections(
                    Map.of(
                        "devices", "list-devices",
                        "partitions", "list-partitions",
                        "roots", "inspect-os"))));
    List<String> roots = Guest.lines(answers.get("roots"));
    Map<String, String> queries = new LinkedHashMap<>();
    for (int r = 0; r < roots.size(); r++) {
      queries.put("root" + r, "inspect-get-mountpoints " + roots.get(r));
    }
    Map<String, String> mountpoints =
        roots.isEmpty() ? Map.of() : Guest.parse(session.run(Guest.sections(queries)));
    Map<String, Map<String, String>> byRoot = new LinkedHashMap<>();
    for (int r = 0; r < roots.size(); r++) {
      Map<String, String> mounts = new LinkedHashMap<>();
      for (String line : Guest.lines(mountpoints.get("root" + r))) {
        int colon = line.lastIndexOf(": ");
        if (colon > 0) {
          mounts.put(line.substring(0, colon), line.substring(colon + 2));
        }
      }
      byRoot.put(roots.get(r), mounts);
    }
    SharedLayout layout =
        new SharedLayout(
            Guest.lines(answers.get("devices")), Guest.lines(answers.get("partitions")));
    Map<Integer, List<SharedLayout.Mount>> out = new LinkedHashMap<>();
    for (int k = 0; k < disks; k++) {
      int disk = k;
      layout.mounts(disk, byRoot).ifPresent(m -> out.put(disk, m));
    }
    return out;
  }

  /**
   * Mounts the disk's filesystems read-write, as {@code guestfish -i} would: a filesystem that does
   * not mount is left out (and reported as a write error if a file needs it), the root must.
   */
  private static void mount(
      GuestfishSession session, List<SharedLayout.Mount> mounts, DiskBuild build) {
    StringBuilder script = new StringBuilder();
    for (SharedLayout.Mount m : mounts) {
      script.append("-mount ").append(m.device()).append(' ').append(m.mountpoint()).append('\n');
    }
    script.append("echo ==graft:mounted\nmountpoints\n");
    String out = session.run(script.toString());
    String root = mounts.get(0).device();
    boolean mounted =
        out.substring(Math.max(0, out.indexOf("==graft:mounted")))
            .lines()
            .anyMatch(l -> l.equals(root + ": /"));
    if (!mounted) {
      throw new InjectionFailedException(
          "could not mount the root filesystem of the image " + build.image() + " (" + root + ")");
    }
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

  /** A disk written: its script and the bytes of its files. */
  private record Applied(InjectionScript script, long bytes, String selinux) {
    InjectionReport report(double seconds, double launchSeconds) {
      return new InjectionReport(
          bytes, script.filesAdded(), script.filesRemoved(), seconds, launchSeconds, selinux);
    }
  }

  /**
   * Reads the mounted guest (owners, parents, space, SELinux), then writes the disk's files and
   * removals; {@code work} holds its payloads.
   */
  private Applied apply(GuestfishSession session, DiskBuild build, Path work, long buildTime) {
    List<FileToInject> files = build.files();
    String image = build.image();
    Guest guest = Guest.read(session, files);
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
      session.run(script.text());
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
