package dev.graft.realcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * KubeVirt's VirtualMachine and CDI's DataVolume and DataSource CRDs, with structural schemas
 * derived from the upstream OpenAPI (swagger 2.0) documents in {@code src/test/resources/schemas}:
 * every {@code $ref} inlined, descriptions and defaults dropped, quantities and int-or-strings as
 * {@code x-kubernetes-int-or-string}, free-form objects (RawExtension, nested ObjectMeta) kept with
 * {@code x-kubernetes-preserve-unknown-fields}. The real API server then prunes unknown fields and
 * rejects wrong types the way KubeVirt's and CDI's own CRDs make it.
 */
final class UpstreamCrds {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OBJECT_META = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta";
  private static final Set<String> INT_OR_STRING =
      Set.of(
          "k8s.io.apimachinery.pkg.api.resource.Quantity",
          "k8s.io.apimachinery.pkg.util.intstr.IntOrString");

  private UpstreamCrds() {}

  static List<CustomResourceDefinition> all() {
    return List.of(
        crd(
            "kubevirt-swagger.json",
            "v1.VirtualMachine",
            "kubevirt.io",
            "v1",
            "virtualmachines",
            "VirtualMachine",
            "vm"),
        crd(
            "cdi-swagger.json",
            "v1beta1.DataVolume",
            "cdi.kubevirt.io",
            "v1beta1",
            "datavolumes",
            "DataVolume",
            "dv"),
        crd(
            "cdi-swagger.json",
            "v1beta1.DataSource",
            "cdi.kubevirt.io",
            "v1beta1",
            "datasources",
            "DataSource",
            "das"));
  }

  static CustomResourceDefinition crd(
      String file,
      String definition,
      String group,
      String version,
      String plural,
      String kind,
      String shortName) {
    JsonNode definitions = read(file).get("definitions");
    ObjectNode schema = new Converter(definitions).root(definition);
    ObjectNode crd = JSON.createObjectNode();
    crd.put("apiVersion", "apiextensions.k8s.io/v1");
    crd.put("kind", "CustomResourceDefinition");
    crd.putObject("metadata").put("name", plural + "." + group);
    ObjectNode spec = crd.putObject("spec");
    spec.put("group", group);
    spec.put("scope", "Namespaced");
    ObjectNode names = spec.putObject("names");
    names.put("plural", plural);
    names.put("singular", kind.toLowerCase());
    names.put("kind", kind);
    names.putArray("shortNames").add(shortName);
    ObjectNode v = spec.putArray("versions").addObject();
    v.put("name", version);
    v.put("served", true);
    v.put("storage", true);
    v.putObject("subresources").putObject("status");
    v.putObject("schema").set("openAPIV3Schema", schema);
    return Serialization.unmarshal(crd.toString(), CustomResourceDefinition.class);
  }

  private static JsonNode read(String file) {
    try (InputStream in = UpstreamCrds.class.getResourceAsStream("/schemas/" + file)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Swagger 2.0 definitions to one structural OpenAPI v3 schema. */
  static final class Converter {
    private final JsonNode definitions;
    private final Deque<String> path = new ArrayDeque<>();

    Converter(JsonNode definitions) {
      this.definitions = definitions;
    }

    ObjectNode root(String definition) {
      ObjectNode schema = convert(definitions.get(definition));
      // The API server owns metadata's schema; a CRD may only say it is an object.
      ObjectNode props = (ObjectNode) schema.get("properties");
      props.set("metadata", JSON.createObjectNode().put("type", "object"));
      return schema;
    }

    private ObjectNode ref(String ref) {
      String name = ref.substring(ref.lastIndexOf('/') + 1);
      if (INT_OR_STRING.contains(name)) {
        return JSON.createObjectNode().put("x-kubernetes-int-or-string", true);
      }
      if (OBJECT_META.equals(name) || path.contains(name)) {
        // An embedded ObjectMeta (a template's), or a recursive type: kept as given.
        return freeForm();
      }
      path.push(name);
      try {
        return convert(definitions.get(name));
      } finally {
        path.pop();
      }
    }

    private ObjectNode convert(JsonNode in) {
      if (in.has("$ref")) {
        ObjectNode out = ref(in.get("$ref").asText());
        if (in.path("nullable").asBoolean()) {
          out.put("nullable", true);
        }
        return out;
      }
      ObjectNode out = JSON.createObjectNode();
      JsonNode type = in.get("type");
      if (type != null && type.isArray()) {
        // Quantity-like ["string", "integer", "number"]
        return out.put("x-kubernetes-int-or-string", true);
      }
      if ("int-or-string".equals(in.path("format").asText())) {
        return out.put("x-kubernetes-int-or-string", true);
      }
      String t = type == null ? (in.has("properties") ? "object" : null) : type.asText();
      if (t == null) {
        return freeForm();
      }
      out.put("type", t);
      copy(in, out, "format", "enum", "nullable", "pattern", "minimum", "maximum");
      copy(in, out, "x-kubernetes-map-type");
      if (in.has("properties")) {
        ObjectNode props = out.putObject("properties");
        in.get("properties")
            .fields()
            .forEachRemaining(e -> props.set(e.getKey(), convert(e.getValue())));
        if (in.has("required")) {
          out.set("required", in.get("required").deepCopy());
        }
      } else if (in.has("additionalProperties") && in.get("additionalProperties").isObject()) {
        out.set("additionalProperties", convert(in.get("additionalProperties")));
      } else if ("object".equals(t)) {
        out.put("x-kubernetes-preserve-unknown-fields", true);
      }
      if (in.has("items")) {
        ObjectNode items = convert(in.get("items"));
        out.set("items", items);
        String listType = in.path("x-kubernetes-list-type").asText(null);
        if ("map".equals(listType) && keysRequired(in, items)) {
          out.put("x-kubernetes-list-type", "map");
          out.set("x-kubernetes-list-map-keys", in.get("x-kubernetes-list-map-keys").deepCopy());
        } else if ("set".equals(listType) || "atomic".equals(listType)) {
          out.put("x-kubernetes-list-type", listType);
        }
      }
      return out;
    }

    /** A list-type map needs its keys required in the items (the server refuses it otherwise). */
    private static boolean keysRequired(JsonNode list, ObjectNode items) {
      JsonNode keys = list.get("x-kubernetes-list-map-keys");
      if (keys == null || !keys.isArray() || !items.has("required")) {
        return false;
      }
      Set<String> required = new HashSet<>();
      items.get("required").forEach(r -> required.add(r.asText()));
      for (JsonNode k : keys) {
        if (!required.contains(k.asText())) {
          return false;
        }
      }
      return true;
    }

    private static ObjectNode freeForm() {
      return JSON.createObjectNode()
          .put("type", "object")
          .put("x-kubernetes-preserve-unknown-fields", true);
    }

    private static void copy(JsonNode in, ObjectNode out, String... fields) {
      for (String f : fields) {
        if (in.has(f)) {
          out.set(f, in.get(f).deepCopy());
        }
      }
    }
  }
}
