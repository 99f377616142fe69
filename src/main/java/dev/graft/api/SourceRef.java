package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** A reference to a CDI {@code DataSource} (the usual way OS images are published in a cluster). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SourceRef {
  @Default("DataSource")
  public String kind;

  public String namespace;
  @Required public String name;
}
