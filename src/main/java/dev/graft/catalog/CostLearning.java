package dev.graft.catalog;

import dev.graft.api.BuildTimings;
import dev.graft.api.GoldenImage;
import dev.graft.planner.Calibration;
import dev.graft.planner.CostLearner;
import dev.graft.planner.Weights;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The builds the cost model learns from: each Ready GoldenImage's {@code status.timings} (what its
 * injector reported and how long its clone took), remembered once per image. The timings live in
 * the GoldenImage status, so after a restart the learner is rebuilt from the catalog as it is
 * reconciled (and, for a namespace, all at once the first time it is planned): nothing else is
 * stored. Only the newest {@link #KEPT} builds are kept. Thread-safe.
 */
@jakarta.enterprise.context.ApplicationScoped
public class CostLearning {

  /** Builds remembered, newest first kept (the learner itself uses its own window of these). */
  static final int KEPT = 4 * CostLearner.WINDOW;

  /** The learned weights replace the configured ones once this many injections were measured. */
  public static final int MIN_SAMPLES = 8;

  /** Storage class key of clones made on the cluster's default class. */
  public static final String DEFAULT_CLASS = "(default)";

  private record Build(BuildTimings timings, String cloneMethod) {}

  // Ordered by finishedAt, then image key; byImage finds an image's entry.
  private final TreeMap<String, Build> builds = new TreeMap<>();
  private final Map<String, String> byImage = new HashMap<>();
  private final Set<String> primed = new HashSet<>();
  private CostLearner learner = new CostLearner();
  private boolean stale;

  /**
   * Remembers one finished build (idempotent: an image already known is skipped).
   *
   * @param image the image's identity (its uid)
   */
  public synchronized void remember(String image, BuildTimings timings, String cloneMethod) {
    if (image == null || timings == null || byImage.containsKey(image)) {
      return;
    }
    String order = (timings.finishedAt == null ? "" : timings.finishedAt) + "\u0000" + image;
    builds.put(order, new Build(timings, cloneMethod));
    byImage.put(image, order);
    while (builds.size() > KEPT) {
      String oldest = builds.firstKey();
      builds.remove(oldest);
      byImage.values().remove(oldest);
    }
    stale = true;
  }

  /** Remembers a GoldenImage's build if it has timings. */
  public void remember(GoldenImage gi) {
    GoldenImage.Status s = gi.getStatus();
    if (s != null && s.timings != null) {
      remember(key(gi), s.timings, s.cloneMethod);
    }
  }

  /** Remembers every build of a namespace's catalog once (after a restart, before planning). */
  public void prime(String namespace, Collection<GoldenImage> catalog) {
    prime(namespace, () -> catalog);
  }

  /** The same, listing the catalog only the first time (a plan should not walk it). */
  public void prime(
      String namespace, java.util.function.Supplier<Collection<GoldenImage>> catalog) {
    synchronized (this) {
      if (!primed.add(namespace == null ? "" : namespace)) {
        return;
      }
    }
    catalog.get().forEach(this::remember);
  }

  /** The learner over the remembered builds. */
  public synchronized CostLearner learner() {
    if (stale) {
      CostLearner l = new CostLearner();
      builds.values().forEach(b -> feed(l, b.timings(), b.cloneMethod()));
      learner = l;
      stale = false;
    }
    return learner;
  }

  /**
   * Weights fitted to the measured injections ({@code excessBytes} from {@code base}); null with
   * fewer than {@link #MIN_SAMPLES}.
   */
  public Calibration.Fit fit(Weights base) {
    CostLearner l = learner();
    return l.injectionSamples() < MIN_SAMPLES ? null : l.weights(base);
  }

  /**
   * The predicted seconds of cloning a disk of {@code bytes} on a storage class: the fit of the
   * clone method measured most often there (the one CDI picks for it); 0 when never measured.
   */
  public double cloneSeconds(String storageClass, long bytes) {
    CostLearner l = learner();
    String cls = classKey(storageClass);
    CostLearner.CloneFit best = null;
    for (String key : l.cloneKeys()) {
      int slash = key.lastIndexOf('/');
      if (key.substring(0, slash).equals(cls)) {
        CostLearner.CloneFit fit = l.clone(cls, key.substring(slash + 1));
        if (best == null || fit.samples() > best.samples()) {
          best = fit;
        }
      }
    }
    return best == null ? 0 : Math.max(0, best.seconds(bytes));
  }

  /**
   * The clone fit in use per storage class key (the method measured most often there): what {@link
   * #cloneSeconds} prices with, comparable between plans to see whether clone costs moved.
   */
  public Map<String, CostLearner.CloneFit> cloneFits() {
    CostLearner l = learner();
    Map<String, CostLearner.CloneFit> best = new TreeMap<>();
    for (String key : l.cloneKeys()) {
      int slash = key.lastIndexOf('/');
      String cls = key.substring(0, slash);
      CostLearner.CloneFit fit = l.clone(cls, key.substring(slash + 1));
      best.merge(cls, fit, (a, b) -> b.samples() > a.samples() ? b : a);
    }
    return best;
  }

  /** Feeds one build's timings to a learner: an injection sample and a clone sample if measured. */
  public static void feed(CostLearner l, BuildTimings t, String cloneMethod) {
    if (t.injectSeconds != null && t.launchSeconds != null) {
      l.injected(
          new CostLearner.InjectionSample(
              t.bytesAdded == null ? 0 : t.bytesAdded,
              t.filesAdded == null ? 0 : t.filesAdded,
              t.filesRemoved == null ? 0 : t.filesRemoved,
              t.injectSeconds,
              t.launchSeconds));
    }
    if (t.cloneSeconds != null && t.cloneBytes != null) {
      l.cloned(
          new CostLearner.CloneSample(
              classKey(t.storageClass),
              cloneMethod == null || cloneMethod.isBlank() ? "unknown" : cloneMethod,
              t.cloneBytes,
              t.cloneSeconds));
    }
  }

  /** The learner's key of a storage class: its name, or {@link #DEFAULT_CLASS}. */
  public static String classKey(String storageClass) {
    return storageClass == null || storageClass.isBlank() ? DEFAULT_CLASS : storageClass;
  }

  private static String key(GoldenImage gi) {
    String uid = gi.getMetadata().getUid();
    return uid != null ? uid : gi.getMetadata().getNamespace() + "/" + gi.getMetadata().getName();
  }
}
