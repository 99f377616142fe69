package dev.graft.planner;

import org.roaringbitmap.RoaringBitmap;

/**
 * A named set of files for one OS: a cached image or a requested one. Files are the dense indices
 * of a {@link FileTable}.
 */
public record ImageSet(String name, String os, RoaringBitmap files) {

  /** The key under which two images are interchangeable: same OS, same files. */
  public String contentKey() {
    return os + "\u0000" + files;
  }
}
