package dev.graft.kubevirt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/** CDI {@code DataVolume} (cdi.kubevirt.io/v1beta1): the fields Graft sets and reads. */
@Group("cdi.kubevirt.io")
@Version("v1beta1")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DataVolume extends CustomResource<DataVolume.Spec, DataVolume.Status>
    implements Namespaced {

  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";

  /** Source (or sourceRef) and storage. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Spec extends Unmodelled {
    public Source source;
    public SourceRef sourceRef;
    public Storage storage;
  }

  /** One of http, registry, pvc, snapshot. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Source extends Unmodelled {
    public Url http;
    public Url registry;
    public Pvc pvc;

    /** A VolumeSnapshot to restore: namespace and name, as a PVC's. */
    public Pvc snapshot;
  }

  /** An http or registry URL. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Url extends Unmodelled {
    public String url;

    /** http only: {@code algorithm:hex}, checked by CDI after the download. */
    public String checksum;

    public Url() {}

    public Url(String url) {
      this.url = url;
    }
  }

  /** A PVC to clone. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Pvc extends Unmodelled {
    public String namespace;
    public String name;

    public Pvc() {}

    public Pvc(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }
  }

  /** A DataSource reference. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SourceRef extends Unmodelled {
    public String kind;
    public String namespace;
    public String name;
  }

  /** CDI storage spec: size, class, mode; CDI fills access modes from the StorageProfile. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Storage extends Unmodelled {
    public Resources resources;
    public String storageClassName;
    public String volumeMode;
    public List<String> accessModes;
  }

  /** Resource requests. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Resources extends Unmodelled {
    public Map<String, String> requests;
  }

  /** Phase, progress and the PVC name, as CDI reports them. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status extends Unmodelled {
    public String phase;
    public String progress;
    public String claimName;
    public Integer restartCount;
    public List<Map<String, Object>> conditions;
  }

  /** Whether CDI reports the DataVolume finished. */
  public boolean succeeded() {
    return getStatus() != null && SUCCEEDED.equals(getStatus().phase);
  }

  /** Whether CDI reports the DataVolume failed. */
  public boolean failed() {
    return getStatus() != null && FAILED.equals(getStatus().phase);
  }
}
