package dev.graft.catalog;

import dev.graft.planner.Weights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The planner settings of the run-time ConfigMap ({@link RuntimeWeights#NAME}): weights that are
 * pinned (they win over the startup configuration and over learning) and, optionally, whether to
 * learn at all. Keys are the plan format's weight names plus {@code calibrate}.
 *
 * @param pinned weight name → value, for the keys present
 * @param calibrate learn weights from measured builds; null: as configured at startup
 */
public record WeightOverrides(Map<String, Double> pinned, Boolean calibrate) {

  /** The weight names, as in the plan format and {@code graft_planner_weight}. */
  public static final List<String> WEIGHTS =
      List.of("missingBytes", "inject", "remove", "excessBytes", "perBuild");

  public static final WeightOverrides NONE = new WeightOverrides(Map.of(), null);

  public WeightOverrides {
    pinned = Map.copyOf(pinned);
  }

  /**
   * Reads ConfigMap data; a bad key or value throws with the key and the value in the message, so
   * the caller can keep the previous settings and say why.
   */
  public static WeightOverrides parse(Map<String, String> data) {
    Map<String, Double> pinned = new LinkedHashMap<>();
    Boolean calibrate = null;
    if (data == null) {
      return NONE;
    }
    for (var e : new java.util.TreeMap<>(data).entrySet()) {
      String key = e.getKey();
      String raw = e.getValue() == null ? "" : e.getValue().strip();
      if (key.equals("calibrate")) {
        if (!raw.equals("true") && !raw.equals("false")) {
          throw new IllegalArgumentException(
              "calibrate: must be true or false, got \"" + e.getValue() + "\"");
        }
        calibrate = Boolean.valueOf(raw);
      } else if (WEIGHTS.contains(key)) {
        double value;
        try {
          value = Double.parseDouble(raw);
        } catch (NumberFormatException x) {
          value = Double.NaN;
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
          throw new IllegalArgumentException(
              key + ": must be a finite number >= 0, got \"" + e.getValue() + "\"");
        }
        pinned.put(key, value);
      } else {
        throw new IllegalArgumentException(
            key
                + ": unknown key (value \""
                + e.getValue()
                + "\"); known: "
                + String.join(", ", WEIGHTS)
                + ", calibrate");
      }
    }
    return new WeightOverrides(pinned, calibrate);
  }

  /** {@code base} with the pinned weights put in. */
  public Weights over(Weights base) {
    return new Weights(
        pinned.getOrDefault("missingBytes", base.missingBytes()),
        pinned.getOrDefault("inject", base.inject()),
        pinned.getOrDefault("remove", base.remove()),
        pinned.getOrDefault("excessBytes", base.excessBytes()),
        pinned.getOrDefault("perBuild", base.perBuild()));
  }

  /**
   * The weights in use: a pinned weight always; otherwise the learned one when there is one, else
   * the startup configuration's.
   *
   * @param learned fitted weights, or null (not learning, or too few builds measured)
   */
  public Weights resolve(Weights startup, Weights learned) {
    return over(learned != null ? learned : startup);
  }

  /** Where each weight in use comes from: {@code pinned}, {@code learned} or {@code configured}. */
  public Map<String, String> sources(boolean learned) {
    Map<String, String> sources = new LinkedHashMap<>();
    for (String w : WEIGHTS) {
      sources.put(
          w,
          pinned.containsKey(w)
              ? "pinned"
              : learned && !w.equals("excessBytes") ? "learned" : "configured");
    }
    return sources;
  }
}
