package dev.graft.inject.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.config.GraftConfig;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where injection Jobs may run and what they pull with: image pull secrets (a private registry),
 * node selector, tolerations and affinity (tainted or labelled KVM nodes) and priority class. The
 * operator reads them from {@code graft.injector.*}; selector, tolerations and affinity are JSON,
 * as the chart writes them from its values.
 */
public record JobPlacement(
    List<String> imagePullSecrets,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    Optional<Affinity> affinity,
    Optional<String> priorityClassName) {

  /** Anywhere the scheduler likes, with the node's registry credentials. */
  public static final JobPlacement NONE =
      new JobPlacement(List.of(), Map.of(), List.of(), Optional.empty(), Optional.empty());

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  public JobPlacement {
    imagePullSecrets =
        imagePullSecrets.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    nodeSelector = new TreeMap<>(nodeSelector);
    tolerations = List.copyOf(tolerations);
    priorityClassName = priorityClassName.map(String::strip).filter(s -> !s.isEmpty());
  }

  /** The operator configuration's placement; a bad value stops the start, naming the property. */
  public static JobPlacement from(GraftConfig.Injector config) {
    return parse(
        config.imagePullSecrets().orElse(List.of()),
        config.nodeSelector(),
        config.tolerations(),
        config.affinity(),
        config.priorityClassName());
  }

  /** From the configuration's text: pull secret names and JSON selector, tolerations, affinity. */
  public static JobPlacement parse(
      List<String> imagePullSecrets,
      Optional<String> nodeSelectorJson,
      Optional<String> tolerationsJson,
      Optional<String> affinityJson,
      Optional<String> priorityClassName) {
    Map<String, String> selector =
        read(
            "graft.injector.node-selector",
            nodeSelectorJson,
            new TypeReference<Map<String, String>>() {});
    List<Toleration> tolerations =
        read(
            "graft.injector.tolerations",
            tolerationsJson,
            new TypeReference<List<Toleration>>() {});
    Affinity affinity =
        read("graft.injector.affinity", affinityJson, new TypeReference<Affinity>() {});
    return new JobPlacement(
        imagePullSecrets,
        selector == null ? Map.of() : selector,
        tolerations == null ? List.of() : tolerations,
        Optional.ofNullable(affinity).filter(a -> !a.equals(new Affinity())),
        priorityClassName);
  }

  private static <T> T read(String property, Optional<String> json, TypeReference<T> type) {
    String text = json.map(String::strip).orElse("");
    if (text.isEmpty()) {
      return null;
    }
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          property + ": '" + text + "' is not valid JSON for it: " + e.getOriginalMessage(), e);
    }
  }

  /** Sets the placement on the Job's pod spec (fields left empty stay unset). */
  public void applyTo(PodSpec pod) {
    if (!imagePullSecrets.isEmpty()) {
      pod.setImagePullSecrets(imagePullSecrets.stream().map(LocalObjectReference::new).toList());
    }
    if (!nodeSelector.isEmpty()) {
      pod.setNodeSelector(new TreeMap<>(nodeSelector));
    }
    if (!tolerations.isEmpty()) {
      pod.setTolerations(tolerations);
    }
    affinity.ifPresent(pod::setAffinity);
    priorityClassName.ifPresent(pod::setPriorityClassName);
  }
}
