package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A key of a ConfigMap or Secret in the namespace of the resource that names it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeySelector {
  @Required public String name;
  @Required public String key;

  public KeySelector() {}

  public KeySelector(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
