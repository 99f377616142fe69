package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parts of a KubeVirt VirtualMachine that a GraftedVirtualMachine sets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VmTemplate {
  /** Always, Halted, Manual, RerunOnFailure or Once. */
  @Default("Always")
  public RunStrategy runStrategy;

  /** A VirtualMachine(Cluster)Instancetype; when set, cpu and memory come from it. */
  public Matcher instancetype;

  public Matcher preference;

  @Min(1)
  public Integer cpuCores;

  /** Guest memory, e.g. {@code 2Gi}; ignored with an instancetype. */
  @Pattern(QuantityFormat.PATTERN)
  public String memory;

  /** Size of the VM's root disk clone; default: the golden image's size. */
  @Pattern(QuantityFormat.PATTERN)
  public String rootDiskSize;

  /** Extra labels on the VM's pods. */
  public Map<String, String> labels = new LinkedHashMap<>();

  /** KubeVirt run strategies. */
  public enum RunStrategy {
    Always,
    Halted,
    Manual,
    RerunOnFailure,
    Once
  }

  /** A named (cluster) instancetype or preference. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Matcher {
    public String kind;
    public String name;
  }
}
