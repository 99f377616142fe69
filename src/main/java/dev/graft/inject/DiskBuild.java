package dev.graft.inject;

import java.nio.file.Path;
import java.util.List;

/**
 * One disk to build: the image file or block device, its format ({@code raw}, {@code qcow2}, or
 * null to let libguestfs detect it), the files to write and paths to remove, the files' mtime
 * (seconds since the epoch, or null for the time of the build) and how errors name the image.
 */
public record DiskBuild(
    Path disk,
    String format,
    List<FileToInject> files,
    List<String> removes,
    Long mtime,
    String image) {

  public DiskBuild {
    files = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(files));
    removes = List.copyOf(removes);
  }

  /** The files' mtime: the given one, or now. */
  public long buildTime() {
    return mtime != null ? mtime : System.currentTimeMillis() / 1000;
  }
}
