package dev.graft.inject.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuestTest {
  @Test
  void symlinksThatClimbAboveTheRootEscapeIt() {
    assertThat(Guest.escapesRoot("/usr/escape", "../../tmp")).isTrue();
    assertThat(Guest.escapesRoot("/opt/a/link", "../../../etc")).isTrue();
    assertThat(Guest.escapesRoot("/opt/a/link", "../../etc")).isFalse();
    assertThat(Guest.escapesRoot("/var/run", "../run")).isFalse();
    assertThat(Guest.escapesRoot("/var/run", "/run")).isFalse();
    assertThat(Guest.escapesRoot("/lib", "usr/lib")).isFalse();
    assertThat(Guest.escapesRoot("/a/b", "c/../../../x")).isTrue();
  }
}
