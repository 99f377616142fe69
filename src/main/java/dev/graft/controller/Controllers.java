package dev.graft.controller;

import dev.graft.build.InjectionJobs;
import dev.graft.catalog.CatalogEviction;
import dev.graft.catalog.CatalogGauges;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.catalog.PlanningService;
import dev.graft.catalog.RequestCache;
import dev.graft.catalog.UsageLedger;
import dev.graft.config.GraftConfig;
import dev.graft.controller.flow.Plumbing;
import dev.graft.k8s.EventRecorder;
import dev.graft.metrics.GraftMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.util.List;

/**
 * The controllers and the services they share, wired by hand for an operator started without CDI (a
 * second operator process in tests). In the application, CDI wires the same classes.
 */
public final class Controllers {
  private Controllers() {}

  public static List<Reconciler<?>> standalone(
      KubernetesClient client, GraftConfig config, InjectionJobs jobs, GraftMetrics metrics) {
    return standalone(client, config, jobs, metrics, new CatalogPlanner(config, metrics));
  }

  /** The same around a given planner (a test looks at what it learned). */
  public static List<Reconciler<?>> standalone(
      KubernetesClient client,
      GraftConfig config,
      InjectionJobs jobs,
      GraftMetrics metrics,
      CatalogPlanner planner) {
    EventRecorder events = new EventRecorder(client);
    Plumbing plumbing = Plumbing.of(events, metrics);
    UsageLedger ledger = new UsageLedger();
    RequestCache requests = new RequestCache();
    CatalogEviction eviction =
        new CatalogEviction(config, client, events, metrics, ledger, requests);
    return List.of(
        new BaseImageReconciler(config, plumbing),
        new ClusterBaseImageReconciler(config, plumbing),
        new FileSetReconciler(config, plumbing),
        new GoldenImageReconciler(
            config, jobs, planner, eviction, new CatalogGauges(metrics), ledger, plumbing),
        new GraftedVirtualMachineReconciler(
            config, new PlanningService(planner), ledger, plumbing, requests, jobs));
  }
}
