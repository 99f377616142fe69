package dev.graft.controller;

import dev.graft.controller.base.SourceIdentity.DataSourceRead;
import dev.graft.controller.base.SourceObject;
import dev.graft.controller.base.SourceObjects;
import dev.graft.kubevirt.DataSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Reads, from the API server, what a BaseImage's source names and no informer watches: the PVC or
 * VolumeSnapshot (for its uid), and a DataSource in a namespace the operator does not watch. A 403
 * becomes a problem that names what may not be read (the BaseImage reports it), a 404 a missing
 * object; anything else is thrown (the reconcile is retried).
 */
final class SourceReads implements SourceObjects {
  private final KubernetesClient client;

  SourceReads(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public SourceObject get(String kind, String namespace, String name) {
    boolean pvc = kind.equals("pvc");
    Read r =
        read(
            pvc ? "persistentvolumeclaims" : "volumesnapshots.snapshot.storage.k8s.io",
            namespace,
            () ->
                pvc
                    ? client.persistentVolumeClaims().inNamespace(namespace).withName(name).get()
                    : client
                        .genericKubernetesResources(dev.graft.kubevirt.VolumeSnapshots.CONTEXT)
                        .inNamespace(namespace)
                        .withName(name)
                        .get());
    if (r.forbidden() != null) {
      return SourceObject.refused(r.forbidden());
    }
    HasMetadata o = r.object();
    return o == null
        ? SourceObject.MISSING
        : SourceObject.found(o.getMetadata().getUid(), o.getMetadata().getResourceVersion());
  }

  /**
   * The DataSource a sourceRef names when the informer's cache has none: one in a namespace the
   * operator does not watch is read here, and then polled.
   */
  DataSourceRead dataSource(String namespace, String name) {
    Read r =
        read(
            "datasources.cdi.kubevirt.io",
            namespace,
            () -> client.resources(DataSource.class).inNamespace(namespace).withName(name).get());
    return new DataSourceRead((DataSource) r.object(), true, r.forbidden());
  }

  private static Read read(String resource, String namespace, Supplier<? extends HasMetadata> get) {
    try {
      return new Read(get.get(), null);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return new Read(
            null, null); // the API itself is not installed (no VolumeSnapshot CRD): nothing there
      }
      if (e.getCode() == 403) {
        return new Read(
            null,
            "the operator may not get "
                + resource
                + " in namespace "
                + namespace
                + " (forbidden): add the namespace to watchNamespaces or grant it there");
      }
      throw e;
    }
  }

  /** An object (null: not there), or why the operator may not read it. */
  private record Read(HasMetadata object, String forbidden) {}
}
