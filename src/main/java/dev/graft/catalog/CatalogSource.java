package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * One catalog namespace's GoldenImages as a cache holds them now, for the planner's kept catalog. A
 * fed source reports every change of its images to the planner ({@link CatalogFeed}), so a plan
 * reads only the images that changed since the last one; any other source is walked in full on each
 * plan.
 */
public interface CatalogSource {
  /** The image of this name as the cache holds it now, or null. */
  GoldenImage get(String name);

  /** Every image of the namespace as the cache lists it now. */
  Collection<GoldenImage> list();

  /** Whether every change of it is reported to the planner's {@link CatalogFeed}. */
  boolean fed();

  /** A listed catalog: walked in full on each plan (tests, benchmarks, tools). */
  static CatalogSource listed(Collection<GoldenImage> images) {
    return new CatalogSource() {
      private Map<String, GoldenImage> byName;

      @Override
      public GoldenImage get(String name) {
        if (byName == null) {
          byName = new HashMap<>();
          images.forEach(gi -> byName.put(gi.getMetadata().getName(), gi));
        }
        return byName.get(name);
      }

      @Override
      public Collection<GoldenImage> list() {
        return images;
      }

      @Override
      public boolean fed() {
        return false;
      }
    };
  }
}
