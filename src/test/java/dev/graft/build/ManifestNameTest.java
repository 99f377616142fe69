package dev.graft.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.ManifestEntry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An image is found by its full manifest digest, never by the 10-hex name alone. The two contents
 * below were found by a birthday search (about a million manifests): their manifests' digests share
 * the first 40 bits, {@code a00c7cee54}.
 */
class ManifestNameTest {
  static final String COLLIDING_A = "c505116";
  static final String COLLIDING_B = "c524605";

  static Manifest manifest(String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    ManifestEntry e = new ManifestEntry();
    e.path = "/etc/c";
    e.mode = "0644";
    e.owner = "0:0";
    e.sha256 = Manifest.sha256(bytes);
    e.size = (long) bytes.length;
    e.digest = Manifest.fileDigest(e.path, e.sha256, e.mode, e.owner);
    return new Manifest("fedora-40", List.of(e), Map.of(e.digest, bytes));
  }

  @Test
  void theTwoContentsCollideInTheShortName() {
    Manifest a = manifest(COLLIDING_A);
    Manifest b = manifest(COLLIDING_B);
    assertThat(a.digest()).isNotEqualTo(b.digest());
    assertThat(a.imageName()).isEqualTo(b.imageName()).isEqualTo("fedora-40-a00c7cee54");
  }

  @Test
  void aNameTakenByAnotherDigestGivesTheNewManifestALongerName() {
    Manifest a = manifest(COLLIDING_A);
    Manifest b = manifest(COLLIDING_B);
    Map<String, String> catalog = new HashMap<>();
    catalog.put(a.imageName(), a.digest());

    assertThat(a.namedAmong(catalog::get).imageName()).isEqualTo("fedora-40-a00c7cee54");
    Manifest named = b.namedAmong(catalog::get);
    assertThat(named.imageName())
        .isEqualTo("fedora-40-" + b.digest().substring(0, 16))
        .isNotEqualTo(a.imageName());
    assertThat(named.digest()).isEqualTo(b.digest());
    // Once b's image exists under its longer name, b finds it there again.
    catalog.put(named.imageName(), b.digest());
    assertThat(b.namedAmong(catalog::get).imageName()).isEqualTo(named.imageName());
    // An empty catalog: the short name.
    assertThat(b.namedAmong(n -> null).imageName()).isEqualTo("fedora-40-a00c7cee54");
  }
}
