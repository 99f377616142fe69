package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.List;

/** A VM wanted as an os plus files; Graft finds or builds its image and creates the VM. */
@Group(BaseImage.GROUP)
@Version(BaseImage.VERSION)
@ShortNames("gvm")
@AdditionalPrinterColumn(name = "OS", jsonPath = ".spec.os")
@AdditionalPrinterColumn(name = "Image", jsonPath = ".status.image")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "VM", jsonPath = ".status.virtualMachine.printableStatus")
// Printer columns in this order (PrinterColumnsAsDeclared); the base generation and
// its pin only in -o wide.
@AdditionalPrinterColumn(
    name = "Base",
    jsonPath = ".status.baseGeneration",
    type = AdditionalPrinterColumn.Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Pinned",
    jsonPath = ".spec.baseGeneration",
    type = AdditionalPrinterColumn.Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class GraftedVirtualMachine
    extends CustomResource<GraftedVirtualMachine.Spec, GraftedVirtualMachine.Status>
    implements Namespaced {

  /** The os, FileSets by name, inline files and the VM template. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @Size(max = 40)
    public String os;

    /**
     * Names of FileSets in this namespace, applied in order (a later one may not redefine a path).
     */
    public List<String> fileSets = new ArrayList<>();

    @Size(max = FileSpec.MAX_FILES)
    public List<FileSpec> files = new ArrayList<>();

    /** The VirtualMachine: its metadata and a complete kubevirt.io/v1 VirtualMachineSpec. */
    public VirtualMachineTemplate virtualMachineTemplate;

    /** Name, size, storage class and volume mode of the root disk. */
    public RootDisk rootDisk;

    /** What a new image (changed files) does to the running VM. */
    @Default("RestartRequired")
    public UpdatePolicy updatePolicy;

    /**
     * Pins the generation of the os's base the image is built on: a newer base (a changed source)
     * does not move this VM. Unset: the BaseImage's updatePolicy decides.
     */
    @io.fabric8.generator.annotation.Min(1)
    public Integer baseGeneration;
  }

  /**
   * RestartRequired: the VM gets its new root disk at its next restart; Automatic: Graft restarts
   * it (KubeVirt's restart subresource) once KubeVirt reports the VM's DataVolumes ready.
   */
  public enum UpdatePolicy {
    RestartRequired,
    Automatic
  }

  /** What was planned and built, and the VM. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status extends GraftStatus {
    /** The GoldenImage the VM's root disk is cloned from (or will be, once built). */
    public String image;

    public String imageNamespace;
    public String manifestDigest;
    public Integer files;
    public Long bytes;

    /** The VirtualMachine as KubeVirt reports it. */
    public VirtualMachineStatus virtualMachine;

    /** The generation of the base its image is built on. */
    public Integer baseGeneration;

    /** Whether the image was already Ready when this VM asked for it. */
    public Boolean cacheHit;

    public PlanSummary plan;
  }

  /** The VirtualMachine's name and state, read from its status. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class VirtualMachineStatus {
    public String name;

    /** KubeVirt's printableStatus: Stopped, Provisioning, Starting, Running, Migrating, ... */
    public String printableStatus;

    /** KubeVirt's status.ready: the VM runs and its guest is ready. */
    public Boolean ready;

    /** The image of the disk the running VM booted from, while it differs from status.image. */
    public String runningImage;

    /** The image a restart was asked for (updatePolicy Automatic), so that it is asked once. */
    public String restartRequestedFor;
  }

  /** How the image was (or is being) built. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PlanSummary {
    /** The parent image; empty for a cache hit. */
    public String source;

    public String strategy;
    public Integer filesAdded;
    public Integer filesRemoved;
    public Long bytesAdded;

    /** Predicted build cost (seconds with the default weights); 0 for a cache hit. */
    public Double cost;
  }
}
