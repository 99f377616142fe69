package dev.graft.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.FileSet;
import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.KeySelector;
import dev.graft.api.ManifestEntry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** File resolution: sources, defaults, digests, and errors that name the field. */
class FileResolverTest {
  private final Map<String, FileSet> fileSets = new HashMap<>();
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final Map<String, Secret> secrets = new HashMap<>();
  private final FileResolver resolver = new FileResolver(1024);
  private final FileResolver.Lookup lookup =
      new FileResolver.Lookup() {
        @Override
        public FileSet fileSet(String ns, String name) {
          return fileSets.get(name);
        }

        @Override
        public ConfigMap configMap(String ns, String name) {
          return configMaps.get(name);
        }

        @Override
        public Secret secret(String ns, String name) {
          return secrets.get(name);
        }
      };

  private static GraftedVirtualMachine gvm(FileSpec... files) {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.getMetadata().setName("vm");
    g.getMetadata().setNamespace("ns");
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().os = "fedora-40";
    g.getSpec().files = List.of(files);
    return g;
  }

  @Test
  void resolvesEverySourceWithDefaultsAndDigests() throws Exception {
    configMaps.put(
        "cm",
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("cm")
            .endMetadata()
            .addToData("k", "cfg")
            .build());
    secrets.put(
        "s",
        new SecretBuilder()
            .withNewMetadata()
            .withName("s")
            .endMetadata()
            .addToData(
                "k", Base64.getEncoder().encodeToString("pw".getBytes(StandardCharsets.UTF_8)))
            .build());
    FileSpec cm = new FileSpec();
    cm.path = "/etc/cfg";
    cm.configMapKeyRef = new KeySelector("cm", "k");
    FileSpec secret = new FileSpec();
    secret.path = "/etc/secret";
    secret.mode = "600";
    secret.secretKeyRef = new KeySelector("s", "k");
    FileSpec b64 = new FileSpec();
    b64.path = "/bin/tool";
    b64.contentBase64 = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
    FileSpec url = new FileSpec();
    url.path = "/opt/agent.tgz";
    url.url = "https://example.org/agent.tgz";
    url.sha256 = "a".repeat(64);
    url.size = 100L;
    Manifest m =
        resolver.resolve(gvm(FileSpec.inline("/etc/motd", "hi"), cm, secret, b64, url), lookup);

    assertThat(m.entries())
        .extracting(e -> e.path)
        .containsExactly("/bin/tool", "/etc/cfg", "/etc/motd", "/etc/secret", "/opt/agent.tgz");
    ManifestEntry motd = m.entries().get(2);
    assertThat(motd.mode).isEqualTo("0644");
    assertThat(motd.owner).isEqualTo("0:0");
    assertThat(motd.size).isEqualTo(2);
    assertThat(motd.sha256).isEqualTo(Manifest.sha256("hi".getBytes(StandardCharsets.UTF_8)));
    assertThat(motd.digest).isEqualTo(Manifest.fileDigest("/etc/motd", motd.sha256, "0644", "0:0"));
    assertThat(m.entries().get(3).mode).isEqualTo("0600");
    assertThat(m.entries().get(3).payload).isEqualTo(ManifestEntry.Payload.Secret);
    assertThat(m.entries().get(4).payload).isEqualTo(ManifestEntry.Payload.Url);
    assertThat(m.content()).hasSize(4);
    assertThat(m.imageName()).startsWith("fedora-40-").hasSize("fedora-40-".length() + 10);
  }

  @Test
  void identityDependsOnPathContentModeAndOwnerButNotOrder() throws Exception {
    Manifest a =
        resolver.resolve(gvm(FileSpec.inline("/a", "1"), FileSpec.inline("/b", "2")), lookup);
    Manifest b =
        resolver.resolve(gvm(FileSpec.inline("/b", "2"), FileSpec.inline("/a", "1")), lookup);
    assertThat(a.digest()).isEqualTo(b.digest());
    FileSpec owned = FileSpec.inline("/a", "1");
    owned.owner = "1000:1000";
    Manifest c = resolver.resolve(gvm(owned, FileSpec.inline("/b", "2")), lookup);
    assertThat(c.digest()).isNotEqualTo(a.digest());
    FileSpec moded = FileSpec.inline("/a", "1");
    moded.mode = "0755";
    assertThat(resolver.resolve(gvm(moded, FileSpec.inline("/b", "2")), lookup).digest())
        .isNotEqualTo(a.digest());
  }

  @Test
  void fileSetsComeFirstAndIdenticalDuplicatesMerge() throws Exception {
    FileSet fs = new FileSet();
    fs.getMetadata().setName("base");
    fs.setSpec(new FileSet.Spec());
    fs.getSpec().files = List.of(FileSpec.inline("/etc/a", "1"));
    fileSets.put("base", fs);
    GraftedVirtualMachine g = gvm(FileSpec.inline("/etc/a", "1"), FileSpec.inline("/etc/b", "2"));
    g.getSpec().fileSets = List.of("base");
    assertThat(resolver.resolve(g, lookup).entries()).hasSize(2);
  }

  @Test
  void badInputNamesTheField() {
    assertError(gvm(FileSpec.inline("etc/x", "1")), "InvalidPath", "spec.files[0].path");
    assertError(gvm(FileSpec.inline("/etc/../x", "1")), "InvalidPath", "spec.files[0].path");
    FileSpec mode = FileSpec.inline("/x", "1");
    mode.mode = "999";
    assertError(gvm(mode), "InvalidMode", "spec.files[0].mode");
    FileSpec owner = FileSpec.inline("/x", "1");
    owner.owner = "root";
    assertError(gvm(owner), "InvalidOwner", "spec.files[0].owner");
    FileSpec two = FileSpec.inline("/x", "1");
    two.contentBase64 = "AA==";
    assertError(gvm(two), "InvalidFile", "exactly one");
    FileSpec url = new FileSpec();
    url.path = "/x";
    url.url = "https://e.org/x";
    url.sha256 = "XYZ";
    url.size = 1L;
    assertError(gvm(url), "InvalidSha256", "spec.files[0].sha256");
    FileSpec cm = new FileSpec();
    cm.path = "/x";
    cm.configMapKeyRef = new KeySelector("missing", "k");
    assertError(gvm(cm), "ConfigMapNotFound", "spec.files[0].configMapKeyRef");
    configMaps.put(
        "cm",
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("cm")
            .endMetadata()
            .addToData("other", "v")
            .build());
    cm.configMapKeyRef = new KeySelector("cm", "k");
    assertError(gvm(cm), "ConfigMapKeyNotFound", "no key \"k\"");
    assertError(
        gvm(FileSpec.inline("/x", "1"), FileSpec.inline("/x", "2")),
        "DuplicatePath",
        "spec.files[1].path");
    assertError(gvm(FileSpec.inline("/x", "y".repeat(2000))), "FileTooLarge", "spec.files[0]");
    GraftedVirtualMachine missingSet = gvm();
    missingSet.getSpec().fileSets = List.of("nope");
    assertError(missingSet, "FileSetNotFound", "spec.fileSets[0]");
  }

  private static FileSpec urlFile(String url) {
    FileSpec f = new FileSpec();
    f.path = "/opt/blob";
    f.url = url;
    f.sha256 = "a".repeat(64);
    f.size = 1L;
    return f;
  }

  @Test
  void onlyHttpUrlsWithAHostAreAccepted() throws Exception {
    for (String url :
        List.of(
            "file:///etc/shadow",
            "ftp://files.example.org/blob",
            "/etc/shadow",
            "files.example.org/blob",
            "https:///etc/shadow",
            "https://",
            "http://?x",
            "https://files.example.org/a b",
            "https://files.example.org/a\nb",
            "HTTPS://files.example.org/blob",
            "https://[::1/x")) {
      assertError(gvm(urlFile(url)), "InvalidUrl", "spec.files[0].url: ");
    }
    assertError(gvm(urlFile("file:///etc/shadow")), "InvalidUrl", "\"file:///etc/shadow\"");
    assertError(gvm(urlFile("https:///etc/shadow")), "InvalidUrl", "must name a host");
    for (String url :
        List.of(
            "http://files.example.org",
            "https://files.example.org:8443/a/b.tgz?v=1#frag",
            "http://10.0.0.1/x",
            "http://[::1]:8080/x",
            "https://mirror.svc.cluster.local/a%20b")) {
      assertThat(resolver.resolve(gvm(urlFile(url)), lookup).entries().get(0).url)
          .as(url)
          .isEqualTo(url);
    }
  }

  @Test
  void urlCheckCoversFileSetsAndHidesPasswords() {
    fileSets.put("common", new FileSet());
    fileSets.get("common").setSpec(new FileSet.Spec());
    fileSets.get("common").getSpec().files = List.of(urlFile("ftp://user:hunter2@e.org/x"));
    fileSets.get("common").getMetadata().setName("common");
    fileSets.get("common").getMetadata().setNamespace("ns");
    GraftedVirtualMachine g = gvm();
    g.getSpec().fileSets = List.of("common");
    assertError(g, "InvalidUrl", "FileSet common: spec.files[0].url");
    assertError(g, "InvalidUrl", "\"ftp://***@e.org/x\"");
    assertThatThrownBy(() -> resolver.resolve(fileSets.get("common"), lookup))
        .isInstanceOf(ResolutionException.class)
        .message()
        .contains("spec.files[0].url")
        .doesNotContain("hunter2");
  }

  @Test
  void secretContentNeverAppearsInErrors() {
    secrets.put(
        "s",
        new SecretBuilder()
            .withNewMetadata()
            .withName("s")
            .endMetadata()
            .addToData(
                "k", Base64.getEncoder().encodeToString("hunter2".getBytes(StandardCharsets.UTF_8)))
            .build());
    FileSpec a = new FileSpec();
    a.path = "/etc/pw";
    a.secretKeyRef = new KeySelector("s", "k");
    assertThatThrownBy(() -> resolver.resolve(gvm(a, FileSpec.inline("/etc/pw", "other")), lookup))
        .isInstanceOf(ResolutionException.class)
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void aListLongerThanTheCrdsCapIsRefusedByTheOperatorToo() throws Exception {
    FileSpec[] files = new FileSpec[FileSpec.MAX_FILES + 1];
    for (int i = 0; i < files.length; i++) {
      files[i] = FileSpec.inline("/etc/many/f" + i, "x");
    }
    assertError(gvm(files), "TooManyFiles", "spec.files: 1001 files, at most 1000");
    FileSpec[] atTheCap = Arrays.copyOf(files, FileSpec.MAX_FILES);
    assertThat(resolver.resolve(gvm(atTheCap), lookup).entries()).hasSize(FileSpec.MAX_FILES);
  }

  private void assertError(GraftedVirtualMachine g, String reason, String text) {
    assertThatThrownBy(() -> resolver.resolve(g, lookup))
        .isInstanceOfSatisfying(
            ResolutionException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(text);
  }
}
