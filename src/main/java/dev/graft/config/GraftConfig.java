package dev.graft.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * All operator configuration, in one place (prefix {@code graft}). Every property can be set as an
 * environment variable ({@code graft.planner.strategy} is {@code GRAFT_PLANNER_STRATEGY}); the Helm
 * values and the README's configuration table are checked against this interface.
 */
@ConfigMapping(prefix = "graft")
public interface GraftConfig {

  /** Namespace that holds the GoldenImage catalog; empty: the namespace of each request. */
  Optional<String> catalogNamespace();

  /** The shared catalog namespace, when one is set (blank counts as none). */
  default Optional<String> sharedCatalog() {
    return catalogNamespace().filter(s -> !s.isBlank());
  }

  /**
   * Where the images of requests (or bases) in {@code namespace} live: the shared catalog, else
   * there.
   */
  default String catalogNamespaceFor(String namespace) {
    return sharedCatalog().orElse(namespace);
  }

  Planner planner();

  Cache cache();

  Injector injector();

  Storage storage();

  Files files();

  Build build();

  Downloads downloads();

  /** Where URL files come from. */
  interface Downloads {
    /**
     * Hosts URL files and each of their redirects may lead to ({@code images.example.org}, {@code
     * *.example.org}); empty: any host. Enforced by the injection Job.
     */
    Optional<java.util.List<String>> allowedHosts();
  }

  /** How sources are chosen. */
  interface Planner {
    /** optimal, nearest, exact-only or base-only. */
    @WithDefault("optimal")
    String strategy();

    Weights weights();

    /**
     * How long a new request waits before it is planned, so that requests applied together (one
     * kubectl apply, one GitOps sync) are planned together.
     */
    @WithDefault("2s")
    java.time.Duration batchWindow();

    /**
     * Learn the weights and clone times from measured builds (status.timings); the run-time
     * ConfigMap graft-planner-weights may pin weights or switch this.
     */
    @WithDefault("true")
    boolean calibrate();
  }

  /**
   * Cost model weights (plan-format.md); costs are in predicted build seconds by default. The
   * defaults are fitted to measured libguestfs injections (docs/benchmarks.md, "Injection").
   */
  interface Weights {
    /** Seconds per byte written. */
    @WithDefault("6.0e-8")
    double missingBytes();

    /** Seconds per file written. */
    @WithDefault("0.0016")
    double inject();

    /** Seconds per file removed. */
    @WithDefault("0.0015")
    double remove();

    @WithDefault("0.0")
    double excessBytes();

    /** Seconds of one appliance launch. */
    @WithDefault("21.9")
    double perBuild();

    /**
     * Seconds of an appliance launch shared by the builds of one injection Job (each build pays
     * {@code perLaunch / graft.build.max-disks-per-job}); with learned weights in use it is 0.
     */
    @WithDefault("0.0")
    double perLaunch();

    /** Seconds one more disk adds to a shared launch (inspect, mount, unmount). */
    @WithDefault("0.0")
    double perDisk();
  }

  /** Catalog limits per OS; 0 means unlimited. */
  interface Cache {
    @WithDefault("0")
    int maxImagesPerOs();

    @WithDefault("0")
    long maxBytesPerOs();

    /**
     * With a limit set (eviction on): an image outdated (built on an older base generation) and
     * unused for this long is deleted even within the limits.
     */
    @WithDefault("24h")
    java.time.Duration outdatedGracePeriod();
  }

  /** The injection Job. */
  interface Injector {
    @WithDefault("ghcr.io/graft-dev/graft-injector:0.1.0")
    String image();

    /** auto: request /dev/kvm when a node offers it, else software emulation; always; never. */
    @WithDefault("auto")
    String kvm();

    @WithDefault("500m")
    String cpuRequest();

    @WithDefault("2")
    String cpuLimit();

    @WithDefault("1Gi")
    String memoryRequest();

    @WithDefault("2Gi")
    String memoryLimit();

    @WithDefault("1800")
    long activeDeadlineSeconds();

    @WithDefault("2")
    int backoffLimit();

    @WithDefault("3600")
    int ttlSecondsAfterFinished();

    /** Non-root user (and group) of the Job: 107 is the qemu user that owns CDI disk images. */
    @WithDefault("107")
    long runAsUser();

    /** Secrets (names) the Job pulls its image with, from a private registry. */
    Optional<java.util.List<String>> imagePullSecrets();

    /** Node labels the Job's node must have, as a JSON object. */
    Optional<String> nodeSelector();

    /** Tolerations of the Job's pod (tainted KVM nodes), as a JSON list. */
    Optional<String> tolerations();

    /** Affinity of the Job's pod, as JSON. */
    Optional<String> affinity();

    /** PriorityClass of the Job's pod. */
    Optional<String> priorityClassName();
  }

  /**
   * Storage of every DataVolume Graft creates, where an image's own storage leaves a field unset;
   * an empty value is left to CDI's StorageProfile.
   */
  interface Storage {
    /** StorageClass of golden image PVCs; empty: the cluster default. */
    Optional<String> className();

    /** Filesystem or Block; empty: the StorageProfile's. */
    Optional<String> volumeMode();

    /**
     * ReadWriteOnce, ReadWriteMany, ...; empty: the StorageProfile's. Needed where CDI has no
     * profile for the provisioner (local-path on kind and k3s, many CSI drivers).
     */
    Optional<java.util.List<String>> accessModes();

    /**
     * Longest clone chain per StorageClass ({@code CLASS=N,...}; a bare {@code N} applies to every
     * class not listed, the cluster default included); 0: unlimited. ceph-csi flattens chains
     * deeper than 4 in the background and holds new clones deeper than 8.
     */
    @WithDefault("0")
    String maxCloneDepth();
  }

  /** Limits on user files. */
  interface Files {
    /** Largest single file accepted, in bytes. */
    @WithDefault("268435456")
    long maxFileBytes();

    /**
     * Label selector of the Secrets that secretKeyRef files may name. The operator lists, watches
     * and caches no other Secret, so it never holds Secrets that are not meant for it.
     */
    @WithDefault("graft.dev/files=true")
    String secretSelector();

    /**
     * Label selector of the ConfigMaps that configMapKeyRef files may name: the operator caches no
     * other ConfigMap. The default leaves out only Graft's own (build scripts and payloads, which
     * carry {@code graft.dev/golden-image} and are watched by the GoldenImage controller alone);
     * {@code graft.dev/files=true} limits the cache to labelled ConfigMaps, as for Secrets.
     */
    @WithDefault("!graft.dev/golden-image")
    String configmapSelector();
  }

  /** Retries of failed builds. */
  interface Build {
    /** Injection attempts (each on a fresh clone) before an image is Failed. */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the first retry; doubles with each further attempt. */
    @WithDefault("30s")
    java.time.Duration retryBackoff();

    /**
     * Builds of a catalog namespace running at once; more wait (Queued), so that a base update
     * rebuilding a fleet does not flood the cluster. 0: no limit.
     */
    @WithDefault("20")
    int maxConcurrentBuilds();

    /**
     * Builds of a namespace that share one injection Job (one appliance launch) when they reach
     * injection together; 1: one Job per build.
     */
    @WithDefault("1")
    int maxDisksPerJob();
  }
}
