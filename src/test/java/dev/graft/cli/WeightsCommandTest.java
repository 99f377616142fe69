package dev.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.graft.api.BuildTimings;
import dev.graft.api.GoldenImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft weights} fits the weights to the timings of a file of GoldenImages, offline. */
class WeightsCommandTest {
  @TempDir Path dir;

  @Test
  void fitsTheWeightsOfAKubectlListOfGoldenImages() throws Exception {
    List<GoldenImage> items = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      GoldenImage gi = new GoldenImage();
      gi.getMetadata().setName("img-" + i);
      gi.getMetadata().setNamespace("ns");
      gi.getMetadata().setUid("uid-" + i);
      gi.setStatus(new GoldenImage.Status());
      gi.getStatus().cloneMethod = "csi-clone";
      BuildTimings t = new BuildTimings();
      t.finishedAt = "2026-11-30T12:00:" + (10 + i) + "Z";
      t.bytesAdded = 0L;
      t.filesAdded = 1 + i % 5;
      t.filesRemoved = 0;
      t.launchSeconds = 10.0;
      t.injectSeconds = 10.0 + 1.0 * t.filesAdded;
      t.cloneSeconds = 3.0;
      t.cloneBytes = 8L << 30;
      t.storageClass = "ceph-rbd";
      gi.getStatus().timings = t;
      items.add(gi);
    }
    Path file = dir.resolve("gi.yaml");
    new ObjectMapper(new YAMLFactory())
        .writeValue(file.toFile(), Map.of("apiVersion", "v1", "kind", "List", "items", items));

    Cli cli = Cli.run("weights", "--input", file.toString());
    assertThat(cli.status()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("12 GoldenImages, 12 measured injections")
        .containsPattern("perBuild\\s+21\\.9000\\s+10\\.0000\\s+10\\.0000")
        .containsPattern("inject\\s+0\\.00160000\\s+1\\.00000\\s+1\\.00000")
        .containsPattern("ceph-rbd\\s+csi-clone\\s+12\\s+3\\.00");
  }

  @Test
  void tooFewBuildsKeepTheConfiguredWeightsAndBadInputNamesTheOption() throws Exception {
    Path empty = dir.resolve("empty.yaml");
    Files.writeString(empty, "apiVersion: v1\nkind: List\nitems: []\n");
    Cli cli = Cli.run("weights", "--input", empty.toString());
    assertThat(cli.status()).isZero();
    assertThat(cli.out()).contains("plans with the configured weights");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "items: [ {kind: GoldenImage, status: {timings: {filesAdded: x}}} ]\n");
    Cli failed = Cli.run("weights", "--input", bad.toString());
    assertThat(failed.status()).isEqualTo(2);
    assertThat(failed.err()).contains("items[0]");
  }
}
