package dev.graft.controller.gvm;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.kubevirt.VirtualMachine;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the decide step of a GraftedVirtualMachine looks at, read from the informer caches
 * (and, for a request to plan, the planning service's orders).
 *
 * @param manifest the resolved files, or null when {@code invalid} says why not
 * @param image the image of the manifest in the catalog, or null
 * @param base the usable base image of the os in the catalog, or null
 * @param parent the image {@code image} is built from, or null
 * @param batchWait how long the request still waits for neighbours before it is planned
 * @param orders the images a plan asks for (empty when nothing was planned)
 * @param requesters the requests (namespace/name) of each planned image
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
    List<CatalogPlanner.Order> orders,
    Map<String, List<String>> requesters,
    Map<String, GoldenImage> catalog) {

  public String key() {
    return gvm.getMetadata().getNamespace() + "/" + gvm.getMetadata().getName();
  }

  /** Whether this request needs a plan: valid, no image yet, a base to build from, batched. */
  public boolean wantsPlan() {
    return manifest != null && image == null && base != null && batchWait.isZero();
  }

  /** The same view with a plan's orders and the catalog they were planned against. */
  public RequestView planned(
      List<CatalogPlanner.Order> orders,
      Map<String, List<String>> requesters,
      Map<String, GoldenImage> catalog) {
    return new RequestView(
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
        orders,
        requesters,
        catalog);
  }
}
