package dev.graft.realcluster;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the tier installs on the real control plane, once per JVM: Graft's CRDs from {@code crds/}
 * exactly as shipped, KubeVirt's and CDI's CRDs ({@link UpstreamCrds}), and the operator's
 * namespace, ServiceAccount and RBAC exactly as the Helm chart renders them.
 */
public final class RealCluster {
  public static final String OPERATOR_NAMESPACE = "graft-system";
  public static final String SERVICE_ACCOUNT = "graft";

  /** The objects of the chart that give the operator its rights. */
  static final Set<String> RBAC_KINDS =
      Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

  private static final String INSTALLED = "realcluster.state.installed";

  private RealCluster() {}

  /** Starts the control plane (once) and installs everything (once). */
  public static RealControlPlane setUp() {
    RealControlPlane cp = RealControlPlane.get();
    synchronized (System.getProperties()) {
      if (System.getProperty(INSTALLED) == null) {
        try (KubernetesClient admin = cp.adminClient()) {
          install(admin);
        }
        System.setProperty(INSTALLED, "true");
      }
    }
    return cp;
  }

  private static void install(KubernetesClient admin) {
    List<CustomResourceDefinition> crds = new ArrayList<>(graftCrds());
    crds.addAll(UpstreamCrds.all());
    for (CustomResourceDefinition crd : crds) {
      admin.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
    }
    for (CustomResourceDefinition crd : crds) {
      admin
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(RealCluster::established, 60, TimeUnit.SECONDS);
    }
    servingSteadily(admin, crds);
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OPERATOR_NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    for (HasMetadata o : chartRbac()) {
      admin.resource(o).inNamespace(OPERATOR_NAMESPACE).serverSideApply();
    }
  }

  /**
   * Lists every new kind until three rounds in a row succeed. Once in a few full runs, the
   * application started right after the CRDs were Established had an informer's first list end in a
   * closed connection ({@code HttpClosedException}), which stops the operator at start-up
   * (docs/testing.md); the API server is given the moment to settle that a cluster has long had
   * when an operator is installed.
   */
  private static void servingSteadily(KubernetesClient admin, List<CustomResourceDefinition> crds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int steady = 0;
    while (steady < 3) {
      try {
        for (CustomResourceDefinition crd : crds) {
          String group = crd.getSpec().getGroup();
          String version =
              crd.getSpec().getVersions().stream()
                  .filter(v -> Boolean.TRUE.equals(v.getServed()))
                  .findFirst()
                  .orElseThrow()
                  .getName();
          admin
              .genericKubernetesResources(group + "/" + version, crd.getSpec().getNames().getKind())
              .inAnyNamespace()
              .list();
        }
        steady++;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        steady = 0;
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The CRDs in crds/, as the build generated and the repository ships them. */
  static List<CustomResourceDefinition> graftCrds() {
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      return files
          .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted()
          .map(f -> Serialization.unmarshal(read(f), CustomResourceDefinition.class))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The ServiceAccount, ClusterRole(Binding) and Role(Binding) of {@code helm template graft
   * helm/graft -n graft-system}, rendered by Helm itself (helm-java).
   */
  public static List<HasMetadata> chartRbac() {
    String rendered =
        new Helm(Path.of("helm", "graft"))
            .template()
            .withName("graft")
            .withNamespace(OPERATOR_NAMESPACE)
            .withKubeVersion("1.34.4")
            .call();
    List<HasMetadata> rbac = new ArrayList<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      if (doc.isBlank()) {
        continue;
      }
      Object parsed = Serialization.unmarshal(doc);
      if (parsed instanceof HasMetadata o && RBAC_KINDS.contains(o.getKind())) {
        rbac.add(o);
      }
    }
    return rbac;
  }

  /** A token of the operator's ServiceAccount (TokenRequest), as a Pod of the chart would get. */
  public static String operatorToken(KubernetesClient admin) {
    return admin
        .serviceAccounts()
        .inNamespace(OPERATOR_NAMESPACE)
        .withName(SERVICE_ACCOUNT)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(Duration.ofHours(6).toSeconds())
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
