package dev.graft.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** KubeVirt {@code VirtualMachine} (kubevirt.io/v1): the fields Graft sets and reads. */
@Group("kubevirt.io")
@Version("v1")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class VirtualMachine extends CustomResource<VirtualMachine.Spec, VirtualMachine.Status>
    implements Namespaced {

  /** Run strategy, instancetype/preference, the root disk clone, and the VMI template. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Spec {
    public String runStrategy;
    public Matcher instancetype;
    public Matcher preference;
    public List<DataVolumeTemplate> dataVolumeTemplates = new ArrayList<>();
    public Template template;
  }

  /** Instancetype or preference reference. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Matcher {
    public String kind;
    public String name;
  }

  /** A DataVolume created with (and owned by) the VM. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class DataVolumeTemplate {
    public ObjectMeta metadata;
    public DataVolume.Spec spec;
  }

  /** The subset of ObjectMeta used inside templates. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class ObjectMeta {
    public String name;
    public Map<String, String> labels;
    public Map<String, String> annotations;
  }

  /** The VMI template. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Template {
    public ObjectMeta metadata;
    public VmiSpec spec;
  }

  /** Domain, networks and volumes. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class VmiSpec {
    public Domain domain;
    public List<Network> networks;
    public List<Volume> volumes;
  }

  /** Domain: cpu, memory, devices. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Domain {
    public Cpu cpu;
    public Memory memory;
    public Devices devices = new Devices();
  }

  /** CPU topology. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Cpu {
    public Integer cores;
  }

  /** Guest memory. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Memory {
    public String guest;
  }

  /** Disks and interfaces. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Devices {
    public List<Disk> disks;
    public List<Interface> interfaces;
  }

  /** A disk attached to a volume of the same name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Disk {
    public String name;
    public DiskTarget disk;
    public Integer bootOrder;
  }

  /** Disk bus. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class DiskTarget {
    public String bus;
  }

  /** A network interface; masquerade binding for the pod network. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Interface {
    public String name;
    public Map<String, Object> masquerade;
  }

  /** A network; only the pod network is used. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Network {
    public String name;
    public Map<String, Object> pod;
  }

  /** A volume backed by a DataVolume. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Volume {
    public String name;
    public DataVolumeRef dataVolume;
  }

  /** DataVolume volume source. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class DataVolumeRef {
    public String name;
  }

  /** What KubeVirt reports; Graft only reads it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Status {
    public String printableStatus;
    public Boolean ready;
  }
}
