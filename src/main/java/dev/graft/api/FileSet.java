package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.ArrayList;
import java.util.List;

/** A reusable named list of files, referenced by name from GraftedVirtualMachines. */
@Group(BaseImage.GROUP)
@Version(BaseImage.VERSION)
@ShortNames("fs")
@AdditionalPrinterColumn(
    name = "Files",
    jsonPath = ".status.files",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class FileSet extends CustomResource<FileSet.Spec, FileSet.Status> implements Namespaced {

  /** The files. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec {
    @Size(max = FileSpec.MAX_FILES)
    public List<FileSpec> files = new ArrayList<>();
  }

  /**
   * Whether the entries are valid on their own (paths, modes, owners, one source each), how many
   * there are and their declared size. Referenced ConfigMaps and Secrets are checked by the
   * GraftedVirtualMachines that use the FileSet, not here.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status extends GraftStatus {
    public Integer files;
    public Long bytes;
  }
}
