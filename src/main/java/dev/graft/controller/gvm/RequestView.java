package dev.graft.controller.gvm;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.kubevirt.StorageDefaults;
import dev.graft.kubevirt.VirtualMachine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything the decide step of a GraftedVirtualMachine looks at, read from the informer caches
 * (and, for a request to plan, the planning service's orders).
 *
 * @param manifest the resolved files, or null when {@code invalid} says why not
 * @param image the image of the manifest in the catalog, or null
 * @param base the usable base image of the os in the catalog, or null
 * @param parent the image {@code image} is built from, or null
 * @param storage the operator's storage settings (graft.storage.*) for the VM's root disk
 * @param batchWait how long the request still waits for neighbours before it is planned
 * @param rootDisks the VM's root disk DataVolumes, old ones included
 */
public record RequestView(
    GraftedVirtualMachine gvm,
    String catalogNamespace,
    Manifest manifest,
    ResolutionException invalid,
    GoldenImage image,
    GoldenImage base,
    GoldenImage parent,
    VirtualMachine vm,
    Duration batchWait,
    Duration batchWindow,
    StorageDefaults storage,
    RootDisks rootDisks) {

  /** Without root disks in view (none to clean up). */
  public RequestView(
      GraftedVirtualMachine gvm,
      String catalogNamespace,
      Manifest manifest,
      ResolutionException invalid,
      GoldenImage image,
      GoldenImage base,
      GoldenImage parent,
      VirtualMachine vm,
      Duration batchWait,
      Duration batchWindow,
      StorageDefaults storage) {
    this(
        gvm,
        catalogNamespace,
        manifest,
        invalid,
        image,
        base,
        parent,
        vm,
        batchWait,
        batchWindow,
        storage,
        RootDisks.NONE);
  }

  /**
   * What the planning service planned while this request was reconciled: the images to create
   * (empty when nothing was planned), the requests (namespace/name) of each, the catalog they were
   * planned against, and whom to tell once an image exists (the planning service ends its claim, so
   * that requests waiting for it go on at once); {@code jobs} write each build's script into its
   * payload ConfigMap (null: the build writes its own script ConfigMap when it injects).
   */
  public record Plan(
      List<CatalogPlanner.Order> orders,
      Map<String, List<String>> requesters,
      Map<String, GoldenImage> catalog,
      Consumer<CatalogPlanner.Order> created,
      dev.graft.build.InjectionJobs jobs) {
    public static final Plan NONE = none(null);

    /** Nothing planned; a payload written again still holds its build's script. */
    public static Plan none(dev.graft.build.InjectionJobs jobs) {
      return new Plan(List.of(), Map.of(), Map.of(), o -> {}, jobs);
    }

    public Plan(
        List<CatalogPlanner.Order> orders,
        Map<String, List<String>> requesters,
        Map<String, GoldenImage> catalog,
        Consumer<CatalogPlanner.Order> created) {
      this(orders, requesters, catalog, created, null);
    }
  }

  public String key() {
    return gvm.getMetadata().getNamespace() + "/" + gvm.getMetadata().getName();
  }

  /** Whether this request needs a plan: valid, no image yet, a base to build from, batched. */
  public boolean wantsPlan() {
    return manifest != null && image == null && base != null && batchWait.isZero();
  }

  /**
   * How long a request created at its creation time still waits for others to batch with, at {@code
   * now}: zero once the window has passed (or when there is none).
   */
  public static Duration batchWait(GraftedVirtualMachine gvm, Duration window, Instant now) {
    String created = gvm.getMetadata().getCreationTimestamp();
    if (window.isZero() || created == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(now, Instant.parse(created).plus(window));
    return left.isNegative() ? Duration.ZERO : left;
  }
}
