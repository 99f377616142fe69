package dev.graft.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.GoldenImage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InformersTest {
  /**
   * With a primary-to-secondary mapper set, the SDK keeps no index of secondaries by primary (its
   * {@code DefaultPrimaryToSecondaryIndex} is only used without one); asking for one says how to
   * read instead of answering an empty set.
   */
  @Test
  void aSecondaryInformerKeepsNoIndexByPrimary() {
    var config =
        Informers.from(ConfigMap.class, GoldenImage.class)
            .withSecondaryToPrimaryMapper(cm -> Set.of())
            .build();

    assertThat(config.getPrimaryToSecondaryMapper()).isNotNull();
    assertThatThrownBy(
            () -> config.getPrimaryToSecondaryMapper().toSecondaryResourceIDs(new GoldenImage()))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("ConfigMap")
        .hasMessageContaining("Informers.get");
  }
}
