package dev.graft.controller.base;

import dev.graft.api.BaseImage;
import dev.graft.api.ImageSource;
import dev.graft.kubevirt.DataSource;
import dev.graft.kubevirt.DataVolume;

/**
 * What makes a base generation: the identity of a BaseImage's effective source. An http url with
 * its checksum; a registry url (its {@code @sha256:} digest when pinned; a tag alone is one
 * generation per url, see {@link #movingTag}); a PVC or VolumeSnapshot by its uid (recreated under
 * the same name: a new generation); or the PVC or VolumeSnapshot a CDI DataSource points at now (a
 * DataImportCron moves it to each new import), by its uid too.
 *
 * <p>The resourceVersion of that PVC or snapshot is recorded at import ({@link #resourceVersion})
 * but is not part of the identity: CDI's DataImportCron rewrites the {@code
 * storage.import.lastUseTime} annotation of its current PVC or snapshot at every poll, which
 * changes the resourceVersion without changing a byte of the disk, and writing to a volume changes
 * no resourceVersion at all.
 *
 * @param identity the identity, or null while it cannot be known (a DataSource not found, or not
 *     pointing at a PVC yet)
 * @param pinned for a DataSource, the PVC or snapshot it points at, which a new generation imports
 *     (so that a later move of the DataSource does not change what that generation holds); else
 *     null
 * @param waiting why the identity is not known, or null
 * @param refusal why this source cannot be used (names the field and value), or null
 * @param resourceVersion the resourceVersion of the PVC or snapshot the identity names, or null
 * @param polled whether it was read from the API server rather than a watched cache, so the
 *     BaseImage must look again to see it change
 */
public record SourceIdentity(
    String identity,
    ImageSource pinned,
    String waiting,
    String refusal,
    String resourceVersion,
    boolean polled) {

  public SourceIdentity(String identity, ImageSource pinned, String waiting) {
    this(identity, pinned, waiting, null, null, false);
  }

  /**
   * A DataSource as read: from the informer's cache, or (a namespace the operator does not watch)
   * from the API server.
   *
   * @param dataSource null when not found
   * @param polled read from the API server (no watch: the BaseImage polls it)
   * @param problem why it could not be read (forbidden), or null
   */
  public record DataSourceRead(DataSource dataSource, boolean polled, String problem) {
    public static DataSourceRead cached(DataSource ds) {
      return new DataSourceRead(ds, false, null);
    }
  }

  /** The identity of {@code spec}'s source by names only (no PVC or snapshot looked up). */
  public static SourceIdentity of(BaseImage.Spec spec, String dataSourceNs, DataSource dataSource) {
    return of(spec, dataSourceNs, DataSourceRead.cached(dataSource), SourceObjects.NONE);
  }

  /** The identity of {@code spec}'s source; {@code dataSource} is the one sourceRef names. */
  public static SourceIdentity of(
      BaseImage.Spec spec, String dataSourceNs, DataSourceRead dataSource, SourceObjects objects) {
    if (spec.sourceRef != null) {
      return ofDataSource(spec, dataSourceNs, dataSource, objects);
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
      String ns = orElse(s.pvc.namespace, dataSourceNs);
      return object("", "pvc", ns, s.pvc.name, null, objects, false, "spec.source.pvc");
    }
    if (s.snapshot != null) {
      String ns = orElse(s.snapshot.namespace, dataSourceNs);
      return object(
          "", "snapshot", ns, s.snapshot.name, null, objects, false, "spec.source.snapshot");
    }
    return new SourceIdentity(null, null, "no source");
  }

  private static SourceIdentity ofDataSource(
      BaseImage.Spec spec, String dataSourceNs, DataSourceRead read, SourceObjects objects) {
    String where = dataSourceNs + "/" + spec.sourceRef.name;
    if (read.problem() != null) {
      return refused("spec.sourceRef: DataSource " + where + ": " + read.problem());
    }
    DataSource dataSource = read.dataSource();
    if (dataSource == null) {
      return new SourceIdentity(
          null, null, "DataSource " + where + " not found", null, null, read.polled());
    }
    var src = dataSource.getSpec() == null ? null : dataSource.getSpec().source;
    if (src != null && src.dataSource != null) {
      return refused(
          "spec.sourceRef: DataSource "
              + where
              + " points at another DataSource ("
              + orElse(src.dataSource.namespace, dataSourceNs)
              + "/"
              + src.dataSource.name
              + " in spec.source.dataSource), which Graft does not follow: name that one in"
              + " sourceRef");
    }
    String prefix = "datasource " + where + " -> ";
    if (src != null && src.pvc != null && src.pvc.name != null) {
      return pinnedTo(prefix, "pvc", src.pvc, dataSourceNs, objects, read.polled(), where);
    }
    if (src != null && src.snapshot != null && src.snapshot.name != null) {
      return pinnedTo(
          prefix, "snapshot", src.snapshot, dataSourceNs, objects, read.polled(), where);
    }
    return new SourceIdentity(
        null,
        null,
        "DataSource " + where + " points at no PVC or VolumeSnapshot yet",
        null,
        null,
        read.polled());
  }

  /** The generation of a DataSource's target imports that target itself: pinned. */
  private static SourceIdentity pinnedTo(
      String prefix,
      String kind,
      DataVolume.Pvc target,
      String dataSourceNs,
      SourceObjects objects,
      boolean polled,
      String where) {
    String ns = orElse(target.namespace, dataSourceNs);
    ImageSource pinned = new ImageSource();
    if (kind.equals("pvc")) {
      pinned.pvc = new ImageSource.PvcRef(ns, target.name);
    } else {
      pinned.snapshot = new ImageSource.PvcRef(ns, target.name);
    }
    return object(
        prefix,
        kind,
        ns,
        target.name,
        pinned,
        objects,
        polled,
        "spec.sourceRef: DataSource " + where + " points at");
  }

  /**
   * A PVC or snapshot by its uid: unknown while it is not there (CDI waits for it as well), refused
   * when the operator may not read it.
   */
  private static SourceIdentity object(
      String prefix,
      String kind,
      String ns,
      String name,
      ImageSource pinned,
      SourceObjects objects,
      boolean polled,
      String field) {
    String what = prefix + kind + " " + ns + "/" + name;
    SourceObject o = objects.get(kind, ns, name);
    if (o == null) {
      return new SourceIdentity(what, pinned, null, null, null, polled);
    }
    String label = kind.equals("pvc") ? "PVC" : "VolumeSnapshot";
    if (o.problem() != null) {
      return refused(field + " " + label + " " + ns + "/" + name + ": " + o.problem());
    }
    if (!o.found()) {
      return new SourceIdentity(
          null, pinned, label + " " + ns + "/" + name + " not found", null, null, true);
    }
    return new SourceIdentity(
        what + " uid " + o.uid(), pinned, null, null, o.resourceVersion(), true);
  }

  /**
   * For a registry url without a {@code @sha256:} digest (a tag, or none: latest), why Graft will
   * not see it move; else null.
   */
  public static String movingTag(BaseImage.Spec spec) {
    if (spec.source == null || spec.source.registry == null) {
      return null;
    }
    String url = spec.source.registry.url;
    if (url == null || url.contains("@sha256:")) {
      return null;
    }
    return "spec.source.registry.url: "
        + url
        + " names a tag, not a digest: Graft imports what it names once and does not see it move"
        + " (one generation per url). Pin a digest (@sha256:...) to make each image a generation,"
        + " or let a CDI DataImportCron import the tag and set sourceRef to its DataSource to"
        + " follow it";
  }

  private static SourceIdentity known(String identity) {
    return new SourceIdentity(identity, null, null);
  }

  private static SourceIdentity refused(String why) {
    return new SourceIdentity(null, null, null, why, null, false);
  }

  private static String orElse(String ns, String fallback) {
    return ns == null || ns.isBlank() ? fallback : ns;
  }
}
