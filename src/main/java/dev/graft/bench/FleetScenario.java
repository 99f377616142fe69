package dev.graft.bench;

import dev.graft.planner.CostModel;
import dev.graft.planner.FileInfo;
import dev.graft.planner.FileTable;
import dev.graft.planner.ImageSet;
import dev.graft.planner.Problem;
import dev.graft.planner.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * A realistic fleet: web, api, db and cache tiers in dev, staging and prod, with replicas. All VMs
 * share a hardening baseline; staging and prod add monitoring and logging agents; every tier has
 * its packages and configs, every environment its CA bundle and settings, every tier in every
 * environment its own config. The catalog holds the OS base images and last release's web-prod
 * image (with older static assets).
 */
public final class FleetScenario {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final String[] ENVS = {"dev", "staging", "prod"};

  private final FileTable files = new FileTable();
  private final Map<String, List<String>> groups = new LinkedHashMap<>();

  private FleetScenario() {
    group("hardening", 12, 4 * KIB);
    file("agents", "node-exporter", 20 * MIB);
    file("agents", "node-exporter.yaml", 2 * KIB);
    file("agents", "fluent-bit", 45 * MIB);
    file("agents", "fluent-bit.conf", 3 * KIB);
    file("web", "nginx.conf", 6 * KIB);
    file("web", "static-assets-v2.tar", 30 * MIB);
    file("web-old", "static-assets-v1.tar", 28 * MIB);
    file("api", "app.jar", 80 * MIB);
    file("api", "app-jvm.options", 1 * KIB);
    file("db", "postgresql.conf", 30 * KIB);
    file("db", "pg_hba.conf", 5 * KIB);
    file("db", "pgbackrest", 15 * MIB);
    file("cache", "redis.conf", 60 * KIB);
    file("cache", "sentinel.conf", 2 * KIB);
    for (String env : ENVS) {
      file("env-" + env, env + "/ca-bundle.pem", 200 * KIB);
      file("env-" + env, env + "/environment.conf", 1 * KIB);
      for (String tier : List.of("web", "api", "db", "cache")) {
        file(tier + "-" + env, env + "/" + tier + ".conf", 3 * KIB);
      }
    }
  }

  /** The fleet problem with the given weights. */
  public static Problem problem(Weights weights) {
    FleetScenario s = new FleetScenario();
    List<ImageSet> images = new ArrayList<>();
    images.add(new ImageSet("ubuntu-24.04-base", "ubuntu-24.04", new RoaringBitmap()));
    images.add(new ImageSet("fedora-40-base", "fedora-40", new RoaringBitmap()));
    images.add(
        s.image(
            "web-prod-release-41",
            "ubuntu-24.04",
            "hardening",
            "agents",
            "web-old",
            "env-prod",
            "web-prod"));
    List<ImageSet> requests = new ArrayList<>();
    Map<String, Integer> replicas = Map.of("web", 3, "api", 3, "db", 2, "cache", 2);
    for (String tier : List.of("web", "api", "db", "cache")) {
      String os = tier.equals("db") || tier.equals("cache") ? "fedora-40" : "ubuntu-24.04";
      for (String env : ENVS) {
        for (int i = 1; i <= replicas.get(tier); i++) {
          List<String> parts = new ArrayList<>(List.of("hardening", tier, "env-" + env));
          parts.add(tier + "-" + env);
          if (!env.equals("dev")) {
            parts.add("agents");
          }
          requests.add(s.image(tier + "-" + env + "-" + i, os, parts.toArray(String[]::new)));
        }
      }
    }
    return new Problem(new CostModel(weights, s.files), images, requests);
  }

  private void group(String group, int count, long size) {
    for (int i = 0; i < count; i++) {
      file(group, group + "-" + i, size);
    }
  }

  private void file(String group, String name, long size) {
    String id = group + ":" + name;
    files.add(new FileInfo(id, "/etc/graft/" + name, size, 1, 1));
    groups.computeIfAbsent(group, g -> new ArrayList<>()).add(id);
  }

  private ImageSet image(String name, String os, String... groupNames) {
    RoaringBitmap set = new RoaringBitmap();
    for (String g : groupNames) {
      groups.get(g).forEach(id -> set.add(files.indexOf(id)));
    }
    return new ImageSet(name, os, set);
  }
}
