package dev.graft.controller.gvm;

import dev.graft.api.GoldenImage;
import dev.graft.build.InjectionJobs;
import dev.graft.build.Payloads;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.Tenancy;
import dev.graft.controller.flow.Action;
import dev.graft.inject.InjectionInputException;
import dev.graft.k8s.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a plan's orders turn into: each GoldenImage, then its payload, and a Planned event. */
final class PlanActions {
  /** The SDK's default finalizer of the GoldenImage reconciler. */
  static final String FINALIZER =
      io.fabric8.kubernetes.api.model.HasMetadata.getFullResourceName(GoldenImage.class)
          + "/finalizer";

  private PlanActions() {}

  /** Images a Planned event names; the rest are counted. */
  static final int NAMED = 5;

  static List<Action> of(RequestView view, RequestView.Plan plan) {
    List<Action> actions = new ArrayList<>();
    for (CatalogPlanner.Order order : plan.orders()) {
      GoldenImage parent = parentOf(order, plan, view.catalogNamespace());
      GoldenImage gi = image(order, parent, view.catalogNamespace(), plan.requesters());
      // The payload is owned by the image as it is in the API (a 409: the one already there).
      actions.add(
          new Action.Create(
              gi, created -> payloads((GoldenImage) created.object(), parent, order, plan)));
    }
    if (!plan.orders().isEmpty()) {
      // One event per plan, not one per image: a batch of 100 images cost 100 calls on one
      // request. Each image's spec carries its own parent, cost and strategy.
      actions.add(Action.normal(view.gvm(), "Planned", planned(plan.orders())));
    }
    return actions;
  }

  private static String planned(List<CatalogPlanner.Order> orders) {
    if (orders.size() == 1) {
      return describe(orders.get(0));
    }
    double total = orders.stream().mapToDouble(CatalogPlanner.Order::cost).sum();
    StringBuilder sb =
        new StringBuilder(
            String.format(Locale.ROOT, "%d images, total cost %.2f: ", orders.size(), total));
    for (int i = 0; i < Math.min(NAMED, orders.size()); i++) {
      sb.append(i == 0 ? "" : "; ").append(describe(orders.get(i)));
    }
    if (orders.size() > NAMED) {
      sb.append("; and ").append(orders.size() - NAMED).append(" more");
    }
    return sb.toString();
  }

  private static String describe(CatalogPlanner.Order order) {
    return String.format(
        Locale.ROOT,
        "image %s from %s: +%d -%d files, cost %.2f (%s)",
        order.image(),
        order.parent(),
        order.add().size(),
        order.remove().size(),
        order.cost(),
        order.strategy());
  }

  /** A parent is in the catalog or planned in the same plan (then it is built the same way). */
  private static GoldenImage parentOf(
      CatalogPlanner.Order order, RequestView.Plan plan, String ns) {
    GoldenImage inCatalog = plan.catalog().get(order.parent());
    if (inCatalog != null) {
      return inCatalog;
    }
    for (CatalogPlanner.Order other : plan.orders()) {
      if (other.image().equals(order.parent())) {
        return image(other, parentOf(other, plan, ns), ns, plan.requesters());
      }
    }
    return null;
  }

  private static List<Action> payloads(
      GoldenImage created, GoldenImage parent, CatalogPlanner.Order order, RequestView.Plan plan) {
    List<Action> out =
        new ArrayList<>(createPayloads(created, parent, order.manifest().content(), plan));
    // The image and its payload exist: requests waiting for them go on.
    out.add(new Action.Tell("created " + order.image(), () -> plan.created().accept(order)));
    return out;
  }

  /**
   * Creates the payload of an image built from {@code parent}: what it adds, with the build's
   * script when both fit in one ConfigMap.
   */
  static List<Action> createPayloads(
      GoldenImage image,
      GoldenImage parent,
      java.util.Map<String, byte[]> content,
      RequestView.Plan plan) {
    InjectionJobs.Diff diff = Payloads.diff(image, parent);
    List<Action> out = new ArrayList<>();
    for (HasMetadata payload : Payloads.desired(image, diff, content, script(plan, image, diff))) {
      out.add(Action.Create.uncached(payload));
    }
    return out;
  }

  /**
   * The build's script, to go with its payload (one ConfigMap per build); null when the plan has no
   * injection settings or the build is invalid, which its own reconcile then reports when it would
   * create the Job.
   */
  private static ConfigMap script(
      RequestView.Plan plan, GoldenImage created, InjectionJobs.Diff diff) {
    if (plan.jobs() == null) {
      return null;
    }
    try {
      return plan.jobs().script(created, diff);
    } catch (InjectionInputException e) {
      return null;
    }
  }

  /**
   * The GoldenImage an order asks for, with its requests and the content it holds (its parent's and
   * its requests' namespaces, its Secret-sourced files), which the tenancy rule reads.
   */
  static GoldenImage image(
      CatalogPlanner.Order order,
      GoldenImage parent,
      String ns,
      Map<String, List<String>> requesters) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName(order.image());
    gi.getMetadata().setNamespace(ns);
    gi.getMetadata()
        .setLabels(Map.of(Labels.MANAGED_BY, Labels.MANAGER, Labels.OS, order.manifest().os()));
    // Created with the finalizer its reconciler (a Cleaner) would add: no patch to add it.
    gi.getMetadata().setFinalizers(List.of(FINALIZER));
    GoldenImage.Spec spec = new GoldenImage.Spec();
    spec.os = order.manifest().os();
    spec.manifestDigest = order.manifest().digest();
    spec.files = new ArrayList<>(order.manifest().entries());
    spec.parent = order.parent();
    spec.baseGeneration = order.manifest().baseGeneration();
    spec.depth = order.depth();
    spec.storage = parent == null ? null : parent.getSpec().storage;
    spec.predictedCost = Math.round(order.cost() * 1000) / 1000.0;
    spec.strategy = order.strategy();
    spec.requestedBy =
        requesters.getOrDefault(order.image(), List.of()).stream().distinct().sorted().toList();
    gi.setSpec(spec);
    Tenancy.record(gi, parent, spec.requestedBy, ns);
    return gi;
  }
}
