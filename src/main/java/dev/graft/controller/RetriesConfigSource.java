package dev.graft.controller;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Hands the values of {@link Retries} to QOSDK, which reads a controller's retry intervals from
 * configuration ({@code quarkus.operator-sdk.controllers.<name>.retry.*}) and not from the
 * {@code @GradualRetry} annotation: so {@link Retries} is the one place they are written.
 * Registered with the ServiceLoader; application.properties can still override it (ordinal 50,
 * below application.properties' 250).
 */
public class RetriesConfigSource implements ConfigSource {
  /** The controllers' names, as in their {@code @ControllerConfiguration}. */
  static final List<String> CONTROLLERS =
      List.of("baseimage", "clusterbaseimage", "fileset", "goldenimage", "graftedvirtualmachine");

  private static final Map<String, String> VALUES = values();

  private static Map<String, String> values() {
    Map<String, String> v = new HashMap<>();
    for (String c : CONTROLLERS) {
      String prefix = "quarkus.operator-sdk.controllers." + c + ".retry.";
      v.put(prefix + "max-attempts", Integer.toString(Retries.UNLIMITED));
      v.put(prefix + "interval.initial", Long.toString(Retries.INITIAL_MILLIS));
      v.put(prefix + "interval.multiplier", Double.toString(Retries.MULTIPLIER));
      v.put(prefix + "interval.max", Long.toString(Retries.MAX_MILLIS));
    }
    return Map.copyOf(v);
  }

  @Override
  public Set<String> getPropertyNames() {
    return VALUES.keySet();
  }

  @Override
  public String getValue(String name) {
    return VALUES.get(name);
  }

  @Override
  public String getName() {
    return "graft-retries";
  }

  @Override
  public int getOrdinal() {
    return 50;
  }
}
