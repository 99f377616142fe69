package dev.graft.controller.gvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GraftedVirtualMachine;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestViewTest {
  private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

  private static GraftedVirtualMachine createdAt(Instant created) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.getMetadata().setCreationTimestamp(created == null ? null : created.toString());
    return gvm;
  }

  @Test
  void aRequestWaitsForTheRestOfItsBatchWindow() {
    Duration window = Duration.ofSeconds(2);
    GraftedVirtualMachine gvm = createdAt(CREATED);
    assertThat(RequestView.batchWait(gvm, window, CREATED)).isEqualTo(window);
    assertThat(RequestView.batchWait(gvm, window, CREATED.plusMillis(1500)))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(RequestView.batchWait(gvm, window, CREATED.plusSeconds(2))).isZero();
    assertThat(RequestView.batchWait(gvm, window, CREATED.plusSeconds(60))).isZero();
  }

  @Test
  void noWindowOrNoCreationTimeMeansNoWait() {
    assertThat(RequestView.batchWait(createdAt(CREATED), Duration.ZERO, CREATED)).isZero();
    assertThat(RequestView.batchWait(createdAt(null), Duration.ofSeconds(2), CREATED)).isZero();
  }
}
