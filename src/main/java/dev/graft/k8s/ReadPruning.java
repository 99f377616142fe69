package dev.graft.k8s;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.util.StdConverter;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the operator's client leaves out of every object it reads, so that no informer cache holds
 * it: {@code metadata.managedFields} (the API server's field ownership, often larger than the
 * object's spec on a real server) and kubectl's {@value #KUBECTL_LAST_APPLIED} annotation (a copy
 * of the whole object as last applied: a user's file ConfigMap or Secret twice). Nothing in Graft
 * reads either.
 *
 * <p>Why safe to write back: the operator never replaces (PUT) an object it read; it creates,
 * patches (JSON Patch or merge patch computed from what it changes; the SDK's status patch is a
 * JSON patch against the cached object) and deletes. A patch computed between two objects read this
 * way holds neither field, and an update that omits {@code managedFields} leaves them as they are
 * on the server. A full update of a read object would drop kubectl's annotation: {@code
 * ArchitectureTest} pins that no operator code does one.
 *
 * <p>Done in the client's deserialization rather than in an informer item store: the SDK shares one
 * configured item store between the informers of every watched namespace, and a store shared that
 * way loses the other namespaces' objects when one informer relists (fabric8 retains only the keys
 * of its own list).
 */
@Singleton
public class ReadPruning implements KubernetesClientObjectMapperCustomizer {
  public static final String KUBECTL_LAST_APPLIED =
      "kubectl.kubernetes.io/last-applied-configuration";

  @Override
  public void customize(ObjectMapper mapper) {
    apply(mapper);
  }

  /** Makes {@code mapper} read ObjectMeta without the two fields. */
  public static ObjectMapper apply(ObjectMapper mapper) {
    mapper.addMixIn(ObjectMeta.class, PrunedMeta.class);
    return mapper;
  }

  /** ObjectMeta as read: managedFields ignored, kubectl's record left out of the annotations. */
  @JsonIgnoreProperties(
      value = {"managedFields"},
      allowGetters = true)
  abstract static class PrunedMeta {
    @JsonDeserialize(converter = WithoutKubectlRecord.class)
    abstract void setAnnotations(Map<String, String> annotations);
  }

  /** The annotations without kubectl's copy of the object. */
  static final class WithoutKubectlRecord
      extends StdConverter<Map<String, String>, Map<String, String>> {
    @Override
    public Map<String, String> convert(Map<String, String> annotations) {
      if (annotations == null || !annotations.containsKey(KUBECTL_LAST_APPLIED)) {
        return annotations;
      }
      Map<String, String> kept = new LinkedHashMap<>(annotations);
      kept.remove(KUBECTL_LAST_APPLIED);
      return kept;
    }
  }
}
