package dev.graft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The indexed store answers as the mock server's own CRUD store does: every semantic test runs on
 * both (so it checks the mock server's behaviour the code relies on, and that the index keeps it),
 * and a random sequence of raw requests gets the same answers, byte for byte up to uids and times,
 * from both.
 */
class IndexedCrudDispatcherTest {
  private final List<KubernetesMockServer> servers = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  static Stream<Arguments> stores() {
    return Stream.of(
        Arguments.of(
            "mock server's store",
            (Supplier<KubernetesCrudDispatcher>) KubernetesCrudDispatcher::new),
        Arguments.of(
            "indexed store", (Supplier<KubernetesCrudDispatcher>) IndexedCrudDispatcher::new));
  }

  private KubernetesMockServer server(KubernetesCrudDispatcher store) {
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), store, false);
    server.init();
    servers.add(server);
    return server;
  }

  private KubernetesClient client(Supplier<KubernetesCrudDispatcher> store) {
    KubernetesClient client = server(store.get()).createClient();
    clients.add(client);
    return client;
  }

  @AfterEach
  void stop() {
    clients.forEach(KubernetesClient::close);
    servers.forEach(KubernetesMockServer::destroy);
  }

  private static ConfigMap configMap(String ns, String name, Map<String, String> labels) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .addToData("k", "v")
        .build();
  }

  private static List<String> names(List<ConfigMap> items) {
    return items.stream().map(c -> c.getMetadata().getName()).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void createsGetsAndRefusesADuplicateOr404s(String store, Supplier<KubernetesCrudDispatcher> s) {
    KubernetesClient client = client(s);
    ConfigMap created = client.resource(configMap("a", "one", Map.of())).create();
    assertThat(created.getMetadata().getResourceVersion()).isNotBlank();
    assertThat(created.getMetadata().getUid()).isNotBlank();
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(client.configMaps().inNamespace("a").withName("one").get().getData())
        .containsEntry("k", "v");
    assertThat(client.configMaps().inNamespace("b").withName("one").get()).isNull();
    assertThat(client.configMaps().inNamespace("a").withName("two").get()).isNull();
    assertThatThrownBy(() -> client.resource(configMap("a", "one", Map.of())).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    // The same name in another namespace is another object.
    client.resource(configMap("b", "one", Map.of())).create();
    assertThat(client.configMaps().inAnyNamespace().list().getItems()).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void listsByNamespaceAndSelectorsInCreationOrder(
      String store, Supplier<KubernetesCrudDispatcher> s) {
    KubernetesClient client = client(s);
    client.resource(configMap("a", "c1", Map.of("app", "x", "tier", "web"))).create();
    client.resource(configMap("b", "c2", Map.of("app", "x"))).create();
    client.resource(configMap("a", "c3", Map.of("app", "y"))).create();
    client.resource(configMap("a", "c4", Map.of())).create();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("a").endMetadata().build())
        .create();

    assertThat(names(client.configMaps().inNamespace("a").list().getItems()))
        .containsExactly("c1", "c3", "c4");
    assertThat(names(client.configMaps().inAnyNamespace().list().getItems()))
        .containsExactly("c1", "c2", "c3", "c4");
    assertThat(names(client.configMaps().inAnyNamespace().withLabel("app", "x").list().getItems()))
        .containsExactly("c1", "c2");
    assertThat(names(client.configMaps().inNamespace("a").withLabel("app").list().getItems()))
        .containsExactly("c1", "c3");
    assertThat(names(client.configMaps().inNamespace("a").withoutLabel("app").list().getItems()))
        .containsExactly("c4");
    // (set-based selectors such as notin are ignored by both, as by the mock server)
    assertThat(
            names(
                client
                    .configMaps()
                    .inAnyNamespace()
                    .withLabel("app", "x")
                    .withLabel("tier", "web")
                    .list()
                    .getItems()))
        .containsExactly("c1");
    assertThat(
            names(
                client
                    .configMaps()
                    .inAnyNamespace()
                    .withField("metadata.name", "c3")
                    .list()
                    .getItems()))
        .containsExactly("c3");
    assertThat(client.configMaps().inNamespace("empty").list().getItems()).isEmpty();
    // Cluster-scoped objects.
    assertThat(client.namespaces().withName("a").get()).isNotNull();
    assertThat(client.namespaces().list().getItems()).hasSize(1);
    // An updated object moves to the end of the list, as in the mock server's store.
    client
        .configMaps()
        .inNamespace("a")
        .withName("c1")
        .edit(
            c -> {
              c.getData().put("k", "changed");
              return c;
            });
    assertThat(names(client.configMaps().inNamespace("a").list().getItems()))
        .containsExactly("c3", "c4", "c1");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aChangedLabelMovesTheObjectBetweenSelections(
      String store, Supplier<KubernetesCrudDispatcher> s) {
    KubernetesClient client = client(s);
    client.resource(configMap("a", "c1", Map.of("app", "x"))).create();
    client
        .configMaps()
        .inNamespace("a")
        .withName("c1")
        .edit(
            c -> {
              c.getMetadata().setLabels(Map.of("app", "y"));
              return c;
            });
    assertThat(client.configMaps().inNamespace("a").withLabel("app", "x").list().getItems())
        .isEmpty();
    assertThat(names(client.configMaps().inNamespace("a").withLabel("app", "y").list().getItems()))
        .containsExactly("c1");
    assertThat(client.configMaps().inNamespace("a").withName("c1").get().getMetadata().getLabels())
        .containsEntry("app", "y");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void versionsPatchesAndConflicts(String store, Supplier<KubernetesCrudDispatcher> s) {
    KubernetesClient client = client(s);
    ConfigMap created = client.resource(configMap("a", "c", Map.of())).create();
    String v1 = created.getMetadata().getResourceVersion();
    // JSON patch (edit), merge patch and a no-op.
    ConfigMap edited =
        client
            .configMaps()
            .inNamespace("a")
            .withName("c")
            .edit(
                c -> {
                  c.getData().put("k", "w");
                  return c;
                });
    assertThat(edited.getMetadata().getResourceVersion()).isNotEqualTo(v1);
    ConfigMap merged =
        client
            .configMaps()
            .inNamespace("a")
            .withName("c")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"m\":\"1\"}}");
    assertThat(merged.getData()).containsEntry("k", "w").containsEntry("m", "1");
    String v3 = merged.getMetadata().getResourceVersion();
    ConfigMap same =
        client
            .configMaps()
            .inNamespace("a")
            .withName("c")
            .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"m\":\"1\"}}");
    assertThat(same.getMetadata().getResourceVersion())
        .as("a no-op keeps the version")
        .isEqualTo(v3);
    // A write based on an old version conflicts.
    created.getData().put("k", "stale");
    assertThatThrownBy(() -> client.resource(created).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThatThrownBy(
            () ->
                client
                    .configMaps()
                    .inNamespace("a")
                    .withName("c")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"resourceVersion\":\""
                            + v1
                            + "\"},\"data\":{\"k\":\"x\"}}"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    // Update (PUT) from the latest version.
    ConfigMap latest = client.configMaps().inNamespace("a").withName("c").get();
    latest.getData().put("k", "put");
    assertThat(client.resource(latest).update().getData()).containsEntry("k", "put");
    assertThat(client.configMaps().inNamespace("a").withName("c").get().getData())
        .containsEntry("k", "put");
    // A patch of what does not exist.
    assertThatThrownBy(
            () ->
                client
                    .configMaps()
                    .inNamespace("a")
                    .withName("none")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{}}"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void theStatusSubresourceAndGeneration(String store, Supplier<KubernetesCrudDispatcher> s)
      throws Exception {
    KubernetesClient client = client(s);
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("widgets.example.com")
                .endMetadata()
                .withNewSpec()
                .withGroup("example.com")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("Widget")
                .withPlural("widgets")
                .withSingular("widget")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSubresources()
                .withNewStatus()
                .endStatus()
                .endSubresources()
                .endVersion()
                .endSpec()
                .build())
        .create();
    var widgets = client.genericKubernetesResources("example.com/v1", "Widget").inNamespace("a");
    var w = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
    w.setApiVersion("example.com/v1");
    w.setKind("Widget");
    w.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("w")
            .withNamespace("a")
            .build());
    w.setAdditionalProperty("spec", Map.of("size", 1));
    w.setAdditionalProperty("status", Map.of("phase", "ignored"));
    var created = widgets.resource(w).create();
    assertThat(created.getAdditionalProperties()).doesNotContainKey("status");
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

    var status =
        widgets
            .withName("w")
            .editStatus(
                x -> {
                  x.setAdditionalProperty("status", Map.of("phase", "Ready"));
                  x.setAdditionalProperty("spec", Map.of("size", 99));
                  return x;
                });
    assertThat(status.get("status", "phase").toString()).isEqualTo("Ready");
    assertThat(status.get("spec", "size").toString())
        .as("status writes leave the spec")
        .isEqualTo("1");
    assertThat(status.getMetadata().getGeneration()).as("and the generation").isEqualTo(1L);

    var spec =
        widgets
            .withName("w")
            .edit(
                x -> {
                  x.setAdditionalProperty("spec", Map.of("size", 2));
                  x.setAdditionalProperty("status", Map.of("phase", "lost"));
                  return x;
                });
    assertThat(spec.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(spec.get("status", "phase").toString())
        .as("spec writes leave the status")
        .isEqualTo("Ready");

    // The group's APIResourceList (discovery) lists the resource.
    KubernetesMockServer server = servers.get(0);
    HttpResponse<String> api =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.url("/apis/example.com/v1"))).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(api.body()).contains("APIResourceList").contains("\"widgets\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void deletionWaitsForFinalizers(String store, Supplier<KubernetesCrudDispatcher> s) {
    KubernetesClient client = client(s);
    ConfigMap held = configMap("a", "held", Map.of("app", "x"));
    held.getMetadata().setFinalizers(List.of("example.com/cleanup"));
    client.resource(held).create();
    client.resource(configMap("a", "free", Map.of("app", "x"))).create();
    client.resource(configMap("a", "other", Map.of("app", "y"))).create();

    assertThat(client.configMaps().inNamespace("a").withName("held").delete()).hasSize(1);
    ConfigMap marked = client.configMaps().inNamespace("a").withName("held").get();
    assertThat(marked.getMetadata().getDeletionTimestamp()).isNotBlank();
    // A second delete changes nothing.
    String version = marked.getMetadata().getResourceVersion();
    client.configMaps().inNamespace("a").withName("held").delete();
    assertThat(
            client
                .configMaps()
                .inNamespace("a")
                .withName("held")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(version);
    // Removing the last finalizer deletes it.
    client
        .configMaps()
        .inNamespace("a")
        .withName("held")
        .edit(
            c -> {
              c.getMetadata().setFinalizers(List.of());
              return c;
            });
    assertThat(client.configMaps().inNamespace("a").withName("held").get()).isNull();

    assertThat(client.configMaps().inNamespace("a").withName("gone").delete()).isEmpty();
    client.configMaps().inNamespace("a").withLabel("app", "x").delete();
    assertThat(names(client.configMaps().inNamespace("a").list().getItems()))
        .containsExactly("other");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void watchesSeeAddsChangesAndDeletes(String store, Supplier<KubernetesCrudDispatcher> s)
      throws Exception {
    KubernetesClient client = client(s);
    client.resource(configMap("a", "before", Map.of("app", "x"))).create();
    BlockingQueue<String> all = new LinkedBlockingQueue<>();
    BlockingQueue<String> selected = new LinkedBlockingQueue<>();
    try (var w1 = client.configMaps().inNamespace("a").watch(recorder(all));
        var w2 =
            client.configMaps().inNamespace("a").withLabel("app", "x").watch(recorder(selected))) {
      client.resource(configMap("a", "c", Map.of("app", "x"))).create();
      client.resource(configMap("b", "elsewhere", Map.of("app", "x"))).create();
      client
          .configMaps()
          .inNamespace("a")
          .withName("c")
          .edit(
              c -> {
                c.getData().put("k", "w");
                return c;
              });
      client
          .configMaps()
          .inNamespace("a")
          .withName("c")
          .edit(
              c -> {
                c.getMetadata().setLabels(Map.of("app", "y"));
                return c;
              });
      client.configMaps().inNamespace("a").withName("c").delete();
      assertThat(take(all, 5))
          .containsExactly("ADDED before", "ADDED c", "MODIFIED c", "MODIFIED c", "DELETED c");
      // Losing the selected label is a DELETED for that watch.
      assertThat(take(selected, 4))
          .containsExactly("ADDED before", "ADDED c", "MODIFIED c", "DELETED c");
    }
  }

  private static Watcher<ConfigMap> recorder(BlockingQueue<String> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap c) {
        events.add(action + " " + c.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  private static List<String> take(BlockingQueue<String> events, int n)
      throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String e = events.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        break;
      }
      out.add(e);
    }
    Thread.sleep(200);
    events.drainTo(out);
    return out;
  }

  /**
   * A request by name looks at the objects of that name only, a list at the objects of its resource
   * only: what makes a request cost O(1) and O(objects of the kind) instead of O(all).
   */
  @Test
  void aRequestLooksOnlyAtItsResourceOrName() {
    IndexedCrudDispatcher store = new IndexedCrudDispatcher();
    KubernetesClient client = server(store).createClient();
    clients.add(client);
    for (int i = 0; i < 200; i++) {
      client.resource(configMap("ns" + (i % 4), "c" + i, Map.of())).create();
      client
          .secrets()
          .inNamespace("ns0")
          .resource(
              new io.fabric8.kubernetes.api.model.SecretBuilder()
                  .withNewMetadata()
                  .withName("s" + i)
                  .endMetadata()
                  .build())
          .create();
    }
    assertThat(store.candidates("/api/v1/namespaces/ns1/configmaps/c1")).isEqualTo(1);
    assertThat(store.candidates("/api/v1/configmaps/c1")).isEqualTo(1);
    assertThat(store.candidates("/api/v1/namespaces/ns1/configmaps")).isEqualTo(200);
    assertThat(store.candidates("/api/v1/namespaces/ns1/configmaps/none")).isZero();
    assertThat(store.candidates("/version")).as("no resource: everything").isEqualTo(-1);
  }

  /** Objects removed from the store's map directly are gone from the index once it is rebuilt. */
  @Test
  void objectsForgottenInTheMapAreForgottenByTheIndex() {
    IndexedCrudDispatcher store = new IndexedCrudDispatcher();
    KubernetesClient client = server(store).createClient();
    clients.add(client);
    client.resource(configMap("a", "c1", Map.of())).create();
    client.resource(configMap("b", "c2", Map.of())).create();
    client.resource(configMap("a", "c3", Map.of())).create();
    store
        .getMap()
        .keySet()
        .removeIf(
            k ->
                k.matches(
                    new io.fabric8.mockwebserver.crud.AttributeSet(
                        new io.fabric8.mockwebserver.crud.Attribute("namespace", "a"))));
    // Even before the rebuild, what the map no longer has is not answered.
    assertThat(names(client.configMaps().inAnyNamespace().list().getItems())).containsExactly("c2");
    assertThat(client.configMaps().inNamespace("a").withName("c1").get()).isNull();
    store.reindex();
    assertThat(store.candidates("/api/v1/configmaps")).isEqualTo(1);
    assertThat(store.candidates("/api/v1/namespaces/a/configmaps/c1")).isZero();
    client.resource(configMap("a", "c1", Map.of())).create();
    assertThat(names(client.configMaps().inAnyNamespace().list().getItems()))
        .containsExactly("c2", "c1");
  }

  /** {@code graft demo}'s authorizer reads Roles and bindings through the indexed store. */
  @Test
  void subjectAccessReviewsAreAnsweredFromTheIndexedStore() {
    IndexedCrudDispatcher store = new IndexedCrudDispatcher();
    MockWebServer web = new MockWebServer();
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), web, new HashMap<>(), store, false);
    server.init();
    servers.add(server);
    AuthorizingDispatcher.install(web, store);
    KubernetesClient client = server.createClient();
    clients.add(client);
    client
        .rbac()
        .roles()
        .inNamespace("src")
        .resource(
            new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
                .withNewMetadata()
                .withName("cloner")
                .endMetadata()
                .addNewRule()
                .withApiGroups("cdi.kubevirt.io")
                .withResources("datavolumes/source")
                .withVerbs("create")
                .endRule()
                .build())
        .create();
    client
        .rbac()
        .roleBindings()
        .inNamespace("src")
        .resource(
            new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                .withNewMetadata()
                .withName("dst-may-clone")
                .endMetadata()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("default")
                .withNamespace("dst")
                .endSubject()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName("cloner")
                .endRoleRef()
                .build())
        .create();
    assertThat(review(client, "system:serviceaccount:dst:default")).isTrue();
    assertThat(review(client, "system:serviceaccount:other:default")).isFalse();
  }

  private static boolean review(KubernetesClient client, String user) {
    return client
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(
            new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(user)
                .withNewResourceAttributes()
                .withNamespace("src")
                .withGroup("cdi.kubevirt.io")
                .withResource("datavolumes")
                .withSubresource("source")
                .withVerb("create")
                .endResourceAttributes()
                .endSpec()
                .build())
        .getStatus()
        .getAllowed();
  }

  /**
   * The same random requests (creates, gets, lists with and without selectors, patches, status
   * writes, updates, deletes with and without finalizers) get the same answers from both stores.
   */
  @Test
  void randomRequestsGetTheSameAnswersFromBothStores() throws Exception {
    KubernetesMockServer plain = server(new KubernetesCrudDispatcher());
    KubernetesMockServer indexed = server(new IndexedCrudDispatcher());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Random random = new Random(17);
    String[] namespaces = {"a", "b"};
    String[] kinds = {"configmaps", "secrets"};
    java.util.Set<String> codes = new java.util.TreeSet<>();
    for (int i = 0; i < 600; i++) {
      String ns = namespaces[random.nextInt(2)];
      String kind = kinds[random.nextInt(2)];
      String name = "o" + random.nextInt(12);
      String base = "/api/v1/namespaces/" + ns + "/" + kind;
      String label = "app=" + "xyz".charAt(random.nextInt(3));
      String object =
          "{\"apiVersion\":\"v1\",\"kind\":\""
              + (kind.equals("configmaps") ? "ConfigMap" : "Secret")
              + "\",\"metadata\":{\"name\":\""
              + name
              + "\",\"labels\":{\"app\":\""
              + label.substring(4)
              + "\"}"
              + (random.nextInt(4) == 0 ? ",\"finalizers\":[\"example.com/f\"]" : "")
              + "},\"data\":{\"k\":\""
              + i
              + "\"}}";
      String patch =
          "{\"metadata\":{\"labels\":{\"app\":\""
              + label.substring(4)
              + "\"}"
              + (random.nextBoolean() ? ",\"finalizers\":[]" : "")
              + "},\"data\":{\"p\":\""
              + i
              + "\"}}";
      String status = "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"n\":" + i + "}}]";
      String[] call =
          switch (random.nextInt(10)) {
            case 0, 1 -> new String[] {"POST", base, object, "application/json"};
            case 2 -> new String[] {"GET", base + "/" + name, null, null};
            case 3 ->
                new String[] {"GET", random.nextBoolean() ? base : "/api/v1/" + kind, null, null};
            case 4 -> new String[] {"GET", base + "?labelSelector=" + label, null, null};
            case 5 ->
                new String[] {"PATCH", base + "/" + name, patch, "application/merge-patch+json"};
            case 6 ->
                new String[] {
                  "PATCH", base + "/" + name + "/status", status, "application/json-patch+json"
                };
            case 7 -> new String[] {"PUT", base + "/" + name, object, "application/json"};
            case 8 -> new String[] {"DELETE", base + "/" + name, null, null};
            default -> new String[] {"DELETE", base + "?labelSelector=" + label, null, null};
          };
      String[] answers = new String[2];
      int n = 0;
      for (KubernetesMockServer server : List.of(plain, indexed)) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(server.url(call[1])))
                .method(
                    call[0],
                    call[2] == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(call[2]));
        if (call[3] != null) {
          request.header("Content-Type", call[3]);
        }
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        answers[n++] = response.statusCode() + " " + normalized(response.body());
      }
      codes.add(call[0] + " " + answers[0].substring(0, 3));
      assertThat(answers[1]).as("request %d: %s %s", i, call[0], call[1]).isEqualTo(answers[0]);
    }
    // The sequence reaches every kind of answer: created, conflict, found, missing, changed.
    assertThat(codes)
        .contains("POST 201", "POST 409", "GET 200", "GET 404", "PATCH 202", "PATCH 404")
        .contains("PUT 200", "DELETE 200", "DELETE 404");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The answer without what each server makes up: uids and timestamps. */
  private static String normalized(String body) throws Exception {
    if (body == null || body.isBlank() || !body.trim().startsWith("{")) {
      return body;
    }
    JsonNode node = JSON.readTree(body);
    strip(node);
    return node.toString();
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.remove(List.of("uid", "creationTimestamp", "deletionTimestamp"));
      o.forEach(IndexedCrudDispatcherTest::strip);
    } else if (node.isArray()) {
      node.forEach(IndexedCrudDispatcherTest::strip);
    }
  }
}
