package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * config/rbac/role.yaml is the one source of the operator's RBAC rules; the chart must grant
 * exactly the same, and no rule may be broader than the operator needs.
 */
class RbacConsistencyTest {

  @Test
  void chartClusterRoleHasExactlyTheRulesOfConfigRbac() {
    List<ObjectNode> chart = Chart.render(Map.of());
    assertThat(rules(Chart.get(chart, "ClusterRole", "graft")))
        .isEqualTo(rules(Repo.readYaml(Repo.CONFIG.resolve("rbac/role.yaml"))));
    assertThat(rules(Chart.get(chart, "Role", "graft-leader-election")))
        .isEqualTo(rules(Repo.readYaml(Repo.CONFIG.resolve("rbac/leader_election_role.yaml"))));
  }

  /** Grants on cluster-scoped resources: the only ones a scoped install keeps cluster-wide. */
  static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "/nodes",
          "apiextensions.k8s.io/customresourcedefinitions",
          "authorization.k8s.io/subjectaccessreviews",
          "graft.dev/clusterbaseimages",
          "graft.dev/clusterbaseimages/status");

  static boolean isWatchedNamespaceRbac(JsonNode o) {
    String kind = o.path("kind").asText();
    return (kind.equals("Role") || kind.equals("RoleBinding"))
        && !o.at("/metadata/namespace").asText().equals(Chart.NAMESPACE);
  }

  @Test
  void withWatchNamespacesEachNamespaceGetsTheNamespacedRulesAndTheClusterRoleOnlyClusterReads() {
    List<ObjectNode> chart =
        Chart.render(
            Map.of(
                "watchNamespaces",
                List.of("team-a", "team-b", "graft-catalog"),
                "catalogNamespace",
                "graft-catalog"));
    Set<String> all = rules(Repo.readYaml(Repo.CONFIG.resolve("rbac/role.yaml")));
    Set<String> cluster = rules(Chart.get(chart, "ClusterRole", "graft"));
    assertThat(cluster)
        .as("cluster-wide grants of a scoped install")
        .isNotEmpty()
        .allMatch(g -> CLUSTER_SCOPED.contains(g.substring(0, g.indexOf(' '))));
    List<ObjectNode> roles =
        chart.stream().filter(o -> o.path("kind").asText().equals("Role")).toList();
    // one Role per namespace, catalog included once; the leader-election Role stays
    assertThat(roles)
        .extracting(
            r -> r.at("/metadata/namespace").asText() + "/" + r.at("/metadata/name").asText())
        .containsExactlyInAnyOrder(
            "team-a/graft",
            "team-b/graft",
            "graft-catalog/graft",
            "graft-system/graft-leader-election");
    for (String ns : List.of("team-a", "team-b", "graft-catalog")) {
      ObjectNode role =
          roles.stream()
              .filter(r -> r.at("/metadata/namespace").asText().equals(ns))
              .findFirst()
              .orElseThrow();
      Set<String> inNamespace = new TreeSet<>(cluster);
      inNamespace.addAll(rules(role));
      assertThat(inNamespace).as("grants in %s", ns).isEqualTo(all);
      assertThat(rules(role)).as("Role in %s", ns).noneMatch(g -> g.startsWith("/nodes "));
      ObjectNode binding =
          chart.stream()
              .filter(o -> o.path("kind").asText().equals("RoleBinding"))
              .filter(o -> o.at("/metadata/namespace").asText().equals(ns))
              .findFirst()
              .orElseThrow();
      assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
      assertThat(binding.at("/roleRef/name").asText()).isEqualTo("graft");
      assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("graft");
      assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
    }
    assertThat(Chart.env(Chart.get(chart, "Deployment", "graft")))
        .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b,graft-catalog");
  }

  @Test
  void theCatalogNamespaceIsWatchedAndGrantedEvenWhenNotListed() {
    List<ObjectNode> chart =
        Chart.render(Map.of("watchNamespaces", List.of("team-a"), "catalogNamespace", "images"));
    assertThat(
            chart.stream()
                .filter(o -> o.path("kind").asText().equals("Role"))
                .map(o -> o.at("/metadata/namespace").asText()))
        .contains("team-a", "images");
    assertThat(Chart.env(Chart.get(chart, "Deployment", "graft")))
        .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,images");
  }

  @Test
  void withoutWatchNamespacesThereIsNoPerNamespaceRole() {
    assertThat(Chart.render(Map.of("catalogNamespace", "images")))
        .noneMatch(RbacConsistencyTest::isWatchedNamespaceRbac);
  }

  @Test
  void noWildcardsAndSecretsAreNeverChangedOrDeleted() {
    Set<String> grants = grants(Repo.readYaml(Repo.CONFIG.resolve("rbac/role.yaml")));
    assertThat(grants).noneMatch(g -> g.contains("*"));
    assertThat(grants)
        .filteredOn(g -> g.startsWith("/secrets "))
        // read for secretKeyRef files, create for the Job's secret payloads; never update/delete
        .containsExactlyInAnyOrder(
            "/secrets get", "/secrets list", "/secrets watch", "/secrets create");
    assertThat(grants)
        .contains(
            "cdi.kubevirt.io/datavolumes/source create",
            "graft.dev/goldenimages/status patch",
            "graft.dev/graftedvirtualmachines/finalizers update",
            "kubevirt.io/virtualmachines create",
            "batch/jobs create",
            "/events create",
            "apiextensions.k8s.io/customresourcedefinitions get")
        .doesNotContain(
            "apiextensions.k8s.io/customresourcedefinitions create",
            "/persistentvolumeclaims create",
            "cdi.kubevirt.io/datasources create",
            "/pods delete");
  }

  @Test
  void leaderElectionIsLimitedToLeasesInTheOperatorNamespace() {
    JsonNode role = Repo.readYaml(Repo.CONFIG.resolve("rbac/leader_election_role.yaml"));
    assertThat(role.path("kind").asText()).isEqualTo("Role");
    assertThat(grants(role)).allMatch(g -> g.startsWith("coordination.k8s.io/leases "));
  }

  /** Rules normalised to a set of "group/resource verb" grants, so order does not matter. */
  static Set<String> rules(JsonNode role) {
    return grants(role);
  }

  static Set<String> grants(JsonNode role) {
    Set<String> grants = new TreeSet<>();
    for (JsonNode rule : role.path("rules")) {
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          for (JsonNode verb : rule.path("verbs")) {
            grants.add(group.asText() + "/" + resource.asText() + " " + verb.asText());
          }
        }
      }
      assertThat(rule.has("resourceNames") || rule.has("nonResourceURLs"))
          .as("rule %s", rule)
          .isFalse();
    }
    return grants;
  }
}
