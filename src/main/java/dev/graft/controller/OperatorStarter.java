package dev.graft.controller;

import dev.graft.build.ClusterNodes;
import dev.graft.config.GraftConfig;
import dev.graft.inject.job.JobPlacement;
import dev.graft.kubevirt.StorageDefaults;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Starts the operator when Quarkus starts. The extension's own start-up listener does not fire in
 * this application (seen with QOSDK 7.7.3: the Operator bean stays registered but not started), so
 * start it here, once. The Node watch starts first, so that the first Jobs can already see KVM.
 */
@ApplicationScoped
public class OperatorStarter {
  synchronized void onStart(
      @Observes StartupEvent event, Operator operator, ClusterNodes nodes, GraftConfig config) {
    // Bad storage or Job placement settings stop the start with the property's name, instead of
    // failing every build later.
    StorageDefaults.of(
        config.storage().className(),
        config.storage().volumeMode(),
        config.storage().accessModes());
    JobPlacement.from(config.injector());
    dev.graft.inject.DownloadHosts.parse(
        "graft.downloads.allowed-hosts", config.downloads().allowedHosts().orElse(null));
    nodes.start();
    if (!operator.getRuntimeInfo().isStarted()) {
      operator.start();
    }
  }
}
