package dev.graft.controller.base;

import dev.graft.api.BaseImage;
import dev.graft.api.ImageSource;
import dev.graft.kubevirt.DataSource;

/**
 * What makes a base generation: the identity of a BaseImage's effective source. An http url with
 * its checksum, a registry url (with its {@code @sha256:} digest when pinned), a PVC, or the PVC a
 * CDI DataSource points at now (a DataImportCron moves it to each new import). A new identity is a
 * new generation.
 *
 * @param identity the identity, or null while it cannot be known (a DataSource not found, or not
 *     pointing at a PVC yet)
 * @param pinned for a DataSource, the PVC it points at, which a new generation imports (so that a
 *     later move of the DataSource does not change what that generation holds); else null
 * @param waiting why the identity is not known, or null
 */
public record SourceIdentity(String identity, ImageSource pinned, String waiting) {

  /** The identity of {@code spec}'s source; {@code dataSource} is the one sourceRef names. */
  public static SourceIdentity of(BaseImage.Spec spec, String dataSourceNs, DataSource dataSource) {
    if (spec.sourceRef != null) {
      String where = dataSourceNs + "/" + spec.sourceRef.name;
      if (dataSource == null) {
        return new SourceIdentity(null, null, "DataSource " + where + " not found");
      }
      var src = dataSource.getSpec() == null ? null : dataSource.getSpec().source;
      if (src == null || src.pvc == null || src.pvc.name == null) {
        return new SourceIdentity(null, null, "DataSource " + where + " points at no PVC yet");
      }
      String pvcNs = src.pvc.namespace == null ? dataSourceNs : src.pvc.namespace;
      ImageSource pinned = new ImageSource();
      pinned.pvc = new ImageSource.PvcRef(pvcNs, src.pvc.name);
      return new SourceIdentity(
          "datasource " + where + " -> pvc " + pvcNs + "/" + src.pvc.name, pinned, null);
    }
    ImageSource s = spec.source;
    if (s == null) {
      return new SourceIdentity(null, null, "no source");
    }
    if (s.http != null) {
      return known("http " + s.http.url + (s.http.checksum == null ? "" : " " + s.http.checksum));
    }
    if (s.registry != null) {
      return known("registry " + s.registry.url);
    }
    if (s.pvc != null) {
      String ns = s.pvc.namespace == null ? dataSourceNs : s.pvc.namespace;
      return known("pvc " + ns + "/" + s.pvc.name);
    }
    return new SourceIdentity(null, null, "no source");
  }

  private static SourceIdentity known(String identity) {
    return new SourceIdentity(identity, null, null);
  }
}
