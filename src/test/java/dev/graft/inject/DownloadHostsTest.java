package dev.graft.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The download allow-list (issue 16, item 5): exact hosts and *.domain, nothing else. */
class DownloadHostsTest {

  @Test
  void emptyAllowsAnyHost() {
    assertThat(DownloadHosts.parse("p", null).allows("https://anything.example/x")).isTrue();
    assertThat(DownloadHosts.parse("p", List.of(" ", "")).any()).isTrue();
  }

  @Test
  void exactHostsAndSubdomainsOnly() {
    DownloadHosts hosts =
        DownloadHosts.parse("p", List.of("Images.Example.org", "*.cdn.example.net", "192.0.2.7"));
    assertThat(hosts.patterns())
        .containsExactly("images.example.org", "*.cdn.example.net", "192.0.2.7");
    assertThat(hosts.allows("https://images.example.org/disk.img")).isTrue();
    assertThat(hosts.allows("https://IMAGES.example.org:8443/disk.img")).isTrue();
    assertThat(hosts.allows("https://eu.cdn.example.net/a")).isTrue();
    assertThat(hosts.allows("http://192.0.2.7/a")).isTrue();
    assertThat(hosts.allows("https://cdn.example.net/a")).as("*.x is not x").isFalse();
    assertThat(hosts.allows("https://images.example.org.evil.com/a")).isFalse();
    assertThat(hosts.allows("https://evil.com/images.example.org")).isFalse();
    assertThat(hosts.allows("https://images.example.org@evil.com/a")).isFalse();
    assertThat(hosts.allows("not a url")).isFalse();
  }

  @Test
  void aBadEntryNamesThePropertyAndTheEntry() {
    for (String bad :
        List.of("https://a.example.org", "a.example.org:443", "a.example.org/x", "*")) {
      assertThatThrownBy(() -> DownloadHosts.parse("graft.downloads.allowed-hosts", List.of(bad)))
          .isInstanceOf(InjectionInputException.class)
          .hasMessageContaining("graft.downloads.allowed-hosts")
          .hasMessageContaining(bad);
    }
  }
}
