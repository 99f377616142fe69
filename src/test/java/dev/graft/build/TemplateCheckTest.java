package dev.graft.build;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.RootDisk;
import dev.graft.api.StorageSpec;
import dev.graft.api.VirtualMachineTemplate;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * VM template checks: the template reads as a VirtualMachineSpec, quantities, cpu, the root disk's
 * name and its size against the image it clones.
 */
class TemplateCheckTest {
  private static final String DOMAIN = "spec.virtualMachineTemplate.spec.template.spec.domain";

  private static GraftedVirtualMachine gvm(String memory, String rootDiskSize) {
    GraftedVirtualMachine g = new GraftedVirtualMachine();
    g.setSpec(new GraftedVirtualMachine.Spec());
    g.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(1, "1Gi");
    domain(g).remove("memory");
    if (memory != null) {
      domain(g).put("memory", Map.of("guest", memory));
    }
    if (rootDiskSize != null) {
      g.getSpec().rootDisk = new RootDisk();
      g.getSpec().rootDisk.size = rootDiskSize;
    }
    return g;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> domain(GraftedVirtualMachine g) {
    var template = (Map<String, Object>) g.getSpec().virtualMachineTemplate.spec.get("template");
    return (Map<String, Object>) ((Map<String, Object>) template.get("spec")).get("domain");
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
      GraftedVirtualMachine t, GoldenImage source, String reason, String... parts) {
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
          gvm(bad, null), null, "InvalidMemory", DOMAIN + ".memory.guest", "\"" + bad + "\"");
    }
    assertError(gvm("0", null), null, "InvalidMemory", "more than 0", "\"0\"");
    for (String good : new String[] {"2Gi", "1.5Gi", "512Mi", "1000k", "1G", "1073741824"}) {
      assertThatCode(() -> TemplateCheck.check(gvm(good, null), null))
          .as(good)
          .doesNotThrowAnyException();
    }
    GraftedVirtualMachine requests = gvm(null, null);
    domain(requests).put("resources", Map.of("requests", Map.of("memory", "lots")));
    assertError(requests, null, "InvalidMemory", DOMAIN + ".resources.requests.memory");
  }

  @Test
  void rootDiskMustParseAndHoldTheImage() throws Exception {
    assertError(
        gvm(null, "big"), image("10Gi"), "InvalidRootDiskSize", "spec.rootDisk.size", "\"big\"");
    assertError(
        gvm(null, "9.9Gi"),
        image("10Gi"),
        "RootDiskTooSmall",
        "spec.rootDisk.size",
        "\"9.9Gi\"",
        "10Gi",
        "fedora-40-base");
    // No storage on the image: the default size of a DataVolume (10Gi).
    assertError(gvm(null, "1Gi"), image(null), "RootDiskTooSmall", "10Gi");
    TemplateCheck.check(gvm(null, "10Gi"), image("10Gi"));
    TemplateCheck.check(gvm(null, "10737418240"), image("10Gi"));
    TemplateCheck.check(gvm(null, "20G"), image("10Gi"));
    // Not known yet (no base), or a bad size that is the BaseImage's error: no comparison.
    TemplateCheck.check(gvm(null, "1Gi"), null);
    TemplateCheck.check(gvm(null, "1Gi"), image("huge"));
  }

  @Test
  void cpuCoresMustBePositive() throws Exception {
    GraftedVirtualMachine g = gvm(null, null);
    domain(g).put("cpu", Map.of("cores", 0));
    assertError(g, null, "InvalidCpuCores", DOMAIN + ".cpu.cores", "0");
    domain(g).put("cpu", Map.of("cores", "two"));
    assertError(g, null, "InvalidCpuCores", DOMAIN + ".cpu.cores", "two");
    domain(g).put("cpu", Map.of("cores", 1));
    TemplateCheck.check(g, null);
    GraftedVirtualMachine none = gvm(null, null);
    none.getSpec().virtualMachineTemplate = null;
    TemplateCheck.check(none, image("10Gi"));
  }

  @Test
  void aTemplateThatIsNoVirtualMachineSpecNamesTheField() {
    GraftedVirtualMachine g = gvm(null, null);
    g.getSpec().virtualMachineTemplate.spec.put("dataVolumeTemplates", "one");
    assertError(g, null, "InvalidVirtualMachineTemplate", "spec.virtualMachineTemplate.spec");
  }

  @Test
  void aVolumeOfTheUserMayNotTakeTheRootDiskName() throws Exception {
    GraftedVirtualMachine g = gvm("1Gi", null);
    @SuppressWarnings("unchecked")
    var vmi =
        (Map<String, Object>)
            ((Map<String, Object>) g.getSpec().virtualMachineTemplate.spec.get("template"))
                .get("spec");
    vmi.put(
        "volumes",
        Serialization.unmarshal(
            "[{\"name\":\"rootdisk\",\"containerDisk\":{\"image\":\"x\"}}]", List.class));
    assertError(
        g,
        null,
        "RootDiskNameTaken",
        "spec.template.spec.volumes",
        "\"rootdisk\"",
        "rootDisk.name");
    g.getSpec().rootDisk = new RootDisk();
    g.getSpec().rootDisk.name = "boot";
    TemplateCheck.check(g, null);
  }
}
