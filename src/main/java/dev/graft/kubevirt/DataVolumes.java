package dev.graft.kubevirt;

import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.api.StorageSpec;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.Labels;
import dev.graft.k8s.Owners;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DataVolume that holds a GoldenImage's disk (same name as the image, so the PVC is too): an
 * import for a base image, a clone of the parent's PVC otherwise. Pure: same inputs, same object.
 */
public final class DataVolumes {
  public static final String DEFAULT_SIZE = "10Gi";

  /**
   * Asks CDI to bind a build's PVC at once even on a WaitForFirstConsumer StorageClass: nothing but
   * CDI's own pods ever consumes a catalog PVC, so waiting for a consumer would wait forever.
   */
  public static final String BIND_IMMEDIATE = "cdi.kubevirt.io/storage.bind.immediate.requested";

  private DataVolumes() {}

  /** Base image, without operator storage settings (the StorageProfile fills the rest). */
  public static DataVolume importFor(GoldenImage gi) {
    return importFor(gi, StorageDefaults.NONE);
  }

  /**
   * Base image: import from the GoldenImage's source or sourceRef. A generation that follows a
   * DataSource has both: the PVC the DataSource pointed at (source) is what it imports.
   */
  public static DataVolume importFor(GoldenImage gi, StorageDefaults defaults) {
    DataVolume dv = skeleton(gi, 1, defaults);
    var spec = gi.getSpec();
    if (spec.sourceRef != null && spec.source == null) {
      dv.getSpec().sourceRef = new DataVolume.SourceRef();
      dv.getSpec().sourceRef.kind =
          spec.sourceRef.kind == null ? "DataSource" : spec.sourceRef.kind;
      dv.getSpec().sourceRef.name = spec.sourceRef.name;
      dv.getSpec().sourceRef.namespace = spec.sourceRef.namespace;
    } else {
      ImageSource s = spec.source;
      DataVolume.Source source = new DataVolume.Source();
      if (s.http != null) {
        source.http = new DataVolume.Url(s.http.url);
        source.http.checksum = s.http.checksum;
      } else if (s.registry != null) {
        source.registry = new DataVolume.Url(s.registry.url);
      } else if (s.pvc != null) {
        String ns = s.pvc.namespace != null ? s.pvc.namespace : gi.getMetadata().getNamespace();
        source.pvc = new DataVolume.Pvc(ns, s.pvc.name);
      } else if (s.snapshot != null) {
        String ns =
            s.snapshot.namespace != null ? s.snapshot.namespace : gi.getMetadata().getNamespace();
        source.snapshot = new DataVolume.Pvc(ns, s.snapshot.name);
      }
      dv.getSpec().source = source;
    }
    return dv;
  }

  /** Derived image, without operator storage settings (the StorageProfile fills the rest). */
  public static DataVolume cloneFor(GoldenImage gi, String parentPvc, int attempt) {
    return cloneFor(gi, parentPvc, attempt, StorageDefaults.NONE);
  }

  /** Derived image: a clone of the parent's PVC (same namespace), for injection attempt n. */
  public static DataVolume cloneFor(
      GoldenImage gi, String parentPvc, int attempt, StorageDefaults defaults) {
    DataVolume dv = skeleton(gi, attempt, defaults);
    dv.getSpec().source = new DataVolume.Source();
    dv.getSpec().source.pvc = new DataVolume.Pvc(gi.getMetadata().getNamespace(), parentPvc);
    return dv;
  }

  /** The storage request of an image, the operator's settings filling what it leaves unset. */
  public static DataVolume.Storage storage(StorageSpec s, StorageDefaults defaults) {
    return defaults.storageFor(s);
  }

  public static String size(StorageSpec s) {
    return s == null || s.size == null ? DEFAULT_SIZE : s.size;
  }

  private static DataVolume skeleton(GoldenImage gi, int attempt, StorageDefaults defaults) {
    DataVolume dv = new DataVolume();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.GOLDEN_IMAGE, gi.getMetadata().getName());
    labels.put(Labels.MANAGED_BY, Labels.MANAGER);
    dv.setMetadata(
        new ObjectMetaBuilder()
            .withName(gi.getMetadata().getName())
            .withNamespace(gi.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(
                Map.of(
                    Annotations.MANIFEST_DIGEST,
                    gi.getSpec().manifestDigest,
                    Annotations.ATTEMPT,
                    Integer.toString(attempt),
                    // Keep the PVC when the DataVolume is garbage collected: it is the catalog
                    // entry.
                    "cdi.kubevirt.io/storage.deleteAfterCompletion",
                    "false",
                    BIND_IMMEDIATE,
                    "true"))
            .withOwnerReferences(Owners.blockingController(gi))
            .build());
    DataVolume.Spec spec = new DataVolume.Spec();
    spec.storage = storage(gi.getSpec().storage, defaults);
    dv.setSpec(spec);
    return dv;
  }
}
