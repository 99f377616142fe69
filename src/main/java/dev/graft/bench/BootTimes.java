package dev.graft.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * When every VM of a fleet could boot, from the builds a strategy plans: each build waits for its
 * parent (an image built in the same plan) to be Ready, builds run in injection Jobs of up to
 * {@code disksPerJob} disks of the same wave, and at most {@code slots} Jobs run at once (list
 * scheduling, wave by wave, each Job on the slot that frees first). A Job takes the clone, one
 * appliance launch, {@code extraDiskSeconds} for each disk after the first, and the disks' own work
 * (bytes and files from the calibrated weights). A VM whose image is cached waits for no build.
 * Pure arithmetic: the launch and per-disk figures are inputs, so new measurements update it.
 */
public final class BootTimes {
  private BootTimes() {}

  /**
   * @param launchSeconds one appliance launch, inspection and mount
   * @param extraDiskSeconds what each disk after the first adds to a launch (attach, inspect,
   *     mount)
   * @param disksPerJob how many builds of one wave share a launch (1: one Job per build)
   * @param slots how many Jobs run at once (0: no limit)
   * @param cloneSeconds the clone of the parent before a Job (once per Job: the clones run
   *     together)
   */
  public record Settings(
      double launchSeconds,
      double extraDiskSeconds,
      int disksPerJob,
      int slots,
      double cloneSeconds) {
    public Settings {
      if (!(launchSeconds >= 0) || !(extraDiskSeconds >= 0) || !(cloneSeconds >= 0)) {
        throw new IllegalArgumentException(
            "launch, per-disk and clone seconds must be 0 or more: launch "
                + launchSeconds
                + ", per disk "
                + extraDiskSeconds
                + ", clone "
                + cloneSeconds);
      }
      if (disksPerJob < 1) {
        throw new IllegalArgumentException("disksPerJob must be 1 or more: " + disksPerJob);
      }
      if (slots < 0) {
        throw new IllegalArgumentException("slots must be 0 (no limit) or more: " + slots);
      }
    }

    /** The same with another number of Jobs at once. */
    public Settings withSlots(int n) {
      return new Settings(launchSeconds, extraDiskSeconds, disksPerJob, n, cloneSeconds);
    }

    /** How long one Job of these disks' work takes. */
    public double jobSeconds(List<Double> work) {
      return cloneSeconds
          + launchSeconds
          + extraDiskSeconds * (work.size() - 1)
          + work.stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  /**
   * One image to build.
   *
   * @param parent the build it starts from, or null when it starts from a cached image
   * @param workSeconds the disk's own work: bytes written, files added and removed
   */
  public record Build(String image, String parent, double workSeconds) {}

  /**
   * What a schedule took.
   *
   * @param seconds until the last build is Ready: every VM could boot
   * @param jobSeconds the sum of all Jobs' durations (the work the cluster does)
   * @param waves the longest chain of builds
   */
  public record Result(int builds, int jobs, int waves, double seconds, double jobSeconds) {}

  /** Schedules the builds (parents among them before their children). */
  public static Result schedule(List<Build> builds, Settings settings) {
    Map<String, Build> byImage = new HashMap<>();
    for (Build b : builds) {
      if (byImage.put(b.image(), b) != null) {
        throw new IllegalArgumentException("image " + b.image() + " is built twice");
      }
    }
    Map<String, Integer> wave = new HashMap<>();
    TreeMap<Integer, List<Build>> byWave = new TreeMap<>();
    for (Build b : builds) {
      byWave.computeIfAbsent(waveOf(b, byImage, wave, 0), w -> new ArrayList<>()).add(b);
    }
    PriorityQueue<Double> free = new PriorityQueue<>();
    int slots = settings.slots() == 0 ? Math.max(1, builds.size()) : settings.slots();
    for (int i = 0; i < slots; i++) {
      free.add(0.0);
    }
    Map<String, Double> readyAt = new HashMap<>();
    int jobs = 0;
    double end = 0;
    double work = 0;
    for (List<Build> inWave : byWave.values()) {
      // Earliest parents first, so that a Job's disks were ready at about the same time.
      List<Build> sorted = new ArrayList<>(inWave);
      sorted.sort(
          Comparator.comparingDouble((Build b) -> parentReady(b, readyAt))
              .thenComparing(Build::image));
      for (int from = 0; from < sorted.size(); from += settings.disksPerJob()) {
        List<Build> job =
            sorted.subList(from, Math.min(sorted.size(), from + settings.disksPerJob()));
        double ready = job.stream().mapToDouble(b -> parentReady(b, readyAt)).max().orElse(0);
        double duration = settings.jobSeconds(job.stream().map(Build::workSeconds).toList());
        double start = Math.max(ready, free.poll());
        double finish = start + duration;
        free.add(finish);
        job.forEach(b -> readyAt.put(b.image(), finish));
        jobs++;
        work += duration;
        end = Math.max(end, finish);
      }
    }
    return new Result(builds.size(), jobs, byWave.isEmpty() ? 0 : byWave.lastKey(), end, work);
  }

  private static double parentReady(Build b, Map<String, Double> readyAt) {
    return b.parent() == null ? 0 : readyAt.getOrDefault(b.parent(), 0.0);
  }

  private static int waveOf(
      Build b, Map<String, Build> byImage, Map<String, Integer> wave, int depth) {
    Integer known = wave.get(b.image());
    if (known != null) {
      return known;
    }
    if (depth > byImage.size()) {
      throw new IllegalArgumentException("builds form a cycle through " + b.image());
    }
    Build parent = b.parent() == null ? null : byImage.get(b.parent());
    int w = parent == null ? 1 : waveOf(parent, byImage, wave, depth + 1) + 1;
    wave.put(b.image(), w);
    return w;
  }
}
