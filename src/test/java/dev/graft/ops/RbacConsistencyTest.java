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
