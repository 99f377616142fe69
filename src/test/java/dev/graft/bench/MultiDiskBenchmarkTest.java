package dev.graft.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.graft.bench.MultiDiskBenchmark.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The multi-disk benchmark's table and fit; the timed runs are `graft bench-inject --multi-disk`.
 */
class MultiDiskBenchmarkTest {

  // A launch of 16 s and 2 s per disk, exactly.
  static final List<Row> ROWS =
      List.of(new Row(1, 18, 18), new Row(4, 24, 72), new Row(10, 36, 180));

  @Test
  void tablesTheTimesAndTheirRatio() {
    assertThat(MultiDiskBenchmark.table(ROWS).lines().toList())
        .containsExactly(
            "| disks | one launch s | one launch per disk s | ratio | s per disk (one launch) |",
            "|---:|---:|---:|---:|---:|",
            "| 1 | 18.0 | 18.0 | 1.00x | 18.0 |",
            "| 4 | 24.0 | 72.0 | 0.33x | 6.0 |",
            "| 10 | 36.0 | 180.0 | 0.20x | 3.6 |");
  }

  @Test
  void fitsTheLaunchAndTheDiskTerms() {
    double[] terms = MultiDiskBenchmark.launchTerms(ROWS);
    assertThat(terms[0]).isCloseTo(16, offset(1e-9));
    assertThat(terms[1]).isCloseTo(2, offset(1e-9));
    assertThat(MultiDiskBenchmark.launchTerms(ROWS.subList(0, 1))).isNull();
  }
}
