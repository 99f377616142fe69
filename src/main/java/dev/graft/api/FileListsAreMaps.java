package dev.graft.api;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.List;

/**
 * Build-time step of the CRD generation (quarkus.operator-sdk.crd.post-processor): every list of
 * objects with a required {@code path} (the files of a GraftedVirtualMachine, a FileSet and a
 * GoldenImage's manifest) becomes {@code x-kubernetes-list-type: map} keyed by {@code path}, so the
 * API server refuses two files with one path and server-side apply merges files by path. The
 * fabric8 generator has no annotation for list types.
 */
public class FileListsAreMaps implements CRDPostProcessor {
  static final String KEY = "path";

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (crd instanceof CustomResourceDefinition v1) {
      for (CustomResourceDefinitionVersion version : v1.getSpec().getVersions()) {
        if (version.getSchema() != null) {
          visit(version.getSchema().getOpenAPIV3Schema());
        }
      }
    }
    return crd;
  }

  private static void visit(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    if ("array".equals(schema.getType()) && schema.getItems() != null) {
      JSONSchemaProps item = schema.getItems().getSchema();
      if (item != null && item.getRequired() != null && item.getRequired().contains(KEY)) {
        schema.setXKubernetesListType("map");
        schema.setXKubernetesListMapKeys(List.of(KEY));
      }
      visit(item);
    }
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(FileListsAreMaps::visit);
    }
  }
}
