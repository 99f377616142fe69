package dev.graft.bench;

import dev.graft.api.BaseImage;
import dev.graft.api.FileSet;
import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.ImageSource;
import dev.graft.api.StorageSpec;
import dev.graft.api.VirtualMachineTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The objects of the load benchmark: 3 OS base images, shared FileSets (a hardening baseline,
 * monitoring agents, one per tier and one per environment) and N GraftedVirtualMachines across 5
 * tiers x 3 environments x teams, each with its team's inline config. Every distinct request has 4
 * identical replicas (so the operator must deduplicate), and the number of teams grows with N, so
 * distinct images stay about N/4 and figures per VM compare across sizes.
 */
public final class LoadFleet {
  /** Identical GraftedVirtualMachines per distinct request. */
  public static final int REPLICAS = 4;

  private static final String[] TIERS = {"web", "api", "db", "cache", "worker"};
  private static final String[] ENVS = {"dev", "staging", "prod"};
  // spec.os is a DNS label (the CRD's pattern): no dots. The mock server does not check it; the
  // real API server refused "ubuntu-24.04".
  private static final String[] OSES = {"ubuntu-2404", "fedora-40", "debian-12"};

  private LoadFleet() {}

  /** One BaseImage per OS. */
  public static List<BaseImage> baseImages(String ns) {
    List<BaseImage> out = new ArrayList<>();
    for (String os : OSES) {
      BaseImage bi = new BaseImage();
      bi.getMetadata().setName(os);
      bi.getMetadata().setNamespace(ns);
      bi.setSpec(new BaseImage.Spec());
      bi.getSpec().os = os;
      bi.getSpec().source = new ImageSource();
      bi.getSpec().source.http = new ImageSource.Url("https://images.example.org/" + os + ".qcow2");
      bi.getSpec().storage = new StorageSpec();
      bi.getSpec().storage.size = "10Gi";
      out.add(bi);
    }
    return out;
  }

  /** The shared FileSets: hardening, agents, one per tier and one per environment. */
  public static List<FileSet> fileSets(String ns) {
    List<FileSet> out = new ArrayList<>();
    List<FileSpec> hardening = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      hardening.add(
          FileSpec.inline(
              String.format(Locale.ROOT, "/etc/sysctl.d/%02d-hardening.conf", i),
              "kernel.rule" + i + " = 1\n"));
    }
    out.add(fileSet(ns, "hardening", hardening));
    out.add(
        fileSet(
            ns,
            "agents",
            List.of(
                FileSpec.inline("/etc/node-exporter/config.yaml", "listen: :9100\n"),
                FileSpec.inline("/etc/fluent-bit/fluent-bit.conf", "[OUTPUT]\n  Name loki\n"))));
    for (String tier : TIERS) {
      out.add(
          fileSet(
              ns,
              "tier-" + tier,
              List.of(
                  FileSpec.inline("/etc/" + tier + "/" + tier + ".conf", tier + " settings\n"),
                  FileSpec.inline("/usr/local/bin/" + tier + "-health", "#!/bin/sh\nexit 0\n"))));
    }
    for (String env : ENVS) {
      out.add(
          fileSet(
              ns,
              "env-" + env,
              List.of(
                  FileSpec.inline("/etc/pki/" + env + "-ca.pem", "CA of " + env + "\n"),
                  FileSpec.inline("/etc/environment.d/env.conf", "ENV=" + env + "\n"))));
    }
    return out;
  }

  /**
   * The n GraftedVirtualMachines, named {@code vm-0001}...: request i is replica {@code i %
   * REPLICAS} of distinct request {@code i / REPLICAS}, which picks tier, environment and team.
   */
  public static List<GraftedVirtualMachine> vms(String ns, int n) {
    List<GraftedVirtualMachine> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int distinct = i / REPLICAS;
      String tier = TIERS[distinct % TIERS.length];
      String env = ENVS[(distinct / TIERS.length) % ENVS.length];
      int team = distinct / (TIERS.length * ENVS.length);
      GraftedVirtualMachine gvm = new GraftedVirtualMachine();
      gvm.getMetadata().setName(String.format(Locale.ROOT, "vm-%04d", i + 1));
      gvm.getMetadata().setNamespace(ns);
      gvm.setSpec(new GraftedVirtualMachine.Spec());
      gvm.getSpec().os = os(tier);
      gvm.getSpec().fileSets = new ArrayList<>(List.of("hardening", "tier-" + tier, "env-" + env));
      if (!env.equals("dev")) {
        gvm.getSpec().fileSets.add("agents");
      }
      gvm.getSpec().files =
          new ArrayList<>(
              List.of(
                  FileSpec.inline(
                      "/etc/team/team.conf",
                      "team=team-" + team + "\ntier=" + tier + "\nenv=" + env + "\n")));
      gvm.getSpec().virtualMachineTemplate = VirtualMachineTemplate.running(2, "2Gi");
      out.add(gvm);
    }
    return out;
  }

  private static String os(String tier) {
    return switch (tier) {
      case "db", "cache" -> OSES[1];
      case "worker" -> OSES[2];
      default -> OSES[0];
    };
  }

  private static FileSet fileSet(String ns, String name, List<FileSpec> files) {
    FileSet fs = new FileSet();
    fs.getMetadata().setName(name);
    fs.getMetadata().setNamespace(ns);
    fs.setSpec(new FileSet.Spec());
    fs.getSpec().files = new ArrayList<>(files);
    return fs;
  }
}
