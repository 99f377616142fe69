package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The VirtualMachine a GraftedVirtualMachine asks for, as KubeVirt's VirtualMachinePool declares
 * one: metadata for the VirtualMachine, and a complete {@code kubevirt.io/v1} VirtualMachineSpec.
 * Graft keeps the spec as written (the CRD preserves it unvalidated; KubeVirt validates the
 * VirtualMachine) and adds only its root disk.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualMachineTemplate {
  public Metadata metadata;

  /**
   * A kubevirt.io/v1 VirtualMachineSpec: runStrategy, instancetype, preference,
   * dataVolumeTemplates, template (domain, networks, volumes, accessCredentials, nodeSelector,
   * tolerations, affinity, evictionStrategy, ...).
   */
  @PreserveUnknownFields
  @SchemaFrom(type = AnyObject.class)
  public Map<String, Object> spec;

  /** The schema of a preserved object: {@code type: object}, any field (the CRD stays small). */
  static final class AnyObject {}

  /**
   * A template of a VM that runs always with this many cores and this much memory, on the pod
   * network (KubeVirt's default): the smallest useful one, for generated fleets.
   */
  public static VirtualMachineTemplate running(int cores, String memory) {
    Map<String, Object> domain = new LinkedHashMap<>();
    domain.put("cpu", new LinkedHashMap<>(Map.of("cores", cores)));
    domain.put("memory", new LinkedHashMap<>(Map.of("guest", memory)));
    domain.put("devices", new LinkedHashMap<>());
    Map<String, Object> vmi = new LinkedHashMap<>(Map.of("domain", domain));
    Map<String, Object> template = new LinkedHashMap<>(Map.of("spec", vmi));
    VirtualMachineTemplate t = new VirtualMachineTemplate();
    t.spec = new LinkedHashMap<>();
    t.spec.put("runStrategy", "Always");
    t.spec.put("template", template);
    return t;
  }

  /** Labels and annotations of the VirtualMachine. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Metadata {
    public Map<String, String> labels;
    public Map<String, String> annotations;
  }
}
