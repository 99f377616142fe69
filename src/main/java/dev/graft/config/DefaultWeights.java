package dev.graft.config;

import dev.graft.planner.Weights;
import io.smallrye.config.WithDefault;

/**
 * The operator's default cost weights, read from the {@link GraftConfig.Weights} annotations so
 * that offline tools (bench, demo comparisons) use exactly what a fresh install uses.
 */
public final class DefaultWeights {
  private DefaultWeights() {}

  public static Weights get() {
    return new Weights(
        value("missingBytes"),
        value("inject"),
        value("remove"),
        value("excessBytes"),
        value("perBuild"));
  }

  private static double value(String property) {
    try {
      return Double.parseDouble(
          GraftConfig.Weights.class.getMethod(property).getAnnotation(WithDefault.class).value());
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("GraftConfig.Weights has no " + property, e);
    }
  }
}
