package dev.graft.controller.goldenimage;

import dev.graft.api.GoldenImage;
import dev.graft.api.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds of a namespace that reach injection together share one injection Job (one appliance
 * launch) of up to {@code graft.build.max-disks-per-job} disks. An image ready to inject (clone
 * done, payload there, no Job for its attempt) registers here and gathers for {@link #GATHER},
 * longer (up to {@link #PATIENCE}) while builds of its namespace are still cloning; the first image
 * to find enough company, or to run out of patience, forms a group of itself and the images
 * registered longest, and creates the group's Job. A disk must never be in two Jobs (two writers
 * corrupt it): every member of a group is granted to it under this object's lock, and a grant is
 * forgotten only once the cache shows a Job for that image's attempt, or the attempt is over (the
 * image settled, deleted or on a later attempt). One operator process reconciles (leader election),
 * so a lock in memory is enough; after a restart nothing is granted and the caches show every Job
 * created before. Only images whose clone PVC names the same node ({@code
 * volume.kubernetes.io/selected-node}, or none) share a Job: a pod mounts all of its PVCs on one
 * node.
 */
public final class InjectionGroups {

  /** An image ready to inject waits this long for others to share its Job. */
  public static final Duration GATHER = Duration.ofSeconds(2);

  /** While builds of its namespace are still cloning, it waits for them up to this long. */
  public static final Duration PATIENCE = Duration.ofSeconds(20);

  /** A member waits this long for the group's creator before it creates the group itself. */
  static final Duration CREATOR = Duration.ofSeconds(5);

  /** Looked at again this often while gathering or waiting for the creator. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  /** The largest group: pods attach at most a few dozen volumes per node. */
  public static final int MAX_DISKS = 20;

  private final int maxDisks;
  private final Map<String, Map<String, Waiting>> ready = new HashMap<>();
  private final Map<String, Map<String, Group>> granted = new HashMap<>();

  /** An image registered as ready to inject. */
  private record Waiting(int attempt, String node, Instant since) {}

  /**
   * A group: its Job's name, its members ({@code image → attempt}, in name order), who formed it
   * and when.
   */
  public record Group(String jobName, Map<String, Integer> members, String creator, Instant at) {
    public int size() {
      return members.size();
    }
  }

  /** What the caches show of a namespace. */
  public interface Cluster {
    /** The GoldenImages of the namespace. */
    List<GoldenImage> images();

    /** Whether a Job for this image's attempt (its own or a group's) is in the cache. */
    boolean hasJob(String image, int attempt);
  }

  /** What an image ready to inject does now. */
  public sealed interface Placement {}

  /** Inject alone: the one-build Job of today. */
  public record Alone() implements Placement {}

  /** Wait for others to share the Job (gathering), or for the group's creator. */
  public record Wait(String message, Duration recheck) implements Placement {}

  /** Create the group's ConfigMap and Job (idempotent: same members, same names). */
  public record Create(Group group) implements Placement {}

  public static final Placement ALONE = new Alone();

  /**
   * @throws IllegalArgumentException naming {@code graft.build.max-disks-per-job} when out of range
   */
  public InjectionGroups(int maxDisks) {
    if (maxDisks < 1 || maxDisks > MAX_DISKS) {
      throw new IllegalArgumentException(
          "graft.build.max-disks-per-job: must be 1 to " + MAX_DISKS + ", got " + maxDisks);
    }
    this.maxDisks = maxDisks;
  }

  public boolean enabled() {
    return maxDisks > 1;
  }

  public int maxDisks() {
    return maxDisks;
  }

  /**
   * The Job granted to this image's attempt that the cache may not show yet (its name), or null.
   */
  public synchronized String grantedJob(String namespace, String image, int attempt) {
    Group g = granted.getOrDefault(namespace, Map.of()).get(image);
    return g != null && Objects.equals(g.members().get(image), attempt) ? g.jobName() : null;
  }

  /**
   * Where {@code image} (at {@code attempt}, its clone on {@code node} or null) goes now: alone, a
   * group to create, or a wait. Called only by an image ready to inject whose attempt has no Job in
   * the cache.
   *
   * @param singleJob the name of the image's own one-build Job (a group of one)
   */
  public synchronized Placement place(
      GoldenImage image, int attempt, String node, String singleJob, Cluster cluster, Instant now) {
    if (!enabled()) {
      return ALONE;
    }
    String ns = image.getMetadata().getNamespace();
    String name = image.getMetadata().getName();
    Map<String, Waiting> waiting = ready.computeIfAbsent(ns, k -> new HashMap<>());
    Map<String, Group> grants = granted.computeIfAbsent(ns, k -> new HashMap<>());
    Map<String, GoldenImage> byName = new HashMap<>();
    cluster.images().forEach(i -> byName.put(i.getMetadata().getName(), i));
    byName.put(name, image);
    // Forget what is over: attempts whose Job the cache shows, or no longer pending. Each image is
    // judged once and leaves both maps together: the cache changes meanwhile, and an image whose
    // grant went must not stay registered as free company.
    java.util.Set<String> known = new java.util.HashSet<>(waiting.keySet());
    known.addAll(grants.keySet());
    for (String other : known) {
      Group g = grants.get(other);
      int a = g != null ? g.members().get(other) : waiting.get(other).attempt();
      if (!pending(byName.get(other), a) || cluster.hasJob(other, a)) {
        grants.remove(other);
        waiting.remove(other);
      }
    }
    if (cluster.hasJob(name, attempt)) {
      // The Job came into the cache since this reconcile looked (its grant is forgotten now):
      // never into a second one. The next reconcile finds it.
      return new Wait("its injection Job is there", RECHECK);
    }
    Waiting me = waiting.get(name);
    if (me == null || me.attempt() != attempt) {
      me = new Waiting(attempt, node, now);
      waiting.put(name, me);
    }
    Group mine = grants.get(name);
    if (mine != null && mine.members().get(name) == attempt) {
      if (mine.size() == 1) {
        return ALONE;
      }
      boolean create =
          mine.creator().equals(name) || !now.isBefore(mine.at().plus(CREATOR)); // creator lost?
      return create
          ? new Create(mine)
          : new Wait(
              "waiting for Job " + mine.jobName() + " shared with " + others(mine, name), RECHECK);
    }
    // Company: registered, not granted, on the same node; longest waiting first.
    final Waiting self = me;
    List<String> company =
        waiting.entrySet().stream()
            .filter(e -> !e.getKey().equals(name))
            .filter(e -> !grants.containsKey(e.getKey()))
            .filter(e -> Objects.equals(e.getValue().node(), self.node()))
            .sorted(
                Comparator.comparing((Map.Entry<String, Waiting> e) -> e.getValue().since())
                    .thenComparing(Map.Entry::getKey))
            .map(Map.Entry::getKey)
            .limit(maxDisks - 1L)
            .toList();
    if (company.size() + 1 < maxDisks) {
      if (now.isBefore(me.since().plus(GATHER))) {
        return gathering(company.size() + 1, Duration.between(now, me.since().plus(GATHER)));
      }
      if (now.isBefore(me.since().plus(PATIENCE))
          && byName.values().stream().anyMatch(i -> cloning(i, waiting, grants, cluster))) {
        return gathering(company.size() + 1, RECHECK);
      }
    }
    Map<String, Integer> members = new java.util.TreeMap<>();
    members.put(name, attempt);
    company.forEach(c -> members.put(c, waiting.get(c).attempt()));
    List<String> keys =
        members.entrySet().stream()
            .map(e -> dev.graft.build.InjectionJobs.diskKey(e.getKey(), e.getValue()))
            .toList();
    Group group =
        new Group(
            members.size() == 1 ? singleJob : dev.graft.build.InjectionJobs.groupJobName(keys),
            members,
            name,
            now);
    members.keySet().forEach(m -> grants.put(m, group));
    return members.size() == 1 ? ALONE : new Create(group);
  }

  private static Wait gathering(int ready, Duration recheck) {
    return new Wait(
        "gathering builds to share one injection Job (" + ready + " ready)",
        recheck.isNegative() || recheck.isZero() ? RECHECK : recheck.plusMillis(50));
  }

  private static String others(Group g, String name) {
    return String.join(", ", g.members().keySet().stream().filter(m -> !m.equals(name)).toList());
  }

  /** Building, at this attempt, as far as the cache shows: not settled, not being deleted. */
  private static boolean pending(GoldenImage gi, int attempt) {
    if (gi == null || gi.getMetadata().getDeletionTimestamp() != null) {
      return false;
    }
    var s = gi.getStatus();
    if (s == null) {
      return true;
    }
    int current = s.attempts == null ? 1 : s.attempts;
    return s.phase != Phase.Ready && s.phase != Phase.Failed && current <= attempt;
  }

  /**
   * A build of the namespace still cloning (started, not ready to inject, no Job): it will soon be
   * company.
   */
  private static boolean cloning(
      GoldenImage gi, Map<String, Waiting> waiting, Map<String, Group> grants, Cluster cluster) {
    var s = gi.getStatus();
    if (gi.getSpec().parent == null
        || s == null
        || s.buildStartedAt == null
        || waiting.containsKey(gi.getMetadata().getName())
        || grants.containsKey(gi.getMetadata().getName())) {
      return false;
    }
    int attempt = s.attempts == null ? 1 : s.attempts;
    return pending(gi, attempt) && !cluster.hasJob(gi.getMetadata().getName(), attempt);
  }
}
