package dev.graft.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.kubevirt.RichSample;
import dev.graft.kubevirt.SchemaValidator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graft demo --scenario config/samples/vm-rich.yaml --dump-objects DIR}, run by the same
 * code: the rich VM becomes Ready, and the VirtualMachine written to the API server holds every
 * field the user wrote plus Graft's root disk, and validates strictly against KubeVirt's schema.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = dev.graft.testing.AuthorizingServer.class)
class DemoRichVmTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Inject DemoRunner demo;

  @Test
  @SuppressWarnings("unchecked")
  void theRichSampleBecomesAValidVirtualMachineWithEveryFieldItWrote(@TempDir Path dump)
      throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      status = demo.run(Files.readString(RichSample.FILE), dump, Duration.ofSeconds(90), out, true);
    }
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertThat(status).as(output).isZero();
    assertThat(output).contains("graft-demo/web-rich");

    Path file = dump.resolve("VirtualMachine-graft-demo-web-rich.yaml");
    assertThat(file).exists();
    Map<String, Object> vm = YAML.readValue(file.toFile(), Map.class);
    assertThat(SchemaValidator.virtualMachine(vm)).isEmpty();

    GraftedVirtualMachine g = RichSample.gvm();
    Map<String, Object> spec = (Map<String, Object>) vm.get("spec");
    var templates = (List<Map<String, Object>>) spec.get("dataVolumeTemplates");
    String root =
        templates.stream()
            .map(t -> (String) ((Map<String, Object>) t.get("metadata")).get("name"))
            .filter(n -> n.startsWith("web-rich-root-"))
            .findFirst()
            .orElseThrow();
    RichSample.withoutRootDisk(spec, "rootdisk", root);
    JsonNode have = YAML.valueToTree(spec);
    JsonNode wrote = YAML.valueToTree(g.getSpec().virtualMachineTemplate.spec);
    assertThat(have).isEqualTo(wrote);
    Map<String, Object> meta = (Map<String, Object>) vm.get("metadata");
    assertThat((Map<String, String>) meta.get("labels")).containsEntry("app", "web");
    assertThat((Map<String, String>) meta.get("annotations"))
        .containsEntry("example.org/owner", "web-team");

    // KubeVirt's part, played: the data disk and the root disk DataVolumes, both valid.
    for (String dv : List.of("web-rich-data", root)) {
      Path dvFile = dump.resolve("DataVolume-graft-demo-" + dv + ".yaml");
      assertThat(dvFile).exists();
      assertThat(SchemaValidator.dataVolume(YAML.readValue(dvFile.toFile(), Map.class)))
          .as(dv)
          .isEmpty();
    }
  }
}
