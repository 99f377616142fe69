package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * One catalog entry, written by the operator: an os, a full file manifest, the image it is built
 * from ({@code parent}, empty for a base import) and the PVC that holds it. Its name is {@code
 * <os>-<short manifest digest>}, so one manifest is never built twice.
 */
@Group(BaseImage.GROUP)
@Version(BaseImage.VERSION)
@ShortNames("gi")
@AdditionalPrinterColumn(name = "OS", jsonPath = ".spec.os")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Parent", jsonPath = ".spec.parent")
@AdditionalPrinterColumn(
    name = "Files",
    jsonPath = ".status.files",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Size", jsonPath = ".status.size")
@AdditionalPrinterColumn(
    name = "Gen",
    jsonPath = ".spec.baseGeneration",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Outdated",
    jsonPath = ".status.conditions[?(@.type==\"Outdated\")].status")
@AdditionalPrinterColumn(
    name = "Hits",
    jsonPath = ".status.hits",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class GoldenImage extends CustomResource<GoldenImage.Spec, GoldenImage.Status>
    implements Namespaced {

  /** The manifest and where the disk comes from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    @Required public String os;

    /** sha256 of the sorted manifest; its first characters are in the name. */
    @Required public String manifestDigest;

    public List<ManifestEntry> files = new ArrayList<>();

    /** The GoldenImage (same namespace) this one is cloned from; empty for a base import. */
    public String parent;

    /** For a base image: the CDI source to import. */
    public ImageSource source;

    public SourceRef sourceRef;

    /** The BaseImage this base GoldenImage imports, as namespace/name. */
    public String baseImage;

    /**
     * The generation of its os's base it is built on (unset: 1, as before generations); a derived
     * image has its parent's.
     */
    public Integer baseGeneration;

    /** For a base image: the identity of the source it imports (url, digest, PVC). */
    public String sourceIdentity;

    public StorageSpec storage;

    /**
     * Clone-chain depth: 0 for a base import, the parent's + 1 for a build. The planner builds no
     * image deeper than its storage class's {@code graft.storage.max-clone-depth}.
     */
    public Integer depth;

    /** The planner's predicted cost of building this image from its parent. */
    public Double predictedCost;

    /** The strategy that planned it. */
    public String strategy;

    /** The GraftedVirtualMachines (namespace/name) it was planned for; others using it are hits. */
    public List<String> requestedBy;

    /**
     * The namespaces whose files this image holds, its ancestors' included (removed files stay in
     * free blocks): it is a source only for those namespaces' requests (see catalog.Tenancy).
     */
    public List<String> tenants;

    /** Digests of the Secret-sourced files it and its ancestors hold; never removed by a build. */
    public List<String> secretFiles;
  }

  /** Build progress and cache bookkeeping. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status extends GraftStatus {
    /** The PVC holding the finished image (same name as its DataVolume). */
    public String pvc;

    public Integer files;

    /** Total bytes of the manifest's files. */
    public Long bytes;

    /** Capacity of the image's PVC. */
    public String size;

    public Integer filesAdded;
    public Integer filesRemoved;
    public Long bytesAdded;

    /** Injection attempts so far (the Job of attempt n is {@code <name>-inject-<n>}). */
    public Integer attempts;

    public String buildStartedAt;
    public Double buildSeconds;

    /** Times a VM got this image without waiting for a build. */
    public Integer hits;

    public String lastUsed;

    /**
     * GreedyDual-Size-Frequency priority at the last use: the OS's cache clock then + hits × build
     * seconds ÷ size. The lowest unprotected one is evicted first.
     */
    public Double cachePriority;

    /**
     * On a base image only: its OS's cache clock, the priority of the last image evicted. Images
     * used since then get priorities above it, so ones unused for long are evicted first.
     */
    public Double cacheClock;

    /** Earliest time of the next attempt after a failure. */
    public String retryAfter;

    /**
     * How CDI cloned the parent (its {@code cdi.kubevirt.io/cloneType} on the image's PVC: {@code
     * csi-clone}, {@code snapshot} or {@code copy}, the host-assisted copy).
     */
    public String cloneMethod;

    /**
     * Why CDI fell back to the host-assisted copy, if it did (its {@code
     * cdi.kubevirt.io/cloneFallbackReason} on the image's PVC).
     */
    public String cloneFallbackReason;

    /** What the build measured (injector report, clone time): the cost model learns from it. */
    public BuildTimings timings;
  }
}
