package dev.graft.realcluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.k8s.Labels;
import dev.graft.kubevirt.DataSource;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The sample fleet (config/demo/fleet.yaml, the demo's) on the real control plane, and its checks.
 */
public final class Fleets {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Generous: a loaded 2-core machine, real controllers and a 10 s Job retry backoff. */
  public static final Duration TIMEOUT = Duration.ofMinutes(6);

  private Fleets() {}

  /**
   * The sample fleet's waves (a {@code kind: Wait} document ends one), moved to namespace {@code
   * ns}, as objects to apply.
   */
  public static List<List<HasMetadata>> waves(KubernetesClient client, String ns) {
    try {
      String yaml = Files.readString(Path.of("config", "demo", "fleet.yaml"));
      List<List<HasMetadata>> waves = new ArrayList<>();
      List<HasMetadata> wave = new ArrayList<>();
      for (JsonNode doc :
          YAML.readValues(YAML.getFactory().createParser(yaml), JsonNode.class).readAll()) {
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if ("Wait".equals(doc.path("kind").asText())) {
          waves.add(wave);
          wave = new ArrayList<>();
          continue;
        }
        HasMetadata o = client.getKubernetesSerialization().unmarshal(doc.toString());
        if ("Namespace".equals(o.getKind())) {
          o.getMetadata().setName(ns);
        } else if ("fleet".equals(o.getMetadata().getNamespace())) {
          o.getMetadata().setNamespace(ns); // the grant in kubevirt-os-images stays there
        } else if (o instanceof io.fabric8.kubernetes.api.model.rbac.RoleBinding grant) {
          // One grant per test namespace, to that namespace's ServiceAccount.
          grant.getMetadata().setName(grant.getMetadata().getName() + "-" + ns);
          grant.getSubjects().stream()
              .filter(s -> "fleet".equals(s.getNamespace()))
              .forEach(s -> s.setNamespace(ns));
        }
        wave.add(o);
      }
      waves.add(wave);
      return waves;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CDI DataSource that the fleet's ubuntu BaseImage imports from. */
  public static void dataSources(KubernetesClient admin) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("kubevirt-os-images")
                .endMetadata()
                .build())
        .serverSideApply();
    DataSource ds = new DataSource();
    ds.getMetadata().setName("ubuntu-2404");
    ds.getMetadata().setNamespace("kubevirt-os-images");
    ds.setSpec(new DataSource.Spec());
    ds.getSpec().source = new DataSource.Source();
    ds.getSpec().source.pvc = new DataVolume.Pvc();
    ds.getSpec().source.pvc.name = "ubuntu-2404";
    ds.getSpec().source.pvc.namespace = "kubevirt-os-images";
    admin.resource(ds).serverSideApply();
  }

  public static void apply(KubernetesClient client, List<HasMetadata> wave) {
    for (HasMetadata o : wave) {
      try {
        client.resource(o).create();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        // The grant's Role in kubevirt-os-images is shared by every test namespace.
        boolean shared = "kubevirt-os-images".equals(o.getMetadata().getNamespace());
        if (e.getCode() != 409 || !shared) {
          throw e;
        }
      }
    }
  }

  public static List<GraftedVirtualMachine> gvms(KubernetesClient client, String ns) {
    return client.resources(GraftedVirtualMachine.class).inNamespace(ns).list().getItems();
  }

  public static boolean allReady(KubernetesClient client, String ns, int count) {
    List<GraftedVirtualMachine> all = gvms(client, ns);
    return all.size() == count
        && all.stream().allMatch(g -> g.getStatus() != null && g.getStatus().phase == Phase.Ready);
  }

  /**
   * Waits until GraftedVirtualMachine {@code gvm} is Failed and returns the derived GoldenImage
   * whose build failed it (checked Failed too).
   */
  static GoldenImage untilBuildFailed(KubernetesClient admin, String ns, String gvm) {
    until(
        admin,
        ns,
        () -> {
          var g = admin.resources(GraftedVirtualMachine.class).inNamespace(ns).withName(gvm).get();
          return g.getStatus() != null && g.getStatus().phase == Phase.Failed;
        });
    GoldenImage derived =
        admin.resources(GoldenImage.class).inNamespace(ns).list().getItems().stream()
            .filter(gi -> gi.getSpec().parent != null)
            .findFirst()
            .orElseThrow();
    assertThat(derived.getStatus().phase).isEqualTo(Phase.Failed);
    return derived;
  }

  public static void until(KubernetesClient client, String ns, Callable<Boolean> condition) {
    try {
      Awaitility.await()
          .dontCatchUncaughtExceptions()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(500))
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + dump(client, ns), e);
    }
  }

  /**
   * Everything was built once and by the real controllers: one Job per derived image, completed by
   * the Job controller (a Complete condition and a succeeded Pod count, which no test wrote); one
   * DataVolume per image; one VirtualMachine per request.
   */
  public static void assertBuiltOnce(KubernetesClient client, String ns) {
    List<GoldenImage> images =
        client.resources(GoldenImage.class).inNamespace(ns).list().getItems();
    List<GraftedVirtualMachine> gvms = gvms(client, ns);
    assertThat(images).isNotEmpty();
    Map<String, Integer> jobsPerImage = new HashMap<>();
    for (Job job : client.batch().v1().jobs().inNamespace(ns).list().getItems()) {
      jobsPerImage.merge(job.getMetadata().getLabels().get(Labels.GOLDEN_IMAGE), 1, Integer::sum);
      assertThat(job.getStatus().getSucceeded())
          .as("Job %s succeeded", job.getMetadata().getName())
          .isEqualTo(1);
      assertThat(job.getStatus().getConditions())
          .as("Job %s conditions", job.getMetadata().getName())
          .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
    }
    for (GoldenImage gi : images) {
      String name = gi.getMetadata().getName();
      assertThat(gi.getStatus().phase).as(name).isEqualTo(Phase.Ready);
      assertThat(gi.getStatus().attempts).as("attempts of " + name).isEqualTo(1);
      if (gi.getSpec().parent != null) {
        assertThat(jobsPerImage.get(name)).as("Jobs of " + name).isEqualTo(1);
      }
    }
    assertThat(client.resources(DataVolume.class).inNamespace(ns).list().getItems())
        .as("DataVolumes")
        .hasSameSizeAs(images);
    assertThat(client.resources(VirtualMachine.class).inNamespace(ns).list().getItems())
        .as("VirtualMachines")
        .hasSameSizeAs(gvms);
  }

  public static String dump(KubernetesClient client, String ns) {
    StringBuilder sb = new StringBuilder();
    for (GoldenImage gi : client.resources(GoldenImage.class).inNamespace(ns).list().getItems()) {
      sb.append("gi ")
          .append(gi.getMetadata().getName())
          .append(" parent=")
          .append(gi.getSpec().parent)
          .append(" status=")
          .append(
              gi.getStatus() == null
                  ? null
                  : gi.getStatus().phase + " " + gi.getStatus().conditions)
          .append('\n');
    }
    for (GraftedVirtualMachine g : gvms(client, ns)) {
      sb.append("gvm ")
          .append(g.getMetadata().getName())
          .append(" status=")
          .append(
              g.getStatus() == null ? null : g.getStatus().phase + " " + g.getStatus().conditions)
          .append('\n');
    }
    for (Job j : client.batch().v1().jobs().inNamespace(ns).list().getItems()) {
      sb.append("job ")
          .append(j.getMetadata().getName())
          .append(" status=")
          .append(j.getStatus())
          .append('\n');
    }
    sb.append("pods ")
        .append(
            client.pods().inNamespace(ns).list().getItems().stream()
                .map(p -> p.getMetadata().getName() + ":" + p.getStatus().getPhase())
                .collect(Collectors.joining(", ")))
        .append('\n');
    sb.append("events ")
        .append(
            client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> !"Normal".equals(e.getType()))
                .map(
                    e ->
                        e.getInvolvedObject().getName()
                            + ": "
                            + e.getReason()
                            + " "
                            + e.getMessage())
                .collect(Collectors.joining("\n  ")));
    return sb.toString();
  }
}
