package dev.graft.build;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.GoldenImage;
import dev.graft.api.StorageSpec;
import dev.graft.api.VmTemplate;
import org.junit.jupiter.api.Test;

/** VM template checks: quantities, cpu and the root disk against the image it clones. */
class TemplateCheckTest {

  private static VmTemplate template(String memory, String rootDiskSize) {
    VmTemplate t = new VmTemplate();
    t.memory = memory;
    t.rootDiskSize = rootDiskSize;
    return t;
  }

  private static GoldenImage image(String size) {
    GoldenImage gi = new GoldenImage();
    gi.getMetadata().setName("fedora-40-base");
    gi.setSpec(new GoldenImage.Spec());
    if (size != null) {
      gi.getSpec().storage = new StorageSpec();
      gi.getSpec().storage.size = size;
    }
    return gi;
  }

  private static void assertError(
      VmTemplate t, GoldenImage source, String reason, String... parts) {
    var a =
        assertThatThrownBy(() -> TemplateCheck.check(t, source))
            .isInstanceOfSatisfying(
                ResolutionException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(reason));
    for (String part : parts) {
      a.hasMessageContaining(part);
    }
  }

  @Test
  void malformedMemoryNamesFieldAndValue() {
    for (String bad : new String[] {"lots", "1.5.5Gi", "-1Gi", "1K", "2 Gi", "1e3", "500m", ""}) {
      assertError(
          template(bad, null), null, "InvalidMemory", "spec.template.memory", "\"" + bad + "\"");
    }
    assertError(template("0", null), null, "InvalidMemory", "more than 0", "\"0\"");
    for (String good : new String[] {"2Gi", "1.5Gi", "512Mi", "1000k", "1G", "1073741824"}) {
      assertThatCode(() -> TemplateCheck.check(template(good, null), null))
          .as(good)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void rootDiskMustParseAndHoldTheImage() throws Exception {
    assertError(
        template(null, "big"),
        image("10Gi"),
        "InvalidRootDiskSize",
        "spec.template.rootDiskSize",
        "\"big\"");
    assertError(
        template(null, "9.9Gi"),
        image("10Gi"),
        "RootDiskTooSmall",
        "spec.template.rootDiskSize",
        "\"9.9Gi\"",
        "10Gi",
        "fedora-40-base");
    // No storage on the image: the default size of a DataVolume (10Gi).
    assertError(template(null, "1Gi"), image(null), "RootDiskTooSmall", "10Gi");
    TemplateCheck.check(template(null, "10Gi"), image("10Gi"));
    TemplateCheck.check(template(null, "10737418240"), image("10Gi"));
    TemplateCheck.check(template(null, "20G"), image("10Gi"));
    // Not known yet (no base), or a bad size that is the BaseImage's error: no comparison.
    TemplateCheck.check(template(null, "1Gi"), null);
    TemplateCheck.check(template(null, "1Gi"), image("huge"));
  }

  @Test
  void cpuCoresMustBePositive() throws Exception {
    VmTemplate t = template(null, null);
    t.cpuCores = 0;
    assertError(t, null, "InvalidCpuCores", "spec.template.cpuCores", "0");
    t.cpuCores = 1;
    TemplateCheck.check(t, null);
    TemplateCheck.check(null, image("10Gi"));
  }
}
