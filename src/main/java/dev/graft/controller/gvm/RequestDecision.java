package dev.graft.controller.gvm;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.build.InjectionJobs;
import dev.graft.build.Manifest;
import dev.graft.build.Payloads;
import dev.graft.build.ResolutionException;
import dev.graft.build.TemplateCheck;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.UsageLedger;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import dev.graft.controller.flow.Statuses;
import dev.graft.k8s.Conditions;
import dev.graft.k8s.Conditions.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The decide step of a GraftedVirtualMachine: from its view to its status and actions. Invalid
 * input is a condition naming the field; an image is planned once the batch window closed; once it
 * is Ready the VirtualMachine clones it, and the use is told to the catalog's ledger (the
 * GoldenImage reconciler writes it). Pure: no client calls.
 */
public final class RequestDecision {
  /** How soon a request that starts waiting for an image looks at it once more. */
  static final java.time.Duration FIRST_WAIT_RECHECK = java.time.Duration.ofSeconds(2);

  private RequestDecision() {}

  public static Decision decide(
      RequestView view,
      RequestView.Plan plan,
      GraftedVirtualMachine.Status status,
      UsageLedger ledger) {
    Decision d = next(view, plan, status, ledger);
    if (!milestone(d.state())) {
      return d;
    }
    return d.and(Statuses.announce(view.gvm(), view.gvm().getStatus(), d.state()));
  }

  /**
   * Whether a state is worth an Event of the request: every problem (a Warning), and Ready. The
   * steps on the way (Batching, Planning, Building, KubeVirt's Provisioning and Starting...) are in
   * the status; an Event each cost every request one call per step. The request's other news has
   * Events of its own: Planned, VirtualMachineUpdated, RestartRequired (its VM's creation is in the
   * status: Provisioning).
   */
  static boolean milestone(State state) {
    return state.degraded() || state.ready();
  }

  private static Decision next(
      RequestView v,
      RequestView.Plan plan,
      GraftedVirtualMachine.Status status,
      UsageLedger ledger) {
    GraftedVirtualMachine gvm = v.gvm();
    String catalogNs = v.catalogNamespace();
    Manifest manifest = v.manifest();
    try {
      if (v.invalid() != null) {
        throw v.invalid();
      }
      TemplateCheck.check(gvm, v.image() != null ? v.image() : v.base());
    } catch (ResolutionException e) {
      return Decision.of(State.degraded(Phase.Failed, e.reason(), e.getMessage()));
    }
    status.manifestDigest = manifest.digest();
    status.files = manifest.entries().size();
    status.bytes = manifest.bytes();
    status.baseGeneration = manifest.baseGeneration();
    String imageName = manifest.imageName();
    GoldenImage image = v.image();
    GoldenImage parent = v.parent();
    List<Action> actions = new ArrayList<>();
    if (image != null && image.getMetadata().getDeletionTimestamp() != null) {
      // Nothing is created for an image that goes (its payload would outlive it); its deletion
      // event brings this request back to plan the image again.
      return Decision.of(
          State.progressing(
              Phase.Planning,
              "ImageDeleting",
              "image " + imageName + " is being deleted; planning again once it is gone"));
    }
    if (image == null) {
      if (v.base() == null) {
        status.image = null;
        return Decision.of(
            State.degraded(
                Phase.Pending,
                "NoBaseImage",
                "spec.os: no BaseImage provides os \""
                    + manifest.os()
                    + "\" in namespace "
                    + catalogNs));
      }
      if (!v.batchWait().isZero()) {
        // The message names the window, not the time left: a status that changed on every
        // reconcile cost a status patch each time. A new request gets no status for this wait
        // (the batch window, 2 s by default): its first is Building (issue 17, item 4).
        return Decision.of(
                State.progressing(
                    Phase.Planning,
                    "Batching",
                    "waiting up to " + v.batchWindow().toMillis() + "ms for requests to batch"))
            .recheckAfter(v.batchWait())
            .unwrittenWhileNew();
      }
      actions.addAll(PlanActions.of(v, plan));
      CatalogPlanner.Order mine =
          plan.orders().stream().filter(o -> o.image().equals(imageName)).findFirst().orElse(null);
      if (mine == null) {
        status.image = null; // so that every image event wakes it (see the image mapper)
        return Decision.of(
            State.progressing(Phase.Planning, "Planning", "planning " + imageName), actions);
      }
      parent = plan.catalog().get(mine.parent());
      image = PlanActions.image(mine, parent, catalogNs, plan.requesters());
    }
    boolean imageReady = image.getStatus() != null && image.getStatus().phase == Phase.Ready;
    boolean firstUse = !imageName.equals(status.image) || !catalogNs.equals(status.imageNamespace);
    status.image = imageName;
    status.imageNamespace = catalogNs;
    if (firstUse) {
      // A cache hit: the image was Ready before this request needed it, and not planned for it.
      status.cacheHit =
          imageReady
              && (image.getSpec().requestedBy == null
                  || !image.getSpec().requestedBy.contains(v.key()));
      status.plan = summary(image, parent, status.cacheHit);
    }
    // status still holds the previous observedGeneration: it differs on a generation's first pass.
    boolean newGeneration =
        !Objects.equals(status.observedGeneration, gvm.getMetadata().getGeneration());
    if (firstUse || newGeneration) {
      // One cache lookup per generation and per image change (a ConfigMap edit changes the image
      // without a new generation), never one per reconcile.
      boolean hit = firstUse ? Boolean.TRUE.equals(status.cacheHit) : imageReady;
      String os = manifest.os();
      actions.add(
          new Action.Count(
              (hit ? "cacheHit " : "cacheMiss ") + os,
              m -> {
                if (hit) {
                  m.cacheHit(os);
                } else {
                  m.cacheMiss(os);
                }
              }));
    }
    if (image.getStatus() != null && image.getStatus().phase == Phase.Failed) {
      var c = Conditions.get(image.getStatus(), Conditions.DEGRADED);
      return Decision.of(
          State.degraded(
              Phase.Failed,
              "ImageFailed",
              "image " + imageName + " failed" + (c == null ? "" : ": " + c.getMessage())),
          actions);
    }
    if (!imageReady) {
      actions.addAll(missingPayloads(v, image, parent, plan));
      // One message for the whole build: the image's own status tells its steps, and a
      // message that named them cost every request of the image a status patch per step.
      Decision building =
          Decision.of(
              State.progressing(
                  Phase.Building,
                  "Building",
                  "image " + imageName + " is being built; its status shows the step"),
              actions);
      // The image mapper finds this request by status.image in the informer cache. If the image
      // turns Ready before this status patch reaches the cache, its event finds no request: one
      // look after the patch has landed closes that window.
      return firstUse ? building.recheckAfter(FIRST_WAIT_RECHECK) : building;
    }
    Decision vm = VirtualMachineStep.decide(v, status, image, firstUse, ledger);
    return Decision.of(vm.state(), concat(actions, vm.actions()));
  }

  /**
   * Re-creates a missing payload (e.g. after a crash between creating an image and its payload, or
   * when an earlier image's payload of the same name was still there), when the image says it waits
   * for it. The payloads are Graft's own ConfigMaps and Secrets, which this controller does not
   * watch: the image's condition is what tells.
   */
  private static List<Action> missingPayloads(
      RequestView v, GoldenImage image, GoldenImage parent, RequestView.Plan plan) {
    if (image.getSpec().parent == null
        || image.getMetadata().getUid() == null
        || parent == null
        || !waitsForPayload(image)) {
      return List.of();
    }
    return PlanActions.createPayloads(image, parent, v.manifest().content(), plan);
  }

  private static boolean waitsForPayload(GoldenImage image) {
    var c = Conditions.get(image.getStatus(), Conditions.PROGRESSING);
    return c != null && "WaitingForPayload".equals(c.getReason());
  }

  private static GraftedVirtualMachine.PlanSummary summary(
      GoldenImage image, GoldenImage parent, boolean hit) {
    GraftedVirtualMachine.PlanSummary s = new GraftedVirtualMachine.PlanSummary();
    if (hit) {
      s.source = image.getMetadata().getName();
      s.filesAdded = 0;
      s.filesRemoved = 0;
      s.bytesAdded = 0L;
      s.cost = 0.0;
      s.strategy = "exact";
      return s;
    }
    s.source = image.getSpec().parent;
    s.strategy = image.getSpec().strategy;
    s.cost = image.getSpec().predictedCost == null ? 0.0 : image.getSpec().predictedCost;
    InjectionJobs.Diff diff = Payloads.diff(image, image.getSpec().parent == null ? null : parent);
    s.filesAdded = diff.add().size();
    s.filesRemoved = diff.remove().size();
    s.bytesAdded = diff.bytesAdded();
    return s;
  }

  private static List<Action> concat(List<Action> a, List<Action> b) {
    List<Action> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
