package dev.graft.kubevirt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.k8s.Annotations;
import dev.graft.k8s.MergePatch;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a VirtualMachine that exists is brought to what Graft wants: a patch of the fields Graft owns
 * (its labels, annotations and spec), computed three-way against what it last applied (recorded on
 * the VM, {@link Annotations#LAST_APPLIED}). Fields KubeVirt, a webhook or a person added stay; a
 * field the user removed from the template goes. Never a full update.
 */
public final class VirtualMachinePatch {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private VirtualMachinePatch() {}

  /** What Graft owns of a VM it wants, as JSON: labels, annotations (but the record) and spec. */
  static ObjectNode owned(VirtualMachine vm) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode meta = node.putObject("metadata");
    meta.set("labels", JSON.valueToTree(vm.getMetadata().getLabels()));
    Map<String, String> annotations = new LinkedHashMap<>(vm.getMetadata().getAnnotations());
    annotations.remove(Annotations.LAST_APPLIED);
    meta.set("annotations", JSON.valueToTree(annotations));
    node.set("spec", JSON.valueToTree(vm.getSpec()));
    return node;
  }

  /** Records on a desired VM what Graft applies, for the next patch's three-way comparison. */
  static void record(VirtualMachine desired) {
    desired.getMetadata().getAnnotations().put(Annotations.LAST_APPLIED, owned(desired).toString());
  }

  /**
   * The patch (JSON Patch operations, {@link MergePatch#toJsonPatch}) from {@code live} to {@code
   * desired}, or empty when nothing differs.
   */
  public static Optional<String> of(VirtualMachine desired, VirtualMachine live) {
    ObjectNode want = owned(desired);
    want.with("metadata")
        .with("annotations")
        .put(
            Annotations.LAST_APPLIED,
            desired.getMetadata().getAnnotations().get(Annotations.LAST_APPLIED));
    ObjectNode is = JSON.createObjectNode();
    ObjectNode meta = is.putObject("metadata");
    meta.set("labels", JSON.valueToTree(live.getMetadata().getLabels()));
    meta.set("annotations", JSON.valueToTree(live.getMetadata().getAnnotations()));
    is.set("spec", JSON.valueToTree(live.getSpec()));
    JsonNode was = lastApplied(live);
    ObjectNode patch = MergePatch.threeWay(was, want, is);
    if (is.with("metadata").get("annotations").isNull()) {
      is.with("metadata").remove("annotations");
    }
    if (is.with("metadata").get("labels").isNull()) {
      is.with("metadata").remove("labels");
    }
    return patch.isEmpty()
        ? Optional.empty()
        : Optional.of(MergePatch.toJsonPatch(patch, is).toString());
  }

  private static JsonNode lastApplied(VirtualMachine live) {
    var a = live.getMetadata().getAnnotations();
    String json = a == null ? null : a.get(Annotations.LAST_APPLIED);
    if (json == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(json);
      // The record itself is not among the fields it records.
      return node.isObject() ? node : null;
    } catch (java.io.IOException e) {
      return null; // a damaged record: compare with the live object only
    }
  }
}
