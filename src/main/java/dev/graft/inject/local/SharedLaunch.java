package dev.graft.inject.local;

import dev.graft.inject.DiskBuild;
import dev.graft.inject.DiskResult;
import dev.graft.inject.InjectionFailedException;
import dev.graft.inject.InjectionInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Several disks built in one appliance launch: all are added, their layouts found at once ({@link
 * SharedInspection}), then each in turn is mounted, written ({@link DiskWriter}) and unmounted. A
 * disk that fails fails alone; when its failing write ends the appliance, the disks after it get a
 * new shared launch. Disks whose layout a shared launch does not follow are handed back, to be
 * built one launch each.
 */
final class SharedLaunch {

  private final List<DiskBuild> builds;
  private final DiskResult[] results;
  private final List<Integer> alone = new ArrayList<>();
  private final Map<String, String> env;
  private final Path work;
  private final DiskWriter writer;
  private final Consumer<String> progress;

  /**
   * @param results where each disk's result goes, by its index in {@code builds}
   */
  SharedLaunch(
      List<DiskBuild> builds,
      DiskResult[] results,
      Map<String, String> env,
      Path work,
      Consumer<String> progress) {
    this.builds = builds;
    this.results = results;
    this.env = env;
    this.work = work;
    this.progress = progress;
    this.writer = new DiskWriter(progress);
  }

  /**
   * Builds the disks {@code pending} (indexes into the builds); returns those left to build alone.
   */
  List<Integer> run(List<Integer> pending) {
    launch(pending);
    return alone;
  }

  private void launch(List<Integer> pending) {
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
              LocalInjector.TIMEOUT_SECONDS);
    } catch (InjectionFailedException e) {
      // One disk may have stopped the launch: each alone names its own problem.
      step("a shared launch failed, building each disk alone: %s", runStarted, e.getMessage());
      alone.addAll(pending);
      return;
    }
    try (session) {
      step("launched the appliance on %d disks", runStarted, pending.size());
      long inspected = System.nanoTime();
      List<SharedLayout.Plan> plans;
      try {
        plans = SharedInspection.inspect(session, pending.size());
      } catch (InjectionFailedException e) {
        step("inspection failed, building each disk alone: %s", runStarted, e.getMessage());
        alone.addAll(pending);
        return;
      }
      step("found the layouts of %d disks", inspected, pending.size());
      long launched = System.nanoTime();
      double launchSeconds = (launched - runStarted) / 1e9;
      for (int k = 0; k < pending.size(); k++) {
        int i = pending.get(k);
        DiskBuild build = builds.get(i);
        SharedLayout.Plan plan = plans.get(k);
        if (!plan.shared()) {
          step("%s: built alone (%s)", launched, build.disk(), plan.alone());
          alone.add(i);
          continue;
        }
        long diskStarted = System.nanoTime();
        try {
          // Mount, read the guest, write, unmount: three round trips. No sync per disk: the
          // appliance syncs every disk when it shuts down (autosync), even after a failed write,
          // as a single launch does; a sync here cost 1 to 2.6 s per disk under load.
          DiskWriter.Applied applied =
              writer.apply(
                  session,
                  build,
                  work.resolve("disk-" + i),
                  build.buildTime(),
                  mountScript(plan.mounts()),
                  guest -> checkRoot(guest, plan.mounts(), build),
                  "umount-all\n");
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
            launch(pending.subList(k + 1, pending.size()));
            return;
          }
          try {
            session.run("umount-all\n");
          } catch (InjectionFailedException unmount) {
            launch(pending.subList(k + 1, pending.size()));
            return;
          }
        }
      }
    }
  }

  /**
   * Mounts the disk's filesystems read-write, as {@code guestfish -i} would: a filesystem that does
   * not mount is left out (and reported as a write error if a file needs it).
   */
  private static String mountScript(List<SharedLayout.Mount> mounts) {
    StringBuilder script = new StringBuilder();
    for (SharedLayout.Mount m : mounts) {
      script.append("-mount ").append(m.device()).append(' ').append(m.mountpoint()).append('\n');
    }
    return script.toString();
  }

  /** The root must have mounted, or nothing is written. */
  private static void checkRoot(Guest guest, List<SharedLayout.Mount> mounts, DiskBuild build) {
    String root =
        mounts.stream().filter(m -> m.mountpoint().equals("/")).findFirst().orElseThrow().device();
    if (!guest.mounted(root, "/")) {
      throw new InjectionFailedException(
          "could not mount the root filesystem of the image " + build.image() + " (" + root + ")");
    }
  }

  private void step(String format, long startedNanos, Object... args) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    progress.accept(
        String.format(Locale.ROOT, format, args)
            + String.format(Locale.ROOT, " (%.1f s)", seconds));
  }
}
