package dev.graft.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.k8s.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's NetworkPolicy for injection Jobs (issue 16): off by default, one value turns it on;
 * it selects the Jobs' Pods by the labels the operator gives them and lets them reach DNS and ports
 * 80/443 only, never link-local addresses or the service range.
 */
class InjectorNetworkPolicyTest {

  static List<ObjectNode> policies(List<ObjectNode> objects) {
    return objects.stream().filter(o -> "NetworkPolicy".equals(o.path("kind").asText())).toList();
  }

  @Test
  void offByDefault() {
    assertThat(policies(Chart.render(Map.of()))).isEmpty();
  }

  @Test
  void onePolicyInTheCatalogNamespaceSelectingTheInjectorPods() {
    List<ObjectNode> objects =
        Chart.render(
            Map.of(
                "catalogNamespace",
                "graft-catalog",
                "injector",
                Map.of("networkPolicy", Map.of("enabled", true))));
    assertThat(policies(objects)).hasSize(1);
    JsonNode p = policies(objects).get(0);
    assertThat(p.at("/metadata/namespace").asText()).isEqualTo("graft-catalog");
    assertThat(
            p.at("/spec/podSelector/matchLabels/" + Labels.MANAGED_BY.replace("/", "~1")).asText())
        .isEqualTo(Labels.MANAGER);
    assertThat(p.at("/spec/podSelector/matchExpressions/0/key").asText())
        .isEqualTo(Labels.GOLDEN_IMAGE);
    assertThat(p.at("/spec/policyTypes").toString()).contains("Egress", "Ingress");
    List<String> ports = new ArrayList<>();
    List<String> excepts = new ArrayList<>();
    for (JsonNode rule : p.at("/spec/egress")) {
      rule.path("ports").forEach(port -> ports.add(port.path("port").asText()));
      for (JsonNode to : rule.path("to")) {
        assertThat(to.at("/ipBlock/cidr").asText()).isEqualTo("0.0.0.0/0");
        to.at("/ipBlock/except").forEach(e -> excepts.add(e.asText()));
      }
    }
    assertThat(ports).containsExactlyInAnyOrder("53", "53", "443", "80");
    assertThat(excepts).containsExactlyInAnyOrder("169.254.0.0/16", "10.96.0.0/12");
  }

  @Test
  void oneInEachWatchedNamespaceWithoutACatalog() {
    List<ObjectNode> objects =
        Chart.render(
            Map.of(
                "watchNamespaces", List.of("team-a", "team-b"),
                "injector",
                    Map.of(
                        "networkPolicy", Map.of("enabled", true, "serviceCIDR", "10.43.0.0/16"))));
    assertThat(policies(objects))
        .extracting(o -> o.at("/metadata/namespace").asText())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(policies(objects).get(0).toString()).contains("10.43.0.0/16", "169.254.0.0/16");
  }

  static List<String> destinations(JsonNode policy) {
    List<String> out = new ArrayList<>();
    for (JsonNode rule : policy.at("/spec/egress")) {
      rule.path("to").forEach(to -> out.add(to.at("/ipBlock/cidr").asText()));
    }
    return out;
  }

  @Test
  void followsTheDownloadAllowListWhenItHoldsAddressesOnly() {
    Map<String, Object> on =
        Map.of(
            "networkPolicy",
            Map.of("enabled", true, "allowedCIDRs", List.of("0.0.0.0/0", "10.0.0.0/8")));
    JsonNode exact =
        policies(
                Chart.render(
                    Map.of(
                        "catalogNamespace",
                        "graft-catalog",
                        "injector",
                        on,
                        "downloads",
                        Map.of("allowedHosts", List.of("192.0.2.10", "192.0.2.11")))))
            .get(0);
    assertThat(destinations(exact)).containsExactlyInAnyOrder("192.0.2.10/32", "192.0.2.11/32");
    // A name cannot be said in a NetworkPolicy: then allowedCIDRs is the list.
    JsonNode named =
        policies(
                Chart.render(
                    Map.of(
                        "catalogNamespace",
                        "graft-catalog",
                        "injector",
                        on,
                        "downloads",
                        Map.of("allowedHosts", List.of("192.0.2.10", "images.example.org")))))
            .get(0);
    assertThat(destinations(named)).containsExactlyInAnyOrder("0.0.0.0/0", "10.0.0.0/8");
  }

  @Test
  void theAllowListReachesTheOperatorAndBadEntriesAreRefusedAtInstall() {
    List<ObjectNode> objects =
        Chart.render(
            Map.of("downloads", Map.of("allowedHosts", List.of("a.example.org", "*.b.org"))));
    assertThat(Chart.env(Chart.get(objects, "Deployment", "graft")))
        .containsEntry("GRAFT_DOWNLOADS_ALLOWED_HOSTS", "a.example.org,*.b.org");
    assertThat(Chart.env(Chart.get(Chart.render(Map.of()), "Deployment", "graft")))
        .doesNotContainKey("GRAFT_DOWNLOADS_ALLOWED_HOSTS");
    assertThatThrownBy(
            () ->
                Chart.render(
                    Map.of("downloads", Map.of("allowedHosts", List.of("https://a.example.org")))))
        .hasMessageContaining("allowedHosts");
  }

  @Test
  void withoutNamespacesToPutItInTheRenderFailsSayingSo() {
    assertThatThrownBy(
            () ->
                Chart.render(Map.of("injector", Map.of("networkPolicy", Map.of("enabled", true)))))
        .hasMessageContaining("catalogNamespace or watchNamespaces");
  }
}
