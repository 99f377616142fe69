package dev.graft.planner;

import org.roaringbitmap.RoaringBitmap;

/**
 * A named set of files for one OS: a cached image or a requested one. Files are the dense indices
 * of a {@link FileTable}. {@code depth} is a cached image's clone-chain depth (0 for a base or a
 * flattened image); a request's is decided by the plan and left 0 here. {@code cloneCost} is what
 * cloning this image costs when a build starts from it (the clone term: its storage class's clone
 * method and its size; 0 when unknown), added to every build from it, never to a reuse.
 */
public record ImageSet(String name, String os, RoaringBitmap files, int depth, double cloneCost) {

  public ImageSet(String name, String os, RoaringBitmap files) {
    this(name, os, files, 0, 0);
  }

  public ImageSet(String name, String os, RoaringBitmap files, int depth) {
    this(name, os, files, depth, 0);
  }

  public ImageSet {
    if (depth < 0) {
      throw new IllegalArgumentException("depth: must be >= 0, got " + depth);
    }
    if (!(cloneCost >= 0) || Double.isInfinite(cloneCost)) {
      throw new IllegalArgumentException(
          "cloneCost: must be a finite number >= 0, got " + cloneCost);
    }
  }

  /** The key under which two images are interchangeable: same OS, same files. */
  public String contentKey() {
    return os + "\u0000" + files;
  }
}
