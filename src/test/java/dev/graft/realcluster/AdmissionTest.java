package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.graft.api.BaseImage;
import dev.graft.api.FileSet;
import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.ImageSource;
import dev.graft.api.KeySelector;
import dev.graft.api.SourceRef;
import dev.graft.api.StorageSpec;
import dev.graft.api.VirtualMachineTemplate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CRDs as a real API server takes them: accepted and Established, and every check the schema
 * states enforced at admission (OpenAPI patterns and ranges, CEL rules, list-type map). Objects are
 * created with dry-run: admission runs in full, nothing is stored, and the operator sees nothing.
 */
@QuarkusTest
@TestProfile(RealClusterProfile.class)
@Tag(RealClusterProfile.TAG)
class AdmissionTest {
  private static final String NS = "admission";
  private static KubernetesClient admin;

  @BeforeAll
  static void client() {
    admin = RealCluster.setUp().adminClient();
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
  }

  @AfterAll
  static void close() {
    admin.close();
  }

  @Test
  void everyCrdIsAcceptedAndEstablished() {
    List<String> names = new ArrayList<>();
    RealCluster.graftCrds().forEach(c -> names.add(c.getMetadata().getName()));
    UpstreamCrds.all().forEach(c -> names.add(c.getMetadata().getName()));
    assertThat(names)
        .contains(
            "graftedvirtualmachines.graft.dev",
            "goldenimages.graft.dev",
            "baseimages.graft.dev",
            "filesets.graft.dev",
            "virtualmachines.kubevirt.io",
            "datavolumes.cdi.kubevirt.io",
            "datasources.cdi.kubevirt.io");
    for (String name : names) {
      CustomResourceDefinition crd =
          admin.apiextensions().v1().customResourceDefinitions().withName(name).get();
      assertThat(crd).as(name).isNotNull();
      assertThat(RealCluster.established(crd)).as(name + " Established").isTrue();
      assertThat(crd.getStatus().getConditions())
          .as(name + " NonStructuralSchema")
          .noneMatch(
              c -> "NonStructuralSchema".equals(c.getType()) && "True".equals(c.getStatus()));
    }
  }

  @Test
  void aValidRequestPassesAdmission() {
    assertThatCode(() -> dryRun(gvm(file("/etc/motd", "hello"), urlFile("/usr/bin/tool"))))
        .doesNotThrowAnyException();
    assertThatCode(() -> dryRun(baseImage(http(), null))).doesNotThrowAnyException();
  }

  @Test
  void openApiPatternsAndRanges() {
    GraftedVirtualMachine badOs = gvm(file("/etc/motd", "x"));
    badOs.getSpec().os = "Fedora_40";
    assertRejected(badOs, "spec.os", "should match");

    FileSpec mode = file("/etc/a", "x");
    mode.mode = "999";
    assertRejected(gvm(mode), "spec.files[0].mode", "should match");

    FileSpec owner = file("/etc/a", "x");
    owner.owner = "root";
    assertRejected(gvm(owner), "spec.files[0].owner");

    FileSpec size = urlFile("/etc/a");
    size.size = -1L;
    assertRejected(gvm(size), "spec.files[0].size", "should be greater than or equal to 0");

    FileSpec sha = urlFile("/etc/a");
    sha.sha256 = "ABC";
    assertRejected(gvm(sha), "spec.files[0].sha256");

    FileSpec relative = file("etc/a", "x");
    assertRejected(gvm(relative), "spec.files[0].path");

    GraftedVirtualMachine longOs = gvm(file("/etc/motd", "x"));
    longOs.getSpec().os = "a".repeat(41);
    assertRejected(longOs, "spec.os", "40");
  }

  @Test
  void exactlyOneContentSourcePerFile() {
    FileSpec two = file("/etc/a", "x");
    two.contentBase64 = "eA==";
    assertRejected(gvm(two), "spec.files[0]", "exactly one of content");

    FileSpec none = new FileSpec();
    none.path = "/etc/a";
    assertRejected(gvm(none), "spec.files[0]", "exactly one of content");

    FileSpec refs = new FileSpec();
    refs.path = "/etc/a";
    refs.configMapKeyRef = new KeySelector("cm", "k");
    refs.secretKeyRef = new KeySelector("s", "k");
    assertRejected(gvm(refs), "exactly one of content");

    FileSpec urlWithoutDigest = new FileSpec();
    urlWithoutDigest.path = "/etc/a";
    urlWithoutDigest.url = "https://example.org/a";
    assertRejected(gvm(urlWithoutDigest), "url needs sha256 and size");

    FileSet fs = new FileSet();
    fs.getMetadata().setName("two-sources");
    fs.getMetadata().setNamespace(NS);
    fs.setSpec(new FileSet.Spec());
    fs.getSpec().files = List.of(two);
    assertRejected(fs, "spec.files[0]", "exactly one of content");
  }

  @Test
  void pathsAreNormalized() {
    assertRejected(gvm(file("/etc/../shadow", "x")), "spec.files[0].path", "segment");
    assertRejected(gvm(file("/etc/./a", "x")), "spec.files[0].path", "segment");
    assertRejected(gvm(file("/etc/..", "x")), "spec.files[0].path", "segment");
    assertRejected(gvm(file("/etc//a", "x")), "spec.files[0].path", "duplicate slash");
    // ".." inside a name is a name, not a segment
    assertThatCode(() -> dryRun(gvm(file("/etc/a..b", "x")))).doesNotThrowAnyException();
  }

  @Test
  void twoFilesWithOnePathAreRefused() {
    assertRejected(
        gvm(file("/etc/a", "x"), file("/etc/a", "y")), "spec.files[1]", "Duplicate value");
    FileSet fs = new FileSet();
    fs.getMetadata().setName("dup");
    fs.getMetadata().setNamespace(NS);
    fs.setSpec(new FileSet.Spec());
    fs.getSpec().files = List.of(file("/etc/a", "x"), file("/etc/a", "y"));
    assertRejected(fs, "spec.files[1]", "Duplicate value");
  }

  @Test
  void aBaseImageHasExactlyOneSource() {
    SourceRef ref = new SourceRef();
    ref.name = "ubuntu";
    assertRejected(baseImage(http(), ref), "spec", "exactly one of source, sourceRef");
    assertRejected(baseImage(null, null), "spec", "exactly one of source, sourceRef");
    ImageSource both = http();
    both.registry = new ImageSource.Url("docker://quay.io/x:1");
    assertRejected(baseImage(both, null), "spec.source", "exactly one of http, registry, pvc");
    ImageSource badUrl = new ImageSource();
    badUrl.http = new ImageSource.Url("ftp://example.org/x");
    assertRejected(baseImage(badUrl, null), "spec.source.http.url");
    assertThatCode(() -> dryRun(baseImage(null, ref))).doesNotThrowAnyException();
    // A VolumeSnapshot is a source of its own, and one kind only.
    ImageSource snapshot = new ImageSource();
    snapshot.snapshot = new ImageSource.PvcRef(null, "fedora-snap");
    assertThatCode(() -> dryRun(baseImage(snapshot, null))).doesNotThrowAnyException();
    ImageSource pvcAndSnapshot = new ImageSource();
    pvcAndSnapshot.snapshot = new ImageSource.PvcRef(null, "fedora-snap");
    pvcAndSnapshot.pvc = new ImageSource.PvcRef(null, "fedora");
    assertRejected(
        baseImage(pvcAndSnapshot, null),
        "spec.source",
        "exactly one of http, registry, pvc, snapshot");
  }

  @Test
  void baseGenerationFieldsAreChecked() {
    BaseImage policy = baseImage(http(), null);
    policy.getSpec().updatePolicy = BaseImage.UpdatePolicy.Manual;
    assertThatCode(() -> dryRun(policy)).doesNotThrowAnyException();
    ImageSource checksum = http();
    checksum.http.checksum = "sha256:" + "0".repeat(64);
    assertThatCode(() -> dryRun(baseImage(checksum, null))).doesNotThrowAnyException();
    ImageSource badChecksum = http();
    badChecksum.http.checksum = "0".repeat(64);
    assertRejected(baseImage(badChecksum, null), "spec.source.http.checksum", "should match");
    GraftedVirtualMachine pinned = gvm(file("/etc/motd", "x"));
    pinned.getSpec().baseGeneration = 2;
    assertThatCode(() -> dryRun(pinned)).doesNotThrowAnyException();
    pinned.getSpec().baseGeneration = 0;
    assertRejected(pinned, "spec.baseGeneration", "should be greater than or equal to 1");
  }

  private static void assertRejected(HasMetadata object, String... fragments) {
    KubernetesClientException e =
        catchThrowableOfType(KubernetesClientException.class, () -> dryRun(object));
    assertThat(e).as("admission of %s", object).isNotNull();
    assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
    assertThat(e.getMessage()).contains(fragments);
  }

  private static void dryRun(HasMetadata object) {
    admin.resource(object).inNamespace(NS).dryRun().create();
  }

  static GraftedVirtualMachine gvm(FileSpec... files) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.getMetadata().setName("vm");
    gvm.getMetadata().setNamespace(NS);
    gvm.setSpec(new GraftedVirtualMachine.Spec());
    gvm.getSpec().os = "fedora-40";
    gvm.getSpec().files = new ArrayList<>(List.of(files));
    gvm.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(1, "1Gi");
    return gvm;
  }

  static FileSpec file(String path, String content) {
    return FileSpec.inline(path, content);
  }

  static FileSpec urlFile(String path) {
    FileSpec f = new FileSpec();
    f.path = path;
    f.url = "https://example.org/tool";
    f.sha256 = "a".repeat(64);
    f.size = 10L;
    return f;
  }

  static ImageSource http() {
    ImageSource s = new ImageSource();
    s.http = new ImageSource.Url("https://example.org/disk.qcow2");
    return s;
  }

  static BaseImage baseImage(ImageSource source, SourceRef ref) {
    BaseImage bi = new BaseImage();
    bi.getMetadata().setName("bi");
    bi.getMetadata().setNamespace(NS);
    bi.setSpec(new BaseImage.Spec());
    bi.getSpec().os = "fedora-40";
    bi.getSpec().source = source;
    bi.getSpec().sourceRef = ref;
    bi.getSpec().storage = new StorageSpec();
    bi.getSpec().storage.size = "8Gi";
    return bi;
  }
}
