package dev.graft.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/** CDI {@code DataSource}: a named pointer to a PVC, how clusters publish OS images. */
@Group("cdi.kubevirt.io")
@Version("v1beta1")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DataSource extends CustomResource<DataSource.Spec, DataSource.Status>
    implements Namespaced {

  /** The PVC it points to. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Spec {
    public Source source;
  }

  /**
   * What it points at: a PVC, a VolumeSnapshot (a DataImportCron on storage whose StorageProfile
   * prefers snapshots), or another DataSource.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Source {
    public DataVolume.Pvc pvc;
    public DataVolume.Pvc snapshot;
    public DataVolume.Pvc dataSource;
  }

  /** Conditions as CDI reports them. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class Status {
    public List<Map<String, Object>> conditions;
  }
}
