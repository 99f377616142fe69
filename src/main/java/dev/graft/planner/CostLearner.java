package dev.graft.planner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns the cost model from what builds report: the injector's launch time and write time (its
 * termination message), and the clone time of each storage class and clone method (CDI's DataVolume
 * conditions). The launch is the per-build weight, measured directly rather than regressed; the
 * write part is fitted by {@link Calibration} on bytes and files; a clone is fitted as {@code
 * seconds ≈ fixed + perByte·bytes} per class and method (snapshot and CSI clones come out roughly
 * constant, host-assisted copies in proportion to bytes). Keeps the last {@link #WINDOW} samples of
 * each kind, and reads and writes them as ConfigMap data so they survive restarts. Thread-safe.
 */
public final class CostLearner {
  /** Samples kept per kind (injection, and each class and method). */
  public static final int WINDOW = 200;

  /** What one injection reported. */
  public record InjectionSample(
      long bytesAdded, int filesAdded, int filesRemoved, double seconds, double launchSeconds) {}

  /** How long one clone of {@code bytes} took on a storage class with a clone method. */
  public record CloneSample(String storageClass, String method, long bytes, double seconds) {}

  /** A fitted clone time: {@code fixedSeconds + secondsPerByte·bytes}. */
  public record CloneFit(double fixedSeconds, double secondsPerByte, int samples) {
    public double seconds(long bytes) {
      return fixedSeconds + secondsPerByte * bytes;
    }
  }

  private final Deque<InjectionSample> injections = new ArrayDeque<>();
  private final Map<String, Deque<CloneSample>> clones = new TreeMap<>();

  public synchronized void injected(InjectionSample s) {
    add(injections, s);
  }

  public synchronized void cloned(CloneSample s) {
    add(clones.computeIfAbsent(key(s.storageClass(), s.method()), k -> new ArrayDeque<>()), s);
  }

  public synchronized int injectionSamples() {
    return injections.size();
  }

  /**
   * Weights learned from the injections: {@code perBuild} is the mean launch plus the fitted fixed
   * part of the write; {@code excessBytes}, and any weight no sample measured (nothing removed,
   * say), are kept from {@code base}. Null without samples.
   */
  public synchronized Calibration.Fit weights(Weights base) {
    if (injections.isEmpty()) {
      return null;
    }
    double launch = 0;
    List<Calibration.Measurement> writes = new ArrayList<>();
    for (InjectionSample s : injections) {
      launch += s.launchSeconds();
      writes.add(
          new Calibration.Measurement(
              s.bytesAdded(),
              s.filesAdded(),
              s.filesRemoved(),
              Math.max(0, s.seconds() - s.launchSeconds())));
    }
    launch /= injections.size();
    Calibration.Fit write = Calibration.fit(writes, base);
    Weights w = write.weights();
    // A weight no sample says anything about (no bytes, no file written, nothing removed) keeps
    // its value from base instead of the fit's 0.
    boolean bytes = writes.stream().anyMatch(m -> m.bytesAdded() > 0);
    boolean added = writes.stream().anyMatch(m -> m.filesAdded() > 0);
    boolean removed = writes.stream().anyMatch(m -> m.filesRemoved() > 0);
    return new Calibration.Fit(
        new Weights(
            bytes ? w.missingBytes() : base.missingBytes(),
            added ? w.inject() : base.inject(),
            removed ? w.remove() : base.remove(),
            w.excessBytes(),
            launch + w.perBuild()),
        write.rmsErrorSeconds(),
        write.samples());
  }

  /** The fitted clone time of a class and method; null without samples. */
  public synchronized CloneFit clone(String storageClass, String method) {
    Deque<CloneSample> samples = clones.get(key(storageClass, method));
    if (samples == null || samples.isEmpty()) {
      return null;
    }
    List<Calibration.Measurement> m = new ArrayList<>();
    for (CloneSample s : samples) {
      m.add(new Calibration.Measurement(s.bytes(), 0, 0, s.seconds()));
    }
    Weights w = Calibration.fit(m, Weights.DEFAULT).weights();
    return new CloneFit(w.perBuild(), w.missingBytes(), samples.size());
  }

  /** Every class and method with samples, as {@code class/method}. */
  public synchronized List<String> cloneKeys() {
    return List.copyOf(clones.keySet());
  }

  /** The samples as ConfigMap data: one key per kind, one sample per line. */
  public synchronized Map<String, String> toData() {
    Map<String, String> data = new LinkedHashMap<>();
    StringBuilder sb = new StringBuilder();
    for (InjectionSample s : injections) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%d %d %d %.3f %.3f%n",
              s.bytesAdded(),
              s.filesAdded(),
              s.filesRemoved(),
              s.seconds(),
              s.launchSeconds()));
    }
    data.put("injections", sb.toString());
    clones.forEach(
        (k, samples) -> {
          StringBuilder c = new StringBuilder();
          for (CloneSample s : samples) {
            c.append(String.format(Locale.ROOT, "%d %.3f%n", s.bytes(), s.seconds()));
          }
          data.put("clone." + k.replace('/', '.'), c.toString());
        });
    return data;
  }

  /**
   * Samples read back from {@link #toData}; a line that does not parse is skipped, so one damaged
   * entry never stops the operator.
   */
  public static CostLearner fromData(Map<String, String> data) {
    CostLearner learner = new CostLearner();
    if (data == null) {
      return learner;
    }
    data.forEach(
        (key, text) -> {
          for (String line : text == null ? new String[0] : text.split("\n")) {
            String[] f = line.trim().split(" ");
            try {
              if (key.equals("injections") && f.length == 5) {
                learner.injected(
                    new InjectionSample(
                        Long.parseLong(f[0]),
                        Integer.parseInt(f[1]),
                        Integer.parseInt(f[2]),
                        Double.parseDouble(f[3]),
                        Double.parseDouble(f[4])));
              } else if (key.startsWith("clone.") && f.length == 2) {
                String[] cm = key.substring("clone.".length()).split("\\.(?=[^.]*$)");
                if (cm.length == 2) {
                  learner.cloned(
                      new CloneSample(
                          cm[0], cm[1], Long.parseLong(f[0]), Double.parseDouble(f[1])));
                }
              }
            } catch (NumberFormatException e) {
              // a damaged line: skipped
            }
          }
        });
    return learner;
  }

  private static String key(String storageClass, String method) {
    return (storageClass == null ? "" : storageClass) + "/" + method;
  }

  private static <T> void add(Deque<T> window, T sample) {
    window.addLast(sample);
    while (window.size() > WINDOW) {
      window.removeFirst();
    }
  }
}
