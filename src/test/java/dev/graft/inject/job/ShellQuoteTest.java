package dev.graft.inject.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever a value holds, /bin/sh reads the quoted word back unchanged and runs nothing else. */
class ShellQuoteTest {

  @Provide
  Arbitrary<String> hostile() {
    return Arbitraries.oneOf(
            Arbitraries.of(
                "'", "\"", "\\", "$", "`", "$(id)", "${IFS}", ";", "&", "|", "\n", " ", "*", "~",
                "#", "'\\''", "!", "<", ">", "\t", "%s"),
            // ASCII without NUL: what reaches sh (URLs are printable ASCII); the JVM passes
            // non-ASCII arguments in the platform charset, which would garble the comparison.
            Arbitraries.strings().withCharRange('\u0001', '\u007f').ofMaxLength(4))
        .list()
        .ofMaxSize(6)
        .map(l -> String.join("", l));
  }

  @Property(tries = 150)
  void shReadsTheQuotedWordBackUnchanged(@ForAll("hostile") String value)
      throws IOException, InterruptedException {
    Process sh =
        new ProcessBuilder("/bin/sh", "-c", "printf '%s' " + ShellQuote.quote(value) + "; echo")
            .redirectErrorStream(true)
            .start();
    String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(sh.waitFor()).isZero();
    // printf %s prints exactly one argument; any word splitting or substitution would show.
    assertThat(out).isEqualTo(value + "\n");
  }
}
