package dev.graft.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.graft.api.BaseImage;
import dev.graft.api.FileSet;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet read from a scenario file of {@code graft demo} (config/demo/fleet.yaml) without a
 * cluster: every GraftedVirtualMachine resolved into its manifest from the file's ConfigMaps,
 * Secrets and FileSets, and the base image of each BaseImage's os as the catalog to plan against.
 * All waves of the file count as one fleet.
 */
public record SampleFleet(List<Manifest> vms, List<GoldenImage> bases) {
  public static final Path DEFAULT = Path.of("config/demo/fleet.yaml");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public static SampleFleet read(Path file) throws IOException {
    KubernetesSerialization json = new KubernetesSerialization();
    Map<String, HasMetadata> objects = new HashMap<>();
    List<GraftedVirtualMachine> gvms = new ArrayList<>();
    Map<String, GoldenImage> bases = new LinkedHashMap<>();
    var parser = YAML.getFactory().createParser(Files.readString(file));
    for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
      if (doc == null || doc.isNull() || doc.isMissingNode()) {
        continue;
      }
      Class<? extends HasMetadata> type =
          switch (doc.path("kind").asText()) {
            case "ConfigMap" -> ConfigMap.class;
            case "Secret" -> Secret.class;
            case "FileSet" -> FileSet.class;
            case "GraftedVirtualMachine" -> GraftedVirtualMachine.class;
            case "BaseImage" -> BaseImage.class;
            default -> null;
          };
      if (type == null) {
        continue;
      }
      HasMetadata o = json.convertValue(doc, type);
      if (o.getMetadata().getNamespace() == null) {
        o.getMetadata().setNamespace("default");
      }
      if (o instanceof GraftedVirtualMachine g) {
        gvms.add(g);
      } else if (o instanceof BaseImage b) {
        bases.computeIfAbsent(b.getSpec().os, SampleFleet::base);
      } else {
        objects.put(key(o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName()), o);
      }
    }
    FileResolver.Lookup lookup =
        new FileResolver.Lookup() {
          @Override
          public FileSet fileSet(String namespace, String name) {
            return (FileSet) objects.get(key("FileSet", namespace, name));
          }

          @Override
          public ConfigMap configMap(String namespace, String name) {
            return (ConfigMap) objects.get(key("ConfigMap", namespace, name));
          }

          @Override
          public Secret secret(String namespace, String name) {
            return (Secret) objects.get(key("Secret", namespace, name));
          }
        };
    FileResolver resolver = new FileResolver(Long.MAX_VALUE);
    List<Manifest> manifests = new ArrayList<>();
    for (GraftedVirtualMachine g : gvms) {
      try {
        manifests.add(resolver.resolve(g, lookup));
      } catch (ResolutionException e) {
        throw new IOException(
            file + ": GraftedVirtualMachine " + g.getMetadata().getName() + ": " + e.getMessage(),
            e);
      }
    }
    return new SampleFleet(manifests, List.copyOf(bases.values()));
  }

  /** How many distinct images the VMs need. */
  public long distinctImages() {
    return vms.stream().map(Manifest::imageName).distinct().count();
  }

  private static GoldenImage base(String os) {
    GoldenImage gi = new GoldenImage();
    gi.setMetadata(new ObjectMetaBuilder().withName(Manifest.baseImageName(os)).build());
    GoldenImage.Spec spec = new GoldenImage.Spec();
    spec.os = os;
    gi.setSpec(spec);
    return gi;
  }

  private static String key(String kind, String namespace, String name) {
    return kind + "/" + namespace + "/" + name;
  }
}
