package dev.graft.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code graft demo --scenario config/demo/base-update.yaml}: 30 VMs, then the base moves to the
 * next point release, then two more VMs. The demo prints the rebuilt lineage and the rebuild cost
 * against rebuilding each image (and each VM) alone; the operator's batch is the optimal plan.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class DemoBaseUpdateTest {
  @Inject DemoRunner demo;

  @Test
  void aBaseUpdateMidwayRebuildsTheFleetInOneOptimalBatch() throws Exception {
    String scenario = Files.readString(Path.of("config/demo/base-update.yaml"));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      status = demo.run(scenario, null, Duration.ofSeconds(150), out, true);
    }
    String output = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(output); // the numbers of docs/benchmarks.md ("Base update")
    assertThat(status).as(output).isZero();
    assertThat(output)
        .contains("Base update: BaseImage update/fedora-40 is at generation 2")
        .contains("Rebuilt lineage")
        .contains("(outdated, generation 1)");
    Matcher batch = row(output, "operator: one batch");
    Matcher optimal = row(output, "optimal plan, same requests");
    Matcher alone = row(output, "each image alone from the new base");
    // 30 VMs, 15 distinct images: the batch builds exactly what the optimal plan builds.
    assertThat(output).contains("REBUILD OF 30 VMS");
    assertThat(batch.group(1)).isEqualTo("15").isEqualTo(optimal.group(1));
    assertThat(Double.parseDouble(batch.group(2)))
        .isCloseTo(Double.parseDouble(optimal.group(2)), org.assertj.core.data.Offset.offset(0.05));
    assertThat(Double.parseDouble(batch.group(2))).isLessThan(Double.parseDouble(alone.group(2)));
    // The scale-out after the update is on the new base.
    assertThat(output).containsPattern("update/web-prod-3 .* cache hit");
  }

  private static Matcher row(String output, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + "\\s+(\\d+)\\s+([0-9.]+)").matcher(output);
    assertThat(m.find()).as(label + " in\n" + output).isTrue();
    return m;
  }
}
