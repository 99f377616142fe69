package dev.graft.controller;

import dev.graft.api.BaseImage;
import dev.graft.controller.base.SourceNamespaces;
import dev.graft.k8s.AccessReview;
import dev.graft.kubevirt.DataSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Who may use which source: a BaseImage's source without a namespace is in its own namespace (not
 * the catalog's); one in another namespace, directly or through a DataSource that points there, is
 * used only if the BaseImage's ServiceAccount may clone from there (a SubjectAccessReview, CDI's
 * rule), since Graft itself may clone from anywhere.
 */
final class SourceAccess {
  private SourceAccess() {}

  /** The BaseImage's spec with every source namespace filled in (its own when absent). */
  static BaseImage.Spec inOwnNamespace(BaseImage bi) {
    return SourceNamespaces.inOwnNamespace(bi);
  }

  /** The namespaces other than its own that the BaseImage's ServiceAccount may not clone from. */
  static List<String> refused(KubernetesClient client, BaseImage bi) {
    String own = bi.getMetadata().getNamespace();
    BaseImage.Spec spec = inOwnNamespace(bi);
    TreeSet<String> from = new TreeSet<>();
    if (spec.source != null && spec.source.pvc != null) {
      from.add(spec.source.pvc.namespace);
    }
    if (spec.source != null && spec.source.snapshot != null) {
      from.add(spec.source.snapshot.namespace);
    }
    if (spec.sourceRef != null) {
      from.add(spec.sourceRef.namespace);
      DataSource ds =
          client
              .resources(DataSource.class)
              .inNamespace(spec.sourceRef.namespace)
              .withName(spec.sourceRef.name)
              .get();
      // A DataSource points at a PVC or snapshot, maybe in yet another namespace: CDI clones
      // that one.
      if (ds != null && ds.getSpec() != null && ds.getSpec().source != null) {
        var target =
            ds.getSpec().source.pvc != null
                ? ds.getSpec().source.pvc
                : ds.getSpec().source.snapshot;
        if (target != null) {
          from.add(orOwn(target.namespace, spec.sourceRef.namespace));
        }
      }
    }
    from.remove(own);
    List<String> refused = new ArrayList<>();
    for (String ns : from) {
      if (!AccessReview.allowed(
          client, AccessReview.cloneFrom(own, SourceNamespaces.serviceAccount(bi), ns))) {
        refused.add(ns);
      }
    }
    return refused;
  }

  private static String orOwn(String ns, String own) {
    return SourceNamespaces.orOwn(ns, own);
  }
}
