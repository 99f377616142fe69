package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** Runs the ArgoCD health checks in config/argocd/ with a real Lua interpreter (LuaJ). */
public class ArgoHealthTest {

  static final Path DIR = Repo.CONFIG.resolve("argocd");
  public static final String GVM = "graftedvirtualmachine-health.lua";
  static final String GI = "goldenimage-health.lua";

  public record Health(String status, String message) {}

  /** What ArgoCD's health check {@code script} says of an object. */
  public static Health run(String script, String objectYaml) throws Exception {
    JsonNode obj = Repo.YAML.readTree(objectYaml);
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(obj));
    LuaValue result = globals.load(Repo.read(DIR.resolve(script)), script).call();
    assertThat(result.istable()).as("%s returns a table", script).isTrue();
    return new Health(result.get("status").tojstring(), result.get("message").tojstring());
  }

  static LuaValue toLua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        table.set(e.getKey(), toLua(e.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      return LuaValue.valueOf(node.longValue());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    return LuaValue.valueOf(node.asText());
  }

  static String object(String kind, int generation, String status, String spec) {
    return """
        apiVersion: graft.dev/v1alpha1
        kind: %s
        metadata:
          name: web-1
          namespace: demo
          generation: %d
        spec:
          os: fedora-40
        %s
        %s
        """
        .formatted(kind, generation, spec, status);
  }

  static final String READY =
      """
      status:
        phase: Ready
        observedGeneration: 2
        conditions:
          - {type: Ready, status: "True", reason: VirtualMachineCreated, message: "VM web-1 created from gi fedora-40-3f2a", observedGeneration: 2}
          - {type: Progressing, status: "False", reason: Done, observedGeneration: 2}
          - {type: Degraded, status: "False", reason: AsExpected, observedGeneration: 2}
      """;

  static final String BUILDING =
      """
      status:
        phase: Building
        observedGeneration: 2
        conditions:
          - {type: Ready, status: "False", reason: WaitingForImage, message: "waiting for GoldenImage fedora-40-3f2a", observedGeneration: 2}
          - {type: Progressing, status: "True", reason: Injecting, message: "injecting 12 files", observedGeneration: 2}
      """;

  static final String FAILED =
      """
      status:
        phase: Failed
        observedGeneration: 2
        conditions:
          - {type: Ready, status: "False", reason: BuildFailed, message: "injection Job failed", observedGeneration: 2}
          - {type: Degraded, status: "True", reason: InjectionFailed, message: "guestfish: upload /etc/motd: No such file or directory", observedGeneration: 2}
      """;

  static final String INVALID =
      """
      status:
        phase: Pending
        observedGeneration: 2
        conditions:
          - {type: Ready, status: "False", reason: UnknownOs, message: "spec.os: no BaseImage for os \\"plan9\\"", observedGeneration: 2}
          - {type: Progressing, status: "False", reason: InvalidSpec, observedGeneration: 2}
      """;

  static final String UNSCHEDULABLE =
      """
      status:
        phase: Pending
        observedGeneration: 2
        virtualMachine: {name: web-1, printableStatus: ErrorUnschedulable, ready: false}
        conditions:
          - {type: Ready, status: "False", reason: ErrorUnschedulable, observedGeneration: 2}
          - {type: Degraded, status: "True", reason: ErrorUnschedulable, message: "VirtualMachine web-1 is ErrorUnschedulable: Unschedulable: 0/3 nodes are available", observedGeneration: 2}
      """;

  static final String STALE =
      READY.replace("observedGeneration: 2\n  conditions", "observedGeneration: 1\n  conditions");

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "GraftedVirtualMachine, READY, Healthy, VirtualMachineCreated: VM web-1 created from gi fedora-40-3f2a",
    "GraftedVirtualMachine, BUILDING, Progressing, 'Building: Injecting: injecting 12 files'",
    "GraftedVirtualMachine, FAILED, Degraded, 'InjectionFailed: guestfish: upload /etc/motd: No such file or directory'",
    "GraftedVirtualMachine, INVALID, Degraded, 'UnknownOs: spec.os: no BaseImage for os \"plan9\"'",
    "GraftedVirtualMachine, UNSCHEDULABLE, Degraded, 'ErrorUnschedulable: VirtualMachine web-1 is ErrorUnschedulable: Unschedulable: 0/3 nodes are available'",
    "GraftedVirtualMachine, STALE, Progressing, Waiting for the operator to observe generation 2",
    "GraftedVirtualMachine, NONE, Progressing, Waiting for the Graft operator to reconcile",
    "GoldenImage, READY, Healthy, VirtualMachineCreated: VM web-1 created from gi fedora-40-3f2a",
    "GoldenImage, BUILDING, Progressing, 'Building: Injecting: injecting 12 files'",
    "GoldenImage, FAILED, Degraded, 'InjectionFailed: guestfish: upload /etc/motd: No such file or directory'",
    "GoldenImage, STALE, Progressing, Waiting for the operator to observe generation 2",
    "GoldenImage, NONE, Progressing, Waiting for the Graft operator to reconcile",
  })
  void healthFromConditions(String kind, String fixture, String status, String message)
      throws Exception {
    String statusYaml =
        switch (fixture) {
          case "READY" -> READY;
          case "BUILDING" -> BUILDING;
          case "FAILED" -> FAILED;
          case "INVALID" -> INVALID;
          case "STALE" -> STALE;
          case "UNSCHEDULABLE" -> UNSCHEDULABLE;
          default -> "";
        };
    String script = kind.equals("GoldenImage") ? GI : GVM;
    Health health = run(script, object(kind, 2, statusYaml, ""));
    assertThat(health).isEqualTo(new Health(status, message));
  }

  @Test
  void aHaltedVmIsSuspendedButHaltingDoesNotHideFailures() throws Exception {
    String halted = "  virtualMachineTemplate:\n    spec:\n      runStrategy: Halted";
    assertThat(run(GVM, object("GraftedVirtualMachine", 2, READY, halted)).status())
        .isEqualTo("Suspended");
    assertThat(run(GVM, object("GraftedVirtualMachine", 2, FAILED, halted)).status())
        .isEqualTo("Degraded");
    assertThat(run(GVM, object("GraftedVirtualMachine", 2, BUILDING, halted)).status())
        .isEqualTo("Progressing");
    assertThat(
            run(
                    GVM,
                    object(
                        "GraftedVirtualMachine",
                        2,
                        READY,
                        "  virtualMachineTemplate:\n    spec:\n      runStrategy: Always"))
                .status())
        .isEqualTo("Healthy");
  }

  @Test
  void degradedWhileRetryingIsDegraded() throws Exception {
    // The operator marks a fixable problem Degraded=True and Progressing=True (it retries).
    String retrying =
        """
        status:
          phase: Building
          observedGeneration: 2
          conditions:
            - {type: Ready, status: "False", reason: ConfigMapNotFound, message: "files[0].configMapKeyRef: ConfigMap app-config not found"}
            - {type: Progressing, status: "True", reason: ConfigMapNotFound, message: "files[0].configMapKeyRef: ConfigMap app-config not found"}
            - {type: Degraded, status: "True", reason: ConfigMapNotFound, message: "files[0].configMapKeyRef: ConfigMap app-config not found"}
        """;
    assertThat(run(GVM, object("GraftedVirtualMachine", 2, retrying, "")))
        .isEqualTo(
            new Health(
                "Degraded",
                "ConfigMapNotFound: files[0].configMapKeyRef: ConfigMap app-config not found"));
  }

  @Test
  void statusWithoutConditionsIsProgressing() throws Exception {
    Health health =
        run(GI, object("GoldenImage", 1, "status:\n  phase: Cloning\n  observedGeneration: 1", ""));
    assertThat(health).isEqualTo(new Health("Progressing", "Cloning: in progress"));
  }

  @Test
  void argocdConfigMapEmbedsTheLuaFilesVerbatim() {
    JsonNode cm = Repo.readYaml(DIR.resolve("argocd-cm.yaml"));
    assertThat(cm.at("/metadata/name").asText()).isEqualTo("argocd-cm");
    assertThat(cm.at("/data").size()).isEqualTo(4);
    for (String kind : List.of("BaseImage", "FileSet")) {
      assertThat(cm.at("/data").path("resource.customizations.health.graft.dev_" + kind).asText())
          .as("%s uses the GoldenImage check (same status shape)", kind)
          .isEqualTo(Repo.read(DIR.resolve(GI)));
    }
    assertThat(
            cm.at("/data")
                .path("resource.customizations.health.graft.dev_GraftedVirtualMachine")
                .asText())
        .isEqualTo(Repo.read(DIR.resolve(GVM)));
    assertThat(cm.at("/data").path("resource.customizations.health.graft.dev_GoldenImage").asText())
        .isEqualTo(Repo.read(DIR.resolve(GI)));
  }
}
