package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What every Graft status has: phase, conditions (Ready, Progressing, Degraded), generation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class GraftStatus {
  public Phase phase;
  public Long observedGeneration;
  public List<Condition> conditions = new ArrayList<>();
}
