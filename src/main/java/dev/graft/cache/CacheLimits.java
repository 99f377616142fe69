package dev.graft.cache;

/** Per-OS catalog limits; 0 means unlimited. */
public record CacheLimits(int maxImagesPerOs, long maxBytesPerOs) {

  public CacheLimits {
    if (maxImagesPerOs < 0) {
      throw new IllegalArgumentException(
          "cache.maxImagesPerOs: must be >= 0, got " + maxImagesPerOs);
    }
    if (maxBytesPerOs < 0) {
      throw new IllegalArgumentException("cache.maxBytesPerOs: must be >= 0, got " + maxBytesPerOs);
    }
  }

  public static final CacheLimits UNLIMITED = new CacheLimits(0, 0);

  /** Whether an OS with this many images and bytes is over a limit. */
  public boolean exceeded(int images, long bytes) {
    return (maxImagesPerOs > 0 && images > maxImagesPerOs)
        || (maxBytesPerOs > 0 && bytes > maxBytesPerOs);
  }
}
