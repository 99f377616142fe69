package dev.graft.planner;

/**
 * Where a plan's requests find their existing sources: a {@link NearestIndex}, or several of them
 * when a caller keeps images apart (the operator's tenancy rule) and a request may use only some.
 */
public interface SourceIndex {

  /** The first image whose OS and files equal the request's, or null. */
  ImageSet exact(ImageSet request);

  /**
   * The cheapest image of depth at most {@code maxSourceDepth} to build the request from (cost 0
   * for an exact match); null if none of its OS is that shallow.
   */
  NearestIndex.Match nearest(ImageSet request, int maxSourceDepth);

  /** The distinct depths of the images a request of this OS may start from. */
  java.util.Set<Integer> depths(String os);
}
