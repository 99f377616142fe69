package dev.graft.kubevirt;

import dev.graft.api.GraftedVirtualMachine;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The rich VM of {@code config/samples/vm-rich.yaml}, and how to take Graft's root disk out. */
public final class RichSample {
  public static final Path FILE = Path.of("config", "samples", "vm-rich.yaml");

  private RichSample() {}

  /** The sample's GraftedVirtualMachine, as the API would hand it to the operator. */
  public static GraftedVirtualMachine gvm() throws IOException {
    for (String doc : Files.readString(FILE).split("(?m)^---$")) {
      if (doc.contains("kind: GraftedVirtualMachine")) {
        GraftedVirtualMachine g = Serialization.unmarshal(doc, GraftedVirtualMachine.class);
        g.getMetadata().setUid("uid-rich");
        return g;
      }
    }
    throw new IllegalStateException(FILE + " has no GraftedVirtualMachine");
  }

  /** Removes Graft's root disk (disk, volume, DataVolume template) from a VM spec as JSON maps. */
  @SuppressWarnings("unchecked")
  public static void withoutRootDisk(Map<String, Object> spec, String disk, String dataVolume) {
    var templates = (List<Map<String, Object>>) spec.get("dataVolumeTemplates");
    templates.removeIf(
        t -> dataVolume.equals(((Map<String, Object>) t.get("metadata")).get("name")));
    var vmi = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
    var devices = (Map<String, Object>) ((Map<String, Object>) vmi.get("domain")).get("devices");
    ((List<Map<String, Object>>) devices.get("disks")).removeIf(d -> disk.equals(d.get("name")));
    ((List<Map<String, Object>>) vmi.get("volumes")).removeIf(v -> disk.equals(v.get("name")));
  }
}
