package dev.graft.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class SharedStringsTest {
  private static final String LONG = "x".repeat(SharedStrings.MAX_INTERNED + 1);

  private static String json(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"team-a\",\"labels\":{\"graft.dev/golden-image\":\"ubuntu-2404-0a1b\"}},"
        + "\"data\":{\"short\":\"hello\",\"long\":\""
        + LONG
        + "\"}}";
  }

  @Test
  void twoReadsOfTheSameShortStringsShareOneCopy() {
    KubernetesSerialization shared =
        new KubernetesSerialization(SharedStrings.apply(new ObjectMapper()), true);
    ConfigMap a = shared.unmarshal(json("a"), ConfigMap.class);
    ConfigMap b = shared.unmarshal(json("b"), ConfigMap.class);

    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getMetadata().getLabels().get("graft.dev/golden-image"))
        .isSameAs(b.getMetadata().getLabels().get("graft.dev/golden-image"));
    assertThat(a.getData().get("short")).isSameAs(b.getData().get("short"));
    // Long strings are read as they are (equal, not shared).
    assertThat(a.getData().get("long")).isEqualTo(LONG).isNotSameAs(b.getData().get("long"));

    KubernetesSerialization plain = new KubernetesSerialization();
    assertThat(plain.unmarshal(json("a"), ConfigMap.class).getMetadata().getNamespace())
        .isNotSameAs(plain.unmarshal(json("b"), ConfigMap.class).getMetadata().getNamespace());
  }
}
