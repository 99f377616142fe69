package dev.graft.kubevirt;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A part of a KubeVirt or CDI object of which Graft models only some fields: every other field is
 * kept as read and written back as it was, so what a user wrote, or KubeVirt and CDI added, is
 * never dropped by a round trip through these classes.
 */
public abstract class Unmodelled {
  private final Map<String, Object> unmodelled = new LinkedHashMap<>();

  /** The fields this class does not model, by name, as Jackson reads them (maps and lists). */
  @JsonAnyGetter
  public Map<String, Object> unmodelled() {
    return unmodelled;
  }

  @JsonAnySetter
  public void unmodelled(String name, Object value) {
    unmodelled.put(name, value);
  }
}
