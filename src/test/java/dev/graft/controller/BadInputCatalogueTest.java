package dev.graft.controller;

import static dev.graft.controller.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.graft.api.BaseImage;
import dev.graft.api.FileSet;
import dev.graft.api.FileSpec;
import dev.graft.api.GraftStatus;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.KeySelector;
import dev.graft.api.RootDisk;
import dev.graft.k8s.Conditions;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 item 3: a catalogue of bad inputs. Each row gets its own namespace; every row must end
 * with {@code Ready=False}, the expected reason, a message naming the field and value, a Warning
 * event, and nothing built (no GoldenImage besides the base, no Job, no VirtualMachine). Rows the
 * CRD schema can reject are also checked against the CRD's openAPIV3Schema (the mock server does
 * not enforce it). A few rows are then fixed and must reach Ready without a restart.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BadInputCatalogueTest {
  private static final String OS = "fedora-40";
  private static final String SHA = "a".repeat(64);
  static ClusterSimulator simulator;

  @Inject KubernetesClient client;

  /** What a row creates besides the GVM, and the GVM's mutation. */
  static final class Setup {
    final String ns;
    final List<HasMetadata> extra = new ArrayList<>();
    boolean base = true;
    boolean withGvm = true;
    final GraftedVirtualMachine gvm;

    Setup(String ns) {
      this.ns = ns;
      this.gvm = gvm(ns, "vm", OS, file("/etc/motd", "hello"));
    }

    FileSpec f0() {
      return gvm.getSpec().files.get(0);
    }

    void add(HasMetadata r) {
      r.getMetadata().setNamespace(ns);
      extra.add(r);
    }
  }

  /**
   * One bad input: the subject (kind/name) whose Ready condition is checked, its reason, the
   * substrings of the message, and the field path the CRD schema reports (null: the schema lets it
   * through).
   */
  record Row(
      String name,
      Consumer<Setup> mutation,
      String reason,
      List<String> message,
      String schemaField,
      String subjectKind,
      String subjectName) {

    static Row gvm(String name, Consumer<Setup> m, String reason, String... message) {
      return new Row(name, m, reason, List.of(message), null, "GVM", "vm");
    }

    Row schema(String field) {
      return new Row(name, mutation, reason, message, field, subjectKind, subjectName);
    }

    Row subject(String kind, String subject) {
      return new Row(name, mutation, reason, message, schemaField, kind, subject);
    }
  }

  static FileSpec url(String sha, Long size) {
    FileSpec f = new FileSpec();
    f.path = "/opt/blob";
    f.url = "https://files.example.org/blob";
    f.sha256 = sha;
    f.size = size;
    return f;
  }

  static FileSet fileSet(String name, FileSpec... files) {
    FileSet fs = new FileSet();
    fs.getMetadata().setName(name);
    fs.setSpec(new FileSet.Spec());
    fs.getSpec().files = new ArrayList<>(List.of(files));
    return fs;
  }

  static Consumer<Setup> first(BiConsumer<Setup, FileSpec> m) {
    return s -> m.accept(s, s.f0());
  }

  static Consumer<Setup> path(String p) {
    return first((s, f) -> f.path = p);
  }

  static Consumer<Setup> files(FileSpec... files) {
    return s -> s.gvm.getSpec().files = new ArrayList<>(List.of(files));
  }

  static final List<Row> ROWS =
      List.of(
          Row.gvm(
              "unknown os", s -> s.gvm.getSpec().os = "plan9", "NoBaseImage", "spec.os", "plan9"),
          Row.gvm("no BaseImage", s -> s.base = false, "NoBaseImage", "spec.os", OS),
          Row.gvm(
                  "duplicate BaseImage for an os",
                  s -> {
                    s.add(baseImage(s.ns, "base2", OS));
                    s.withGvm = false;
                  },
                  "DuplicateOs",
                  "spec.os",
                  "/base",
                  OS)
              .subject("BaseImage", "base2"),
          Row.gvm(
                  "os not a DNS label",
                  s -> s.gvm.getSpec().os = "Fedora_40",
                  "NoBaseImage",
                  "spec.os",
                  "Fedora_40")
              .schema("os"),
          Row.gvm("os missing", s -> s.gvm.getSpec().os = null, "InvalidSpec", "spec.os")
              .schema("os"),
          Row.gvm(
              "missing ConfigMap",
              files(ref("/etc/app.conf", "cm-app", "app.conf", false)),
              "ConfigMapNotFound",
              "spec.files[0].configMapKeyRef",
              "cm-app"),
          Row.gvm(
              "missing ConfigMap key",
              s -> {
                s.add(configMap("cm-app", "other"));
                files(ref("/etc/app.conf", "cm-app", "app.conf", false)).accept(s);
              },
              "ConfigMapKeyNotFound",
              "spec.files[0].configMapKeyRef",
              "app.conf"),
          Row.gvm(
              "missing Secret",
              files(ref("/etc/token", "sec-app", "token", true)),
              "SecretNotFound",
              "spec.files[0].secretKeyRef",
              "sec-app"),
          Row.gvm(
              "Secret without the graft.dev/files label",
              s -> {
                s.add(unlabelled(secret("sec-app", "token")));
                files(ref("/etc/token", "sec-app", "token", true)).accept(s);
              },
              "SecretNotFound",
              "spec.files[0].secretKeyRef",
              "labelled graft.dev/files=true"),
          Row.gvm(
              "missing Secret key",
              s -> {
                s.add(secret("sec-app", "other"));
                files(ref("/etc/token", "sec-app", "token", true)).accept(s);
              },
              "SecretKeyNotFound",
              "spec.files[0].secretKeyRef",
              "token"),
          Row.gvm(
                  "key selector without key",
                  files(ref("/etc/app.conf", "cm-app", null, false)),
                  "InvalidFile",
                  "spec.files[0].configMapKeyRef",
                  "key")
              .schema("key"),
          Row.gvm(
              "missing FileSet",
              s -> s.gvm.getSpec().fileSets = new ArrayList<>(List.of("common")),
              "FileSetNotFound",
              "spec.fileSets[0]",
              "common"),
          Row.gvm(
                  "path not absolute",
                  path("etc/motd"),
                  "InvalidPath",
                  "spec.files[0].path",
                  "etc/motd")
              .schema("path"),
          Row.gvm(
              "path with ..",
              path("/etc/../root/x"),
              "InvalidPath",
              "spec.files[0].path",
              "/etc/../root/x"),
          Row.gvm("path with .", path("/etc/./x"), "InvalidPath", "spec.files[0].path", "/etc/./x"),
          Row.gvm("path with //", path("/etc//x"), "InvalidPath", "spec.files[0].path", "/etc//x")
              .schema("path"),
          Row.gvm(
                  "path with trailing slash",
                  path("/etc/x/"),
                  "InvalidPath",
                  "spec.files[0].path",
                  "/etc/x/")
              .schema("path"),
          Row.gvm("path is the root", path("/"), "InvalidPath", "spec.files[0].path", "\"/\"")
              .schema("path"),
          Row.gvm(
              "newline in path", path("/etc/a\nb"), "InvalidPath", "spec.files[0].path", "/etc/a"),
          Row.gvm(
              "space in path",
              path("/etc/my file"),
              "InvalidPath",
              "spec.files[0].path",
              "/etc/my file"),
          Row.gvm(
              "quote in path", path("/etc/it's"), "InvalidPath", "spec.files[0].path", "/etc/it's"),
          Row.gvm(
              "shell in path",
              path("/etc/$(reboot)"),
              "InvalidPath",
              "spec.files[0].path",
              "$(reboot)"),
          Row.gvm(
              "duplicate path, inline vs FileSet",
              s -> {
                s.add(fileSet("common", file("/etc/motd", "from the set")));
                s.gvm.getSpec().fileSets = new ArrayList<>(List.of("common"));
              },
              "DuplicatePath",
              "spec.files[0].path",
              "/etc/motd",
              "FileSet common: spec.files[0]"),
          Row.gvm(
              "duplicate path, two inline",
              files(file("/etc/motd", "a"), file("/etc/motd", "b")),
              "DuplicatePath",
              "spec.files[1].path",
              "/etc/motd"),
          Row.gvm(
              "file is a parent directory of another file",
              files(file("/etc/app", "a"), file("/etc/app/conf", "b")),
              "InvalidPath",
              "spec.files[0].path",
              "\"/etc/app\"",
              "spec.files[1].path"),
          Row.gvm(
                  "mode 0999",
                  first((s, f) -> f.mode = "0999"),
                  "InvalidMode",
                  "spec.files[0].mode",
                  "0999")
              .schema("mode"),
          Row.gvm(
                  "mode abc",
                  first((s, f) -> f.mode = "abc"),
                  "InvalidMode",
                  "spec.files[0].mode",
                  "abc")
              .schema("mode"),
          Row.gvm(
                  "mode 12345",
                  first((s, f) -> f.mode = "12345"),
                  "InvalidMode",
                  "spec.files[0].mode",
                  "12345")
              .schema("mode"),
          Row.gvm(
                  "owner root",
                  first((s, f) -> f.owner = "root"),
                  "InvalidOwner",
                  "spec.files[0].owner",
                  "root")
              .schema("owner"),
          Row.gvm(
                  "owner 1000",
                  first((s, f) -> f.owner = "1000"),
                  "InvalidOwner",
                  "spec.files[0].owner",
                  "1000")
              .schema("owner"),
          Row.gvm(
                  "owner -1:0",
                  first((s, f) -> f.owner = "-1:0"),
                  "InvalidOwner",
                  "spec.files[0].owner",
                  "-1:0")
              .schema("owner"),
          Row.gvm(
                  "sha256 too short",
                  files(url("abc123", 10L)),
                  "InvalidSha256",
                  "spec.files[0].sha256")
              .schema("sha256"),
          Row.gvm(
                  "sha256 not hex",
                  files(url("g".repeat(64), 10L)),
                  "InvalidSha256",
                  "spec.files[0].sha256")
              .schema("sha256"),
          Row.gvm(
              "url without sha256", files(url(null, 10L)), "InvalidSha256", "spec.files[0].sha256"),
          Row.gvm("url without size", files(url(SHA, null)), "InvalidSize", "spec.files[0].size"),
          Row.gvm("negative size", files(url(SHA, -1L)), "InvalidSize", "spec.files[0].size", "-1")
              .schema("size"),
          Row.gvm(
              "url file beyond graft.files.max-file-bytes",
              files(url(SHA, 268435457L)),
              "FileTooLarge",
              "spec.files[0]",
              "268435457"),
          Row.gvm(
              "content and contentBase64 both set",
              first((s, f) -> f.contentBase64 = "aGk="),
              "InvalidFile",
              "spec.files[0]",
              "got 2"),
          Row.gvm(
              "no content source",
              first((s, f) -> f.content = null),
              "InvalidFile",
              "spec.files[0]",
              "got 0"),
          Row.gvm(
              "invalid base64",
              first(
                  (s, f) -> {
                    f.content = null;
                    f.contentBase64 = "not base64!";
                  }),
              "InvalidContent",
              "spec.files[0].contentBase64"),
          Row.gvm(
              "sha256 does not match inline content",
              first((s, f) -> f.sha256 = SHA),
              "Sha256Mismatch",
              "spec.files[0].sha256"),
          Row.gvm(
              "bad mode inside a FileSet",
              s -> {
                FileSpec bad = file("/etc/issue", "x");
                bad.mode = "0999";
                s.add(fileSet("common", bad));
                s.gvm.getSpec().fileSets = new ArrayList<>(List.of("common"));
              },
              "InvalidMode",
              "FileSet common: spec.files[0].mode",
              "0999"),
          Row.gvm(
              "root disk smaller than the image",
              rootDiskSize("1Gi"),
              "RootDiskTooSmall",
              "spec.rootDisk.size",
              "\"1Gi\"",
              "the 8Gi of image"),
          Row.gvm(
                  "root disk size unparsable",
                  rootDiskSize("big"),
                  "InvalidRootDiskSize",
                  "spec.rootDisk.size",
                  "\"big\"")
              .schema("size"),
          Row.gvm(
                  "url file://",
                  files(url("file:///etc/shadow")),
                  "InvalidUrl",
                  "spec.files[0].url",
                  "\"file:///etc/shadow\"")
              .schema("url"),
          Row.gvm(
                  "url ftp://",
                  files(url("ftp://files.example.org/blob")),
                  "InvalidUrl",
                  "spec.files[0].url",
                  "\"ftp://files.example.org/blob\"")
              .schema("url"),
          Row.gvm(
                  "url a bare path",
                  files(url("/etc/shadow")),
                  "InvalidUrl",
                  "spec.files[0].url",
                  "\"/etc/shadow\"")
              .schema("url"),
          Row.gvm(
                  "url without a host",
                  files(url("https:///etc/shadow")),
                  "InvalidUrl",
                  "spec.files[0].url",
                  "must name a host",
                  "\"https:///etc/shadow\"")
              .schema("url"),
          Row.gvm(
              "url file:// inside a FileSet",
              s -> {
                s.add(fileSet("common", url("file:///etc/shadow")));
                s.gvm.getSpec().fileSets = new ArrayList<>(List.of("common"));
              },
              "InvalidUrl",
              "FileSet common: spec.files[0].url",
              "\"file:///etc/shadow\""),
          Row.gvm(
              "memory lots",
              memory("lots"),
              "InvalidMemory",
              "spec.virtualMachineTemplate.spec.template.spec.domain.memory.guest",
              "\"lots\""),
          Row.gvm(
              "memory 1.5.5Gi",
              memory("1.5.5Gi"),
              "InvalidMemory",
              "spec.virtualMachineTemplate.spec.template.spec.domain.memory.guest",
              "\"1.5.5Gi\""),
          Row.gvm(
              "memory -1Gi",
              memory("-1Gi"),
              "InvalidMemory",
              "spec.virtualMachineTemplate.spec.template.spec.domain.memory.guest",
              "\"-1Gi\""),
          Row.gvm(
              "memory 1K (decimal kilo is k)",
              memory("1K"),
              "InvalidMemory",
              "spec.virtualMachineTemplate.spec.template.spec.domain.memory.guest",
              "\"1K\""),
          Row.gvm(
              "memory 0",
              memory("0"),
              "InvalidMemory",
              "spec.virtualMachineTemplate.spec.template.spec.domain.memory.guest",
              "\"0\""),
          Row.gvm(
              "cpuCores 0",
              cpuCores(0),
              "InvalidCpuCores",
              "spec.virtualMachineTemplate.spec.template.spec.domain.cpu.cores",
              "got 0"));

  static Consumer<Setup> rootDiskSize(String size) {
    return s -> s.gvm.getSpec().rootDisk = rootDisk(size);
  }

  static RootDisk rootDisk(String size) {
    RootDisk r = new RootDisk();
    r.size = size;
    return r;
  }

  // Memory and cores are below the preserved VirtualMachineSpec: the CRD accepts them, Graft
  // refuses.
  static Consumer<Setup> memory(String guest) {
    return s -> domain(s.gvm).put("memory", Map.of("guest", guest));
  }

  static Consumer<Setup> cpuCores(int cores) {
    return s -> domain(s.gvm).put("cpu", Map.of("cores", cores));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> domain(GraftedVirtualMachine g) {
    var template = (Map<String, Object>) g.getSpec().virtualMachineTemplate.spec.get("template");
    return (Map<String, Object>) ((Map<String, Object>) template.get("spec")).get("domain");
  }

  static FileSpec url(String url) {
    FileSpec f = url(SHA, 10L);
    f.url = url;
    return f;
  }

  static FileSpec ref(String path, String name, String key, boolean secret) {
    FileSpec f = new FileSpec();
    f.path = path;
    if (secret) {
      f.secretKeyRef = new KeySelector(name, key);
    } else {
      f.configMapKeyRef = new KeySelector(name, key);
    }
    return f;
  }

  static HasMetadata configMap(String name, String key) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(Map.of(key, "v"))
        .build();
  }

  /** The same object without labels: a Secret not meant for Graft. */
  static HasMetadata unlabelled(HasMetadata object) {
    object.getMetadata().setLabels(null);
    return object;
  }

  /** A Secret Graft may read: it carries the default {@code graft.files.secret-selector} label. */
  static HasMetadata secret(String name, String key) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("graft.dev/files", "true")
        .endMetadata()
        .withStringData(Map.of(key, "s3cret"))
        .build();
  }

  static String ns(int i) {
    return "bad-" + i;
  }

  @AfterAll
  static void stop() {
    if (simulator != null) {
      simulator.close();
      simulator = null;
    }
  }

  @Test
  void everyBadInputIsReportedAndNothingIsBuilt() {
    simulator = new ClusterSimulator(client).start();
    assertThat(ROWS).hasSizeGreaterThanOrEqualTo(54);
    List<Setup> setups = new ArrayList<>();
    for (int i = 0; i < ROWS.size(); i++) {
      Setup s = new Setup(ns(i));
      ROWS.get(i).mutation().accept(s);
      setups.add(s);
      if (s.base) {
        client.resource(baseImage(s.ns, "base", OS)).create();
      }
      for (HasMetadata r : s.extra) {
        if (!(r instanceof BaseImage)) {
          client.resource(r).create();
        }
      }
      if (s.withGvm) {
        client.resource(s.gvm).create();
      }
    }
    // A second BaseImage for an os is the duplicate only once the first one owns the os's
    // GoldenImage; created together, either may win the race, so create it after.
    for (Setup s : setups) {
      for (HasMetadata r : s.extra) {
        if (r instanceof BaseImage) {
          await().atMost(Duration.ofSeconds(30)).until(() -> !images(client, s.ns).isEmpty());
          client.resource(r).create();
        }
      }
    }

    SoftAssertions soft = new SoftAssertions();
    // Schema: rows the CRD rejects at admission.
    Schema schema = gvmSchema();
    for (int i = 0; i < ROWS.size(); i++) {
      Row row = ROWS.get(i);
      List<String> errors =
          schema.validate(Serialization.asJson(setups.get(i).gvm), InputFormat.JSON).stream()
              .map(Object::toString)
              .toList();
      if (row.schemaField() == null) {
        soft.assertThat(errors).as("%s: accepted by the CRD schema", row.name()).isEmpty();
      } else {
        soft.assertThat(errors)
            .as("%s: rejected by the CRD schema naming %s", row.name(), row.schemaField())
            .anySatisfy(e -> assertThat(e).contains(row.schemaField()));
      }
    }

    // Operator: every row ends Ready=False with its reason.
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                for (int i = 0; i < ROWS.size(); i++) {
                  Condition c = readyCondition(ROWS.get(i), ns(i));
                  if (c == null || !ROWS.get(i).reason().equals(c.getReason())) {
                    return false;
                  }
                }
                return true;
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // fall through: the soft assertions below say which rows.
    }
    for (int i = 0; i < ROWS.size(); i++) {
      Row row = ROWS.get(i);
      String ns = ns(i);
      Condition c = readyCondition(row, ns);
      soft.assertThat(c).as("%s: Ready condition", row.name()).isNotNull();
      if (c == null) {
        continue;
      }
      soft.assertThat(c.getStatus()).as("%s: Ready", row.name()).isEqualTo("False");
      soft.assertThat(c.getReason())
          .as("%s: reason (%s)", row.name(), c.getMessage())
          .isEqualTo(row.reason());
      for (String part : row.message()) {
        soft.assertThat(c.getMessage()).as("%s: message", row.name()).contains(part);
      }
      soft.assertThat(client.v1().events().inNamespace(ns).list().getItems())
          .as("%s: Warning event %s", row.name(), row.reason())
          .anySatisfy(
              e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getReason()).isEqualTo(row.reason());
                assertThat(e.getInvolvedObject().getName()).isEqualTo(row.subjectName());
              });
      soft.assertThat(images(client, ns))
          .as("%s: no GoldenImage but the base", row.name())
          .allSatisfy(gi -> assertThat(gi.getSpec().parent).isNull());
      soft.assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems())
          .as("%s: no Job", row.name())
          .isEmpty();
      soft.assertThat(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems())
          .as("%s: no VirtualMachine", row.name())
          .isEmpty();
    }
    soft.assertAll();

    // Fixing the input recovers without a restart.
    fix(
        "missing ConfigMap",
        ns -> client.resource(inNs(configMap("cm-app", "app.conf"), ns)).create());
    fix("missing Secret", ns -> client.resource(inNs(secret("sec-app", "token"), ns)).create());
    fix(
        "Secret without the graft.dev/files label",
        ns ->
            client
                .secrets()
                .inNamespace(ns)
                .withName("sec-app")
                .edit(
                    s -> {
                      s.getMetadata().setLabels(Map.of("graft.dev/files", "true"));
                      return s;
                    }));
    fix(
        "missing FileSet",
        ns -> client.resource(inNs(fileSet("common", file("/etc/issue", "x")), ns)).create());
    fix("no BaseImage", ns -> client.resource(baseImage(ns, "base", OS)).create());
    fix(
        "mode 0999",
        ns ->
            client
                .resources(GraftedVirtualMachine.class)
                .inNamespace(ns)
                .withName("vm")
                .edit(
                    g -> {
                      g.getSpec().files.get(0).mode = "0644";
                      return g;
                    }));
    fix(
        "space in path",
        ns ->
            client
                .resources(GraftedVirtualMachine.class)
                .inNamespace(ns)
                .withName("vm")
                .edit(
                    g -> {
                      g.getSpec().files.get(0).path = "/etc/my-file";
                      return g;
                    }));
    editGvm("root disk smaller than the image", g -> g.getSpec().rootDisk = rootDisk("20Gi"));
    editGvm(
        "memory lots",
        g -> domain(g).put("memory", new java.util.LinkedHashMap<>(Map.of("guest", "2Gi"))));
    editGvm("url ftp://", g -> g.getSpec().files.get(0).url = "https://files.example.org/blob");
    fix(
        "url file:// inside a FileSet",
        ns ->
            client
                .resources(FileSet.class)
                .inNamespace(ns)
                .withName("common")
                .edit(
                    fs -> {
                      fs.getSpec().files.get(0).url = "https://files.example.org/blob";
                      return fs;
                    }));
    for (String name :
        List.of(
            "missing ConfigMap",
            "missing Secret",
            "Secret without the graft.dev/files label",
            "missing FileSet",
            "no BaseImage",
            "mode 0999",
            "space in path",
            "root disk smaller than the image",
            "memory lots",
            "url ftp://",
            "url file:// inside a FileSet")) {
      String ns = ns(index(name));
      until(client, ns, () -> ready(gvm(client, ns, "vm")));
      assertThat(client.resources(VirtualMachine.class).inNamespace(ns).withName("vm").get())
          .as(name)
          .isNotNull();
    }
  }

  private static <T extends HasMetadata> T inNs(T r, String ns) {
    r.getMetadata().setNamespace(ns);
    return r;
  }

  private void editGvm(String row, Consumer<GraftedVirtualMachine> edit) {
    fix(
        row,
        ns ->
            client
                .resources(GraftedVirtualMachine.class)
                .inNamespace(ns)
                .withName("vm")
                .edit(
                    g -> {
                      edit.accept(g);
                      return g;
                    }));
  }

  private void fix(String row, Consumer<String> fix) {
    fix.accept(ns(index(row)));
  }

  private static int index(String name) {
    for (int i = 0; i < ROWS.size(); i++) {
      if (ROWS.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(name);
  }

  private Condition readyCondition(Row row, String ns) {
    GraftStatus status =
        switch (row.subjectKind()) {
          case "BaseImage" -> {
            BaseImage bi =
                client.resources(BaseImage.class).inNamespace(ns).withName(row.subjectName()).get();
            yield bi == null ? null : bi.getStatus();
          }
          default -> {
            GraftedVirtualMachine g = gvm(client, ns, row.subjectName());
            yield g == null ? null : g.getStatus();
          }
        };
    return Conditions.get(status, Conditions.READY);
  }

  private static Schema gvmSchema() {
    try (InputStream in =
        Files.newInputStream(Path.of("crds/graftedvirtualmachines.graft.dev-v1.yml"))) {
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      String json =
          Serialization.asJson(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema());
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
          .getSchema(json, InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
