package dev.graft.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.FileSet;
import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.KeySelector;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A manifest is resolved again only when the request or something it read changed. */
class ManifestCacheTest {
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final FileResolver.Lookup lookup =
      new FileResolver.Lookup() {
        @Override
        public FileSet fileSet(String ns, String name) {
          return null;
        }

        @Override
        public ConfigMap configMap(String ns, String name) {
          reads.incrementAndGet();
          return configMaps.get(name);
        }

        @Override
        public Secret secret(String ns, String name) {
          return null;
        }
      };

  @Test
  void keptUntilTheGenerationOrAReferencedVersionChanges() throws Exception {
    ManifestCache cache = new ManifestCache(new FileResolver(1 << 20));
    configMaps.put("app", configMap("1", "level=1"));
    GraftedVirtualMachine gvm = gvm();
    Manifest first = cache.resolve(gvm, lookup);
    assertThat(cache.resolve(gvm, lookup)).isSameAs(first);

    configMaps.put("app", configMap("2", "level=2"));
    Manifest edited = cache.resolve(gvm, lookup);
    assertThat(edited.digest()).isNotEqualTo(first.digest());
    assertThat(cache.resolve(gvm, lookup)).isSameAs(edited);

    gvm.getMetadata().setGeneration(2L);
    assertThat(cache.resolve(gvm, lookup)).isNotSameAs(edited);
  }

  @Test
  void aResolutionErrorIsKeptTooUntilTheMissingObjectAppears() throws Exception {
    ManifestCache cache = new ManifestCache(new FileResolver(1 << 20));
    GraftedVirtualMachine gvm = gvm();
    assertThatThrownBy(() -> cache.resolve(gvm, lookup)).isInstanceOf(ResolutionException.class);
    assertThatThrownBy(() -> cache.resolve(gvm, lookup)).isInstanceOf(ResolutionException.class);
    configMaps.put("app", configMap("1", "level=1"));
    assertThat(cache.resolve(gvm, lookup).entries()).hasSize(1);
  }

  @Test
  void forgetsRequestsThatAreGone() throws Exception {
    ManifestCache cache = new ManifestCache(new FileResolver(1 << 20));
    configMaps.put("app", configMap("1", "level=1"));
    cache.resolve(gvm(), lookup);
    assertThat(cache.size()).isEqualTo(1);
    cache.retain(java.util.Set.of());
    assertThat(cache.size()).isZero();
  }

  private static ConfigMap configMap(String version, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("app")
        .withNamespace("ns")
        .withResourceVersion(version)
        .endMetadata()
        .withData(Map.of("app.conf", value))
        .build();
  }

  private static GraftedVirtualMachine gvm() {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setName("web");
    g.getMetadata().setNamespace("ns");
    g.getMetadata().setUid("uid-web");
    g.getMetadata().setGeneration(1L);
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    FileSpec f = new FileSpec();
    f.path = "/etc/app.conf";
    f.configMapKeyRef = new KeySelector("app", "app.conf");
    g.getSpec().files = new ArrayList<>(List.of(f));
    return g;
  }
}
