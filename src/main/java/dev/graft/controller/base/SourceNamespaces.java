package dev.graft.controller.base;

import dev.graft.api.BaseImage;
import dev.graft.api.ImageSource;
import dev.graft.api.SourceRef;

/**
 * Where a BaseImage's sources are: a source without a namespace is in the BaseImage's own namespace
 * (not the catalog's, where its GoldenImages are), so a BaseImage never reaches into the catalog's
 * namespace by leaving the namespace out.
 */
public final class SourceNamespaces {
  private SourceNamespaces() {}

  /** The BaseImage's spec with every source namespace filled in (its own when absent). */
  public static BaseImage.Spec inOwnNamespace(BaseImage bi) {
    String own = bi.getMetadata().getNamespace();
    BaseImage.Spec out = new BaseImage.Spec();
    ImageSource s = bi.getSpec().source;
    if (s != null) {
      out.source = new ImageSource();
      out.source.http = s.http;
      out.source.registry = s.registry;
      if (s.pvc != null) {
        out.source.pvc = new ImageSource.PvcRef(orOwn(s.pvc.namespace, own), s.pvc.name);
      }
      if (s.snapshot != null) {
        out.source.snapshot =
            new ImageSource.PvcRef(orOwn(s.snapshot.namespace, own), s.snapshot.name);
      }
    }
    SourceRef r = bi.getSpec().sourceRef;
    if (r != null) {
      out.sourceRef = new SourceRef();
      out.sourceRef.kind = r.kind;
      out.sourceRef.name = r.name;
      out.sourceRef.namespace = orOwn(r.namespace, own);
    }
    return out;
  }

  /** The ServiceAccount whose rights a source in another namespace is checked against. */
  public static String serviceAccount(BaseImage bi) {
    String sa = bi.getSpec().serviceAccountName;
    return sa == null || sa.isBlank() ? "default" : sa;
  }

  public static String orOwn(String ns, String own) {
    return ns == null || ns.isBlank() ? own : ns;
  }
}
