package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InjectorMessagesTest {

  @Test
  void theLastReasonOnOneLineWithoutThePrefix() {
    assertThat(InjectorMessages.clean("graft: files[0].owner: no user \"nginx\"\n"))
        .isEqualTo("files[0].owner: no user \"nginx\"");
    // FallbackToLogsOnError: the log's tail, progress lines first
    assertThat(
            InjectorMessages.clean(
                "graft: launched (16.0 s)\ngraft: a filesystem of the image ns/gi is full:\n need 5"))
        .isEqualTo("a filesystem of the image ns/gi is full: need 5");
    assertThat(InjectorMessages.clean("  \n")).isNull();
    assertThat(InjectorMessages.clean(null)).isNull();
    assertThat(InjectorMessages.clean("x".repeat(5000)))
        .hasSize(InjectorMessages.MAX_LENGTH + 4)
        .endsWith(" ...");
  }
}
