package dev.graft.controller.base;

/**
 * What the API server said of an object a source names (a PVC, a VolumeSnapshot or a DataSource):
 * its uid and resourceVersion when found; {@code problem} when the operator may not read it.
 */
public record SourceObject(String uid, String resourceVersion, String problem) {
  /** Not there (404, or the VolumeSnapshot API is not installed). */
  public static final SourceObject MISSING = new SourceObject(null, null, null);

  public static SourceObject found(String uid, String resourceVersion) {
    return new SourceObject(uid, resourceVersion, null);
  }

  public static SourceObject refused(String problem) {
    return new SourceObject(null, null, problem);
  }

  public boolean found() {
    return problem == null && uid != null;
  }
}
