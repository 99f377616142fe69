package dev.graft.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.graft.api.BaseImage;
import dev.graft.api.FileSet;
import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.Phase;
import dev.graft.build.FileResolver;
import dev.graft.build.Manifest;
import dev.graft.build.ResolutionException;
import dev.graft.catalog.BaseGenerations;
import dev.graft.catalog.CatalogPlanner;
import dev.graft.config.GraftConfig;
import dev.graft.kubevirt.DataVolume;
import dev.graft.kubevirt.VirtualMachine;
import dev.graft.planner.Strategy;
import dev.graft.planner.TextTable;
import dev.graft.sim.ClusterSimulator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code graft demo} does once the operator runs: apply a scenario, wait until every
 * GraftedVirtualMachine is Ready (the simulator plays CDI and the Job controller), then print the
 * VMs, the catalog lineage and the build cost beside the other strategies, and optionally dump
 * every object as YAML.
 */
@ApplicationScoped
@Unremovable
public class DemoRunner {
  /** The sample fleet, on the classpath (from config/demo/). */
  public static final String DEFAULT_SCENARIO = "/samples/fleet.yaml";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Namespace", Namespace.class,
          "ConfigMap", ConfigMap.class,
          "Secret", Secret.class,
          "Role", io.fabric8.kubernetes.api.model.rbac.Role.class,
          "RoleBinding", io.fabric8.kubernetes.api.model.rbac.RoleBinding.class,
          "BaseImage", BaseImage.class,
          "FileSet", FileSet.class,
          "GraftedVirtualMachine", GraftedVirtualMachine.class);

  private final KubernetesClient client;
  private final CatalogPlanner planner;
  private final GraftConfig config;

  public DemoRunner(KubernetesClient client, CatalogPlanner planner, GraftConfig config) {
    this.client = client;
    this.planner = planner;
    this.config = config;
  }

  /** Runs with the options {@code DemoCommand} put in system properties. */
  public int runFromSystemProperties() {
    String scenario = System.getProperty("graftdemo.scenario");
    String dump = System.getProperty("graftdemo.dump-objects");
    int timeout = Integer.parseInt(System.getProperty("graftdemo.timeout-seconds", "120"));
    try {
      String yaml = scenario == null ? defaultScenario() : Files.readString(Path.of(scenario));
      createCrds();
      return run(
          yaml, dump == null ? null : Path.of(dump), Duration.ofSeconds(timeout), System.out, true);
    } catch (IOException e) {
      System.err.println("graft demo: " + e.getMessage());
      return 2;
    }
  }

  /** The built-in sample fleet. */
  public static String defaultScenario() throws IOException {
    try (InputStream in = DemoRunner.class.getResourceAsStream(DEFAULT_SCENARIO)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void createCrds() throws IOException {
    for (String plural :
        List.of("baseimages", "filesets", "graftedvirtualmachines", "goldenimages")) {
      try (InputStream in =
          DemoRunner.class.getResourceAsStream("/crds/" + plural + ".graft.dev-v1.yml")) {
        if (in != null) {
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(in)
              .createOr(c -> c.update());
        }
      }
    }
  }

  /**
   * Applies the scenario, waits, reports. Returns 0 when every VM is Ready, 1 otherwise.
   *
   * @param simulate start a simulator for CDI and Jobs (false when the caller runs one)
   */
  public int run(
      String scenarioYaml, Path dumpDir, Duration timeout, PrintStream out, boolean simulate)
      throws IOException {
    ClusterSimulator simulator =
        simulate ? new ClusterSimulator(client).withVmDataVolumes().start() : null;
    try {
      Instant start = Instant.now();
      Instant deadline = start.plus(timeout);
      List<GraftedVirtualMachine> requested = new ArrayList<>();
      List<GraftedVirtualMachine> current = List.of();
      List<List<JsonNode>> waves = waves(scenarioYaml);
      for (int w = 0; w < waves.size(); w++) {
        Map<String, Integer> generations = RebuildReport.generations(baseImages());
        List<GraftedVirtualMachine> added = apply(waves.get(w));
        requested.addAll(added);
        out.printf(
            "graft demo: %s %d GraftedVirtualMachines; building...%n",
            w == 0 ? "applied" : "wave " + (w + 1) + ": applied", added.size());
        current = refresh(requested);
        while ((!current.stream().allMatch(DemoRunner::settled) || !onNewestBase(current))
            && Instant.now().isBefore(deadline)) {
          sleep();
          current = refresh(requested);
        }
        reportBaseUpdates(generations, current, out);
      }
      double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
      report(current, out, seconds);
      if (dumpDir != null) {
        int n = dump(dumpDir);
        out.printf("%nWrote %d objects to %s%n", n, dumpDir);
      }
      return current.stream()
              .allMatch(g -> g.getStatus() != null && g.getStatus().phase == Phase.Ready)
          ? 0
          : 1;
    } finally {
      if (simulator != null) {
        simulator.close();
      }
    }
  }

  /**
   * The scenario's documents in waves: a document {@code kind: Wait} ends a wave, and the next is
   * applied once every VM so far is Ready (e.g. a scale-out after the first build, which then hits
   * the cache).
   */
  private static List<List<JsonNode>> waves(String yaml) throws IOException {
    List<List<JsonNode>> waves = new ArrayList<>();
    List<JsonNode> wave = new ArrayList<>();
    var parser = YAML.getFactory().createParser(yaml);
    for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
      if (doc == null || doc.isNull() || doc.isMissingNode()) {
        continue;
      }
      if ("Wait".equals(doc.path("kind").asText())) {
        waves.add(wave);
        wave = new ArrayList<>();
      } else {
        wave.add(doc);
      }
    }
    waves.add(wave);
    return waves;
  }

  private List<GraftedVirtualMachine> apply(List<JsonNode> docs) throws IOException {
    List<GraftedVirtualMachine> gvms = new ArrayList<>();
    for (JsonNode doc : docs) {
      String kind = doc.path("kind").asText();
      Class<? extends HasMetadata> type = KINDS.get(kind);
      if (type == null) {
        throw new IOException("unsupported kind \"" + kind + "\" in the scenario");
      }
      HasMetadata obj = client.getKubernetesSerialization().convertValue(doc, type);
      if (obj.getMetadata().getNamespace() == null && !(obj instanceof Namespace)) {
        obj.getMetadata().setNamespace("default");
      }
      HasMetadata created = client.resource(obj).createOr(r -> r.update());
      if (created instanceof GraftedVirtualMachine g) {
        gvms.add(g);
      }
    }
    return gvms;
  }

  private List<GraftedVirtualMachine> refresh(List<GraftedVirtualMachine> gvms) {
    List<GraftedVirtualMachine> out = new ArrayList<>();
    for (GraftedVirtualMachine g : gvms) {
      GraftedVirtualMachine now =
          client
              .resources(GraftedVirtualMachine.class)
              .inNamespace(g.getMetadata().getNamespace())
              .withName(g.getMetadata().getName())
              .get();
      out.add(now == null ? g : now);
    }
    return out;
  }

  private List<BaseImage> baseImages() {
    return client.resources(BaseImage.class).inAnyNamespace().list().getItems();
  }

  /**
   * Whether every request that follows its base (updatePolicy Rebuild, no pinned generation) is on
   * its BaseImage's newest generation, and every BaseImage has seen its latest spec: a wave that
   * changes a base ends once the fleet moved.
   */
  private boolean onNewestBase(List<GraftedVirtualMachine> gvms) {
    List<BaseImage> bases = baseImages();
    for (BaseImage bi : bases) {
      var s = bi.getStatus();
      if (s == null
          || !java.util.Objects.equals(s.observedGeneration, bi.getMetadata().getGeneration())) {
        return false;
      }
    }
    for (GraftedVirtualMachine g : gvms) {
      BaseImage bi =
          bases.stream()
              .filter(b -> b.getSpec().os.equals(g.getSpec().os))
              .findFirst()
              .orElse(null);
      if (bi == null
          || g.getSpec().baseGeneration != null
          || BaseImage.policyOf(bi) == BaseImage.UpdatePolicy.Manual
          || bi.getStatus().phase == Phase.Failed) {
        continue;
      }
      if (g.getStatus() == null
          || !java.util.Objects.equals(
              g.getStatus().baseGeneration, bi.getStatus().baseGeneration)) {
        return false;
      }
    }
    return true;
  }

  /** After a wave that moved a base: the rebuilt lineage and what the rebuild cost. */
  private void reportBaseUpdates(
      Map<String, Integer> before, List<GraftedVirtualMachine> gvms, PrintStream out) {
    for (BaseImage bi : baseImages()) {
      String key = bi.getMetadata().getNamespace() + "/" + bi.getMetadata().getName();
      Integer now = bi.getStatus() == null ? null : bi.getStatus().baseGeneration;
      if (now == null || now <= 1 || now <= before.getOrDefault(key, 0)) {
        continue;
      }
      String catalogNs = config.catalogNamespaceFor(bi.getMetadata().getNamespace());
      List<GoldenImage> catalog =
          client.resources(GoldenImage.class).inNamespace(catalogNs).list().getItems();
      GoldenImage base =
          catalog.stream()
              .filter(gi -> gi.getMetadata().getName().equals(bi.getStatus().image))
              .findFirst()
              .orElse(null);
      if (base == null) {
        continue;
      }
      Map<String, List<GoldenImage>> children = children(catalog);
      RebuildReport.of(base, catalog, gvms, clientLookup(), planner.weights())
          .print(bi, base, root -> lineage(root, children, "", true, true, out), out);
    }
  }

  private static Map<String, List<GoldenImage>> children(java.util.Collection<GoldenImage> images) {
    Map<String, List<GoldenImage>> children = new HashMap<>();
    for (GoldenImage gi : images) {
      if (gi.getSpec().parent != null) {
        children
            .computeIfAbsent(
                gi.getMetadata().getNamespace() + "/" + gi.getSpec().parent, k -> new ArrayList<>())
            .add(gi);
      }
    }
    return children;
  }

  private static boolean settled(GraftedVirtualMachine g) {
    return g.getStatus() != null
        && (g.getStatus().phase == Phase.Ready || g.getStatus().phase == Phase.Failed);
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void report(List<GraftedVirtualMachine> gvms, PrintStream out, double seconds) {
    Map<String, GoldenImage> images = new LinkedHashMap<>();
    for (GoldenImage gi : client.resources(GoldenImage.class).inAnyNamespace().list().getItems()) {
      images.put(gi.getMetadata().getNamespace() + "/" + gi.getMetadata().getName(), gi);
    }
    TextTable vms =
        new TextTable(
            "VM", "OS", "PHASE", "IMAGE", "BUILT FROM", "+FILES", "-FILES", "COST", "NOTE");
    Map<String, String> firstUser = new HashMap<>();
    for (GraftedVirtualMachine g : gvms) {
      var s = g.getStatus();
      String ref = s == null || s.image == null ? null : s.imageNamespace + "/" + s.image;
      GoldenImage gi = ref == null ? null : images.get(ref);
      String note;
      if (s == null || s.phase != Phase.Ready) {
        note = s == null ? "no status" : reasonOf(s);
      } else if (Boolean.TRUE.equals(s.cacheHit)) {
        note = "cache hit";
      } else if (firstUser.containsKey(ref)) {
        note = "same image as " + firstUser.get(ref);
      } else {
        note = "built";
      }
      if (ref != null) {
        firstUser.putIfAbsent(ref, g.getMetadata().getName());
      }
      vms.row(
          g.getMetadata().getNamespace() + "/" + g.getMetadata().getName(),
          g.getSpec().os,
          s == null ? "-" : String.valueOf(s.phase),
          s == null || s.image == null ? "-" : s.image,
          gi == null || gi.getSpec().parent == null ? "-" : gi.getSpec().parent,
          gi == null || gi.getStatus() == null || gi.getStatus().filesAdded == null
              ? "-"
              : "+" + gi.getStatus().filesAdded,
          gi == null || gi.getStatus() == null || gi.getStatus().filesRemoved == null
              ? "-"
              : "-" + gi.getStatus().filesRemoved,
          gi == null || gi.getSpec().predictedCost == null ? "-" : fmt(gi.getSpec().predictedCost),
          note);
    }
    out.println();
    out.println("Virtual machines");
    out.print(vms.render());

    out.println();
    out.println("Catalog lineage (image [files] cost, hits)");
    Map<String, List<GoldenImage>> children = new HashMap<>();
    List<GoldenImage> roots = new ArrayList<>();
    for (GoldenImage gi : images.values()) {
      if (gi.getSpec().parent == null) {
        roots.add(gi);
      } else {
        children
            .computeIfAbsent(
                gi.getMetadata().getNamespace() + "/" + gi.getSpec().parent, k -> new ArrayList<>())
            .add(gi);
      }
    }
    roots.sort(Comparator.comparing(gi -> gi.getMetadata().getName()));
    for (GoldenImage root : roots) {
      lineage(root, children, "", true, true, out);
    }

    // The same requests planned from an empty catalog (base images only) by every strategy.
    // As built: the images the fleet's VMs are on and what they were built from (after a base
    // update, the rebuild; what the old generation cost is in the rebuild's report).
    java.util.Set<String> inUse = new java.util.HashSet<>();
    for (GraftedVirtualMachine g : gvms) {
      String ref =
          g.getStatus() == null || g.getStatus().image == null
              ? null
              : g.getStatus().imageNamespace + "/" + g.getStatus().image;
      while (ref != null && images.containsKey(ref) && inUse.add(ref)) {
        GoldenImage gi = images.get(ref);
        ref =
            gi.getSpec().parent == null
                ? null
                : gi.getMetadata().getNamespace() + "/" + gi.getSpec().parent;
      }
    }
    List<GoldenImage> used =
        images.entrySet().stream()
            .filter(e -> inUse.contains(e.getKey()))
            .map(Map.Entry::getValue)
            .filter(gi -> gi.getSpec().parent != null)
            .toList();
    double asBuilt =
        used.stream()
            .filter(gi -> gi.getSpec().predictedCost != null)
            .mapToDouble(gi -> gi.getSpec().predictedCost)
            .sum();
    long builds = used.size();
    // Planned per catalog: the namespace the request's images live in (graft.catalog-namespace,
    // or the request's own), against that catalog's base images; a request whose os has no base
    // image there cannot be planned by any strategy, and is named instead.
    Map<String, List<Manifest>> manifestsByNs = new LinkedHashMap<>();
    List<String> unplannable = new ArrayList<>();
    FileResolver resolver = new FileResolver(Long.MAX_VALUE);
    for (GraftedVirtualMachine g : gvms) {
      String catalogNs = catalogNamespace(g);
      try {
        Manifest m =
            resolver
                .resolve(g, clientLookup())
                .onGeneration(
                    g.getStatus() == null || g.getStatus().baseGeneration == null
                        ? 1
                        : g.getStatus().baseGeneration);
        boolean hasBase =
            images.values().stream()
                .anyMatch(
                    gi ->
                        gi.getSpec().parent == null
                            && m.os().equals(gi.getSpec().os)
                            && catalogNs.equals(gi.getMetadata().getNamespace()));
        if (hasBase) {
          manifestsByNs.computeIfAbsent(catalogNs, k -> new ArrayList<>()).add(m);
        } else {
          unplannable.add(
              g.getMetadata().getNamespace()
                  + "/"
                  + g.getMetadata().getName()
                  + " (no BaseImage for os "
                  + m.os()
                  + " in "
                  + catalogNs
                  + ")");
        }
      } catch (ResolutionException e) {
        // Shown in the table already.
      }
    }
    out.println();
    var w = planner.weights();
    out.printf(
        Locale.ROOT,
        "Build cost in predicted seconds (per build %s s, per file added %s s, per file removed %s"
            + " s, per byte added %s s):%n",
        w.perBuild(),
        w.inject(),
        w.remove(),
        w.missingBytes());
    TextTable costs = new TextTable("STRATEGY", "BUILDS", "TOTAL COST");
    costs.row("operator (as built)", Long.toString(builds), fmt(asBuilt));
    for (Strategy strategy : Strategy.values()) {
      double total = 0;
      int n = 0;
      for (var e : manifestsByNs.entrySet()) {
        List<GoldenImage> bases =
            images.values().stream()
                .filter(
                    gi ->
                        gi.getSpec().parent == null
                            && gi.getMetadata().getNamespace().equals(e.getKey()))
                .toList();
        var orders = CatalogPlanner.plan(e.getValue(), bases, strategy, planner.weights());
        // Per-VM injection builds every VM's disk, replicas included; the others build once.
        Map<String, Long> vmsPerImage =
            e.getValue().stream()
                .collect(
                    java.util.stream.Collectors.groupingBy(
                        Manifest::imageName, java.util.stream.Collectors.counting()));
        for (var order : orders) {
          long times = strategy == Strategy.BASE_ONLY ? vmsPerImage.get(order.image()) : 1;
          total += order.cost() * times;
          n += times;
        }
      }
      costs.row(strategy.id(), Integer.toString(n), fmt(total));
    }
    out.print(costs.render());
    if (!unplannable.isEmpty()) {
      out.printf("Not planned by any strategy: %s%n", String.join(", ", unplannable));
    }
    List<GraftedVirtualMachine> notReady =
        gvms.stream()
            .filter(g -> g.getStatus() == null || g.getStatus().phase != Phase.Ready)
            .toList();
    if (notReady.isEmpty()) {
      out.printf(Locale.ROOT, "%nAll settled in %.1f s (simulated CDI and Jobs).%n", seconds);
      return;
    }
    out.printf(Locale.ROOT, "%nNot Ready after %.1f s:%n", seconds);
    for (GraftedVirtualMachine g : notReady) {
      out.printf(
          "  %s/%s: %s%n",
          g.getMetadata().getNamespace(),
          g.getMetadata().getName(),
          g.getStatus() == null ? "no status" : reasonOf(g.getStatus()));
    }
  }

  /** Where a request's images live: the one catalog namespace, or the request's own. */
  private String catalogNamespace(GraftedVirtualMachine g) {
    if (g.getStatus() != null && g.getStatus().imageNamespace != null) {
      return g.getStatus().imageNamespace;
    }
    return config.catalogNamespaceFor(g.getMetadata().getNamespace());
  }

  private static String reasonOf(GraftedVirtualMachine.Status s) {
    return s.conditions == null
        ? String.valueOf(s.phase)
        : s.conditions.stream()
            .filter(c -> "Ready".equals(c.getType()))
            .map(c -> c.getReason() + ": " + c.getMessage())
            .findFirst()
            .orElse(String.valueOf(s.phase));
  }

  private void lineage(
      GoldenImage gi,
      Map<String, List<GoldenImage>> children,
      String prefix,
      boolean last,
      boolean root,
      PrintStream out) {
    var s = gi.getStatus();
    String line =
        String.format(
            Locale.ROOT,
            "%s [%d files] %s, hits %d%s%s",
            gi.getMetadata().getName(),
            gi.getSpec().files == null ? 0 : gi.getSpec().files.size(),
            gi.getSpec().predictedCost == null ? "base" : "cost " + fmt(gi.getSpec().predictedCost),
            s == null || s.hits == null ? 0 : s.hits,
            s == null || s.phase == Phase.Ready
                ? ""
                : " (" + (s == null ? "Pending" : s.phase) + ")",
            dev.graft.k8s.Conditions.isTrue(s, dev.graft.k8s.Conditions.OUTDATED)
                ? " (outdated, generation " + BaseGenerations.of(gi) + ")"
                : "");
    out.println(root ? line : prefix + (last ? "└─ " : "├─ ") + line);
    List<GoldenImage> kids =
        new ArrayList<>(
            children.getOrDefault(
                gi.getMetadata().getNamespace() + "/" + gi.getMetadata().getName(), List.of()));
    kids.sort(Comparator.comparing(k -> k.getMetadata().getName()));
    String next = root ? "" : prefix + (last ? "   " : "│  ");
    for (int i = 0; i < kids.size(); i++) {
      lineage(kids.get(i), children, next, i == kids.size() - 1, false, out);
    }
  }

  private FileResolver.Lookup clientLookup() {
    return new FileResolver.Lookup() {
      @Override
      public FileSet fileSet(String ns, String name) {
        return client.resources(FileSet.class).inNamespace(ns).withName(name).get();
      }

      @Override
      public ConfigMap configMap(String ns, String name) {
        return client.configMaps().inNamespace(ns).withName(name).get();
      }

      @Override
      public Secret secret(String ns, String name) {
        return client.secrets().inNamespace(ns).withName(name).get();
      }
    };
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** Writes every object as {@code <kind>-<namespace>-<name>.yaml}; returns how many. */
  public int dump(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Supplier<List<? extends HasMetadata>>> lists =
        List.of(
            () -> client.namespaces().list().getItems(),
            () -> client.apiextensions().v1().customResourceDefinitions().list().getItems(),
            () -> client.configMaps().inAnyNamespace().list().getItems(),
            () -> client.secrets().inAnyNamespace().list().getItems(),
            () -> client.persistentVolumeClaims().inAnyNamespace().list().getItems(),
            () -> client.batch().v1().jobs().inAnyNamespace().list().getItems(),
            () -> client.v1().events().inAnyNamespace().list().getItems(),
            () -> client.resources(BaseImage.class).inAnyNamespace().list().getItems(),
            () -> client.resources(FileSet.class).inAnyNamespace().list().getItems(),
            () -> client.resources(GraftedVirtualMachine.class).inAnyNamespace().list().getItems(),
            () -> client.resources(GoldenImage.class).inAnyNamespace().list().getItems(),
            () -> client.resources(DataVolume.class).inAnyNamespace().list().getItems(),
            () -> client.resources(VirtualMachine.class).inAnyNamespace().list().getItems());
    int n = 0;
    for (var list : lists) {
      for (HasMetadata o : list.get()) {
        String ns =
            o.getMetadata().getNamespace() == null ? "cluster" : o.getMetadata().getNamespace();
        Path file = dir.resolve(o.getKind() + "-" + ns + "-" + o.getMetadata().getName() + ".yaml");
        try {
          Files.writeString(file, client.getKubernetesSerialization().asYaml(o));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        n++;
      }
    }
    return n;
  }
}
