package dev.graft.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.FileSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** Repeats of one reason on one object are one Event with a rising count. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {
  KubernetesClient client;
  KubernetesMockServer server;

  private static FileSet fileSet(String name, String uid) {
    FileSet fs = new FileSet();
    fs.getMetadata().setName(name);
    fs.getMetadata().setNamespace("ns");
    fs.getMetadata().setUid(uid);
    return fs;
  }

  @Test
  void repeatsAggregateUnderOneNameWithARisingCount() {
    EventRecorder events = new EventRecorder(client);
    FileSet fs = fileSet("base", "u1");
    events.warning(fs, "InvalidPath", "first");
    events.warning(fs, "InvalidPath", "second");
    events.warning(fs, "InvalidPath", "third");
    events.normal(fs, "Valid", "ok");

    var items = client.v1().events().inNamespace("ns").list().getItems();
    assertThat(items).hasSize(2);
    var invalid =
        items.stream().filter(e -> e.getReason().equals("InvalidPath")).findFirst().orElseThrow();
    assertThat(invalid.getMetadata().getName())
        .isEqualTo(EventRecorder.name(fs, "Warning", "InvalidPath"))
        .startsWith("base.");
    assertThat(invalid.getCount()).isEqualTo(3);
    assertThat(invalid.getMessage()).isEqualTo("third");
    assertThat(invalid.getType()).isEqualTo("Warning");
  }

  @Test
  void aNewProcessContinuesTheCountOfTheEventAlreadyThere() {
    FileSet fs = fileSet("web", "u2");
    new EventRecorder(client).normal(fs, "Planned", "one");
    new EventRecorder(client).normal(fs, "Planned", "two");
    var items = client.v1().events().inNamespace("ns").list().getItems();
    assertThat(items).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2));
  }

  @Test
  void theNameIsDeterministicPerObjectTypeAndReason() {
    FileSet a = fileSet("a", "u3");
    assertThat(EventRecorder.name(a, "Normal", "Ready"))
        .isEqualTo(EventRecorder.name(fileSet("a", "u3"), "Normal", "Ready"))
        .isNotEqualTo(EventRecorder.name(a, "Warning", "Ready"))
        .isNotEqualTo(EventRecorder.name(a, "Normal", "Planned"))
        .isNotEqualTo(EventRecorder.name(fileSet("a", "u4"), "Normal", "Ready"));
  }

  @Test
  void aRepeatIsOnePatchWithoutAReadFirst() throws Exception {
    EventRecorder events = new EventRecorder(client);
    FileSet fs = fileSet("cheap", "u5");
    events.normal(fs, "Planned", "one");
    int before = server.getRequestCount();
    events.normal(fs, "Planned", "two");
    assertThat(server.getRequestCount() - before).isEqualTo(1);
    assertThat(server.getLastRequest().getMethod()).isEqualTo("PATCH");
  }
}
