package dev.graft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * The goal for the depth-limited heuristic, on random fleets where the limit binds: under
 * 2% above the exact bounded optimum on average, and never above nearest-per-request.
 */
class DepthGapBenchmarkTest {

  @Test
  void localSearchStaysWithinTwoPercentOfTheExactOptimumAndBelowNearest() {
    DepthGapBenchmark bench = new DepthGapBenchmark(42);
    for (int maxDepth : new int[] {2, 3}) {
      DepthGapBenchmark.Row row = bench.measure(10, maxDepth, 60);
      assertThat(row.binding()).as("instances where the limit binds").isGreaterThan(20);
      assertThat(row.meanGap()).as("mean gap at depth %d", maxDepth).isLessThan(0.02);
      assertThat(row.worseThanNearest()).isZero();
      assertThat(row.meanNearestGap()).isGreaterThan(row.meanGap());
    }
  }

  @Test
  void printsTheTable() {
    StringWriter text = new StringWriter();
    new DepthGapBenchmark(1).print(new PrintWriter(text), new int[] {6}, new int[] {2}, 5, 100);
    System.out.println(text);
    assertThat(text.toString()).contains("MEAN GAP", "LOCAL SEARCH MS", "VS NEAREST");
  }
}
