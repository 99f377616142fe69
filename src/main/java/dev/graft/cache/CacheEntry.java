package dev.graft.cache;

/**
 * What eviction needs to know of one catalog image. {@code priority} is the GreedyDual value given
 * on its last use; {@code protectedReason} is non-null for images that must stay (a base image, the
 * parent of an unfinished build, a clone source in use).
 */
public record CacheEntry(
    String name,
    String os,
    long sizeBytes,
    long lastUseMillis,
    double priority,
    String protectedReason) {

  public boolean evictable() {
    return protectedReason == null;
  }
}
