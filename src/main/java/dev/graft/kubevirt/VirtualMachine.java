package dev.graft.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * KubeVirt {@code VirtualMachine} (kubevirt.io/v1). Typed are only the fields Graft sets or reads
 * (its root disk, the run strategy, the status); every other field of the user's template, or one
 * that KubeVirt added, is kept as it is ({@link Unmodelled}).
 */
@Group("kubevirt.io")
@Version("v1")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class VirtualMachine extends CustomResource<VirtualMachine.Spec, VirtualMachine.Status>
    implements Namespaced {

  /** A VirtualMachineSpec: run strategy, DataVolume templates, the VMI template, and the rest. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec extends Unmodelled {
    public String runStrategy;
    public Boolean running;
    public List<DataVolumeTemplate> dataVolumeTemplates;
    public Template template;
  }

  /** A DataVolume created with (and owned by) the VM. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DataVolumeTemplate extends Unmodelled {
    public ObjectMeta metadata;
    public DataVolume.Spec spec;
  }

  /** The subset of ObjectMeta used inside templates. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ObjectMeta extends Unmodelled {
    public String name;
    public Map<String, String> labels;
    public Map<String, String> annotations;
  }

  /** The VMI template. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Template extends Unmodelled {
    public ObjectMeta metadata;
    public VmiSpec spec;
  }

  /** A VirtualMachineInstanceSpec: domain and volumes typed, networks and the rest kept. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class VmiSpec extends Unmodelled {
    public Domain domain;
    public List<Volume> volumes;
  }

  /** A DomainSpec: its devices typed, cpu, memory and the rest kept. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Domain extends Unmodelled {
    public Devices devices;
  }

  /** Devices: the disks typed, interfaces and the rest kept. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Devices extends Unmodelled {
    public List<Disk> disks;
  }

  /** A disk attached to the volume of the same name. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Disk extends Unmodelled {
    public String name;
    public DiskTarget disk;
    public Integer bootOrder;
  }

  /** Disk bus. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DiskTarget extends Unmodelled {
    public String bus;
  }

  /** A volume; Graft sets DataVolume volumes, the user's other kinds are kept. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Volume extends Unmodelled {
    public String name;
    public DataVolumeRef dataVolume;
  }

  /** DataVolume volume source. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DataVolumeRef extends Unmodelled {
    public String name;
  }

  /** What KubeVirt reports; Graft only reads it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status extends Unmodelled {
    /** Stopped, Provisioning, Starting, Running, Paused, Stopping, Terminating, Migrating, ... */
    public String printableStatus;

    public Boolean ready;
    public List<Condition> conditions;

    /** The generation of the spec KubeVirt has seen. */
    public Long observedGeneration;
  }

  /** A VM condition (Ready, Failure, DataVolumesReady, ...). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Condition extends Unmodelled {
    public String type;
    public String status;
    public String reason;
    public String message;
  }
}
