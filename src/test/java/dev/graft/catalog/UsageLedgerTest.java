package dev.graft.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Uses and clock raises wait in the ledger until the image's reconcile writes them. */
class UsageLedgerTest {
  @Test
  void usesAddUpWakeTheImageAndAreTakenOnce() {
    UsageLedger ledger = new UsageLedger();
    List<String> woken = new ArrayList<>();
    ledger.wakeWith((ns, name) -> woken.add(ns + "/" + name));
    ledger.used("ns", "img", true);
    ledger.used("ns", "img", false);
    assertThat(woken).containsExactly("ns/img", "ns/img");
    UsageLedger.Uses uses = ledger.take("ns", "img");
    assertThat(uses.uses()).isEqualTo(2);
    assertThat(uses.hits()).isEqualTo(1);
    assertThat(ledger.take("ns", "img")).isNull();
    ledger.putBack("ns", "img", uses);
    assertThat(ledger.take("ns", "img").uses()).isEqualTo(2);
  }

  @Test
  void aClockRaiseIsPendingUntilTheBaseImageStoresIt() {
    UsageLedger ledger = new UsageLedger();
    GoldenImage base = new GoldenImage();
    base.setStatus(new GoldenImage.Status());
    ledger.raiseClock("ns", "fedora-40", 3.0);
    assertThat(ledger.clock("ns", "fedora-40", base)).isEqualTo(3.0);
    assertThat(ledger.pendingClock("ns", "fedora-40", base)).isEqualTo(3.0);
    base.getStatus().cacheClock = 3.0;
    assertThat(ledger.pendingClock("ns", "fedora-40", base)).isNull();
  }
}
