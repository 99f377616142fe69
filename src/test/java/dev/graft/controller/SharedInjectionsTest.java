package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.inject.InjectionReport;
import org.junit.jupiter.api.Test;

/** What the cost model learns from a disk of a shared launch: its share of the launch. */
class SharedInjectionsTest {
  @Test
  void aDiskOfASharedLaunchCountsItsShareOfTheLaunchAndAllOfItsOwnTime() {
    // 16 s launch shared by 4 disks; this disk's own work took 2 s after it.
    InjectionReport r =
        SharedInjections.share(new InjectionReport(100, 3, 1, 18.0, 16.0, "relabeled"), 4);
    assertThat(r.launchSeconds()).isEqualTo(4.0);
    assertThat(r.seconds()).isEqualTo(6.0);
    assertThat(r.bytesAdded()).isEqualTo(100);
    assertThat(r.filesAdded()).isEqualTo(3);
    assertThat(r.filesRemoved()).isEqualTo(1);
    assertThat(r.selinux()).isEqualTo("relabeled");
  }
}
