package dev.graft.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.FileFormats;
import dev.graft.api.FileSpec;
import io.fabric8.generator.annotation.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuestAccountsTest {

  static final GuestAccounts GUEST =
      GuestAccounts.parse(
          "root:x:0:0:root:/root:/bin/bash\nnginx:x:995:993::/var/lib/nginx:/sbin/nologin\n",
          "root:x:0:\nnginx:x:993:\nwheel:x:10:alice\n");

  @Test
  void resolvesNamesAndKeepsIds() {
    assertThat(GUEST.resolve("files[0].owner", "nginx:nginx", "d.img")).isEqualTo("995:993");
    assertThat(GUEST.resolve("files[0].owner", "nginx:10", "d.img")).isEqualTo("995:10");
    assertThat(GUEST.resolve("files[0].owner", "0:wheel", "d.img")).isEqualTo("0:10");
    assertThat(GUEST.resolve("files[0].owner", "1000:1000", "d.img")).isEqualTo("1000:1000");
    assertThat(GuestAccounts.hasNames("1000:1000")).isFalse();
    assertThat(GuestAccounts.hasNames("nginx:0")).isTrue();
  }

  @Test
  void unknownNamesFailNamingFileNameAndImage() {
    assertThatThrownBy(() -> GUEST.resolve("files[3].owner", "ghost:nginx", "/images/rhel.img"))
        .hasMessage(
            "files[3].owner: no user \"ghost\" in /etc/passwd of the image /images/rhel.img");
    assertThatThrownBy(() -> GUEST.resolve("files[3].owner", "nginx:ghosts", "/images/rhel.img"))
        .hasMessage(
            "files[3].owner: no group \"ghosts\" in /etc/group of the image /images/rhel.img");
  }

  @Test
  void theJobPathRejectsUnresolvedNamesClearly() {
    assertThatThrownBy(() -> FileOwner.parse("files[1].owner", "nginx:nginx"))
        .isInstanceOf(InjectionInputException.class)
        .hasMessageContaining("owner names such as \"nginx:nginx\" are resolved from the guest");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0644", "644", "04755", "01777", "0000", "07777", "4755"})
  void modesUsersWriteAreAcceptedByTheCliAndTheCrdAlike(String mode) throws Exception {
    String crd = FileSpec.class.getField("mode").getAnnotation(Pattern.class).value();
    assertThat(crd).isEqualTo(FileFormats.MODE);
    assertThat(mode).matches(crd);
    assertThat(FileMode.parse("files[0].mode", mode)).isEqualTo(Integer.parseInt(mode, 8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"17777", "0o644", "64", "888", "+644"})
  void otherModesAreRejectedByBoth(String mode) throws Exception {
    assertThat(mode).doesNotMatch(FileFormats.MODE);
    assertThatThrownBy(() -> FileMode.parse("files[0].mode", mode))
        .hasMessageStartingWith("files[0].mode: must be an octal mode");
  }
}
