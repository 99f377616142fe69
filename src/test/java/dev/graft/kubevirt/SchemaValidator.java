package dev.graft.kubevirt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates objects against the upstream KubeVirt and CDI OpenAPI definitions, strictly: every
 * object definition that lists properties and does not allow others gets {@code
 * additionalProperties: false}, so an unknown or misspelt field fails like on a real API server.
 */
public final class SchemaValidator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

  private SchemaValidator() {}

  /** Validation errors of a VirtualMachine against {@code v1.VirtualMachine}. */
  public static List<String> virtualMachine(Object vm) {
    return validate("kubevirt-swagger.json", "v1.VirtualMachine", vm);
  }

  /** Validation errors of a DataVolume against {@code v1beta1.DataVolume}. */
  public static List<String> dataVolume(Object dv) {
    return validate("cdi-swagger.json", "v1beta1.DataVolume", dv);
  }

  public static List<String> validate(String file, String definition, Object object) {
    Schema schema = CACHE.computeIfAbsent(file + "#" + definition, k -> load(file, definition));
    String json = Serialization.asJson(object);
    return schema.validate(json, InputFormat.JSON).stream().map(Object::toString).toList();
  }

  private static Schema load(String file, String definition) {
    try (InputStream in = SchemaValidator.class.getResourceAsStream("/schemas/" + file)) {
      JsonNode swagger = JSON.readTree(in);
      ObjectNode definitions = (ObjectNode) swagger.get("definitions").deepCopy();
      definitions.forEach(SchemaValidator::strict);
      ObjectNode root = JSON.createObjectNode();
      root.put("$ref", "#/definitions/" + definition);
      root.set("definitions", definitions);
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
          .getSchema(JSON.writeValueAsString(root), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void strict(JsonNode def) {
    if (def instanceof ObjectNode o) {
      if (o.has("properties") && !o.has("additionalProperties")) {
        o.put("additionalProperties", false);
      }
      o.forEach(SchemaValidator::strict);
    } else if (def != null && def.isArray()) {
      def.forEach(SchemaValidator::strict);
    }
  }
}
