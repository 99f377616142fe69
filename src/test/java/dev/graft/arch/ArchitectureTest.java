package dev.graft.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure of docs/architecture.md, enforced: who may depend on whom, no cycles, and a
 * planner free of Kubernetes. Rules name packages with {@code ..}, so subpackages (e.g. {@code
 * inject.script}, {@code inject.job}, {@code inject.local}) are held to their parent's rules.
 */
class ArchitectureTest {
  /** What runs in the operator; none of it may reach the tools around it. */
  private static final String[] OPERATOR = {
    "dev.graft.api..",
    "dev.graft.config..",
    "dev.graft.k8s..",
    "dev.graft.kubevirt..",
    "dev.graft.build..",
    "dev.graft.catalog..",
    "dev.graft.controller..",
    "dev.graft.inject..",
    "dev.graft.planner..",
    "dev.graft.cache..",
    "dev.graft.metrics.."
  };

  private static final String[] TOOLS = {
    "dev.graft.sim..", "dev.graft.demo..", "dev.graft.bench..", "dev.graft.cli.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.graft");
  }

  @Test
  void theOperatorNeverDependsOnTheSimulatorDemoBenchmarksOrCli() {
    noClasses()
        .that()
        .resideInAnyPackage(OPERATOR)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(TOOLS)
        .check(classes);
  }

  /**
   * The operator's client reads objects without managedFields and kubectl's last-applied record
   * ({@code k8s.ReadPruning}); a full update (PUT) of an object read that way would delete
   * kubectl's record on the server. Writes are creates, patches and deletes.
   */
  @Test
  void theOperatorNeverReplacesAnObjectItRead() {
    java.util.Set<String> fullUpdates =
        java.util.Set.of(
            "update", "replace", "createOrReplace", "createOr", "updateStatus", "replaceStatus");
    noClasses()
        .that()
        .resideInAnyPackage(OPERATOR)
        .should()
        .callMethodWhere(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "a full update of a Kubernetes object",
                (com.tngtech.archunit.core.domain.JavaMethodCall call) ->
                    fullUpdates.contains(call.getTarget().getName())
                        && (call.getTargetOwner().getPackageName().startsWith("io.fabric8")
                            || call.getTargetOwner()
                                .getPackageName()
                                .startsWith("io.javaoperatorsdk"))))
        .check(classes);
  }

  /**
   * Every informer of the operator is configured through {@code k8s.Informers.from}, which keeps no
   * index of secondaries by primary (it grew with requests times images and was never read).
   */
  @Test
  void informersAreConfiguredWithoutTheSdksSecondaryIndex() {
    noClasses()
        .that()
        .resideInAnyPackage(OPERATOR)
        .and()
        .doNotHaveFullyQualifiedName("dev.graft.k8s.Informers")
        .should()
        .callMethod(
            io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration.class,
            "from",
            Class.class,
            Class.class)
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.graft.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void noCyclesBetweenSubpackages() {
    slices().matching("dev.graft.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void k8sIsALeafOverTheApi() {
    noClasses()
        .that()
        .resideInAPackage("dev.graft.k8s..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(except("dev.graft.k8s..", "dev.graft.api.."))
        .check(classes);
  }

  @Test
  void kubevirtModelImportsNothingFromControllersCatalogOrBuilds() {
    noClasses()
        .that()
        .resideInAPackage("dev.graft.kubevirt..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(except("dev.graft.kubevirt..", "dev.graft.api..", "dev.graft.k8s.."))
        .check(classes);
  }

  @Test
  void buildAndCatalogNeverReachTheControllers() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.graft.build..", "dev.graft.catalog..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.graft.controller..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.graft.build..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.graft.catalog..")
        .check(classes);
  }

  @Test
  void injectionKnowsNothingOfTheOperatorAroundIt() {
    noClasses()
        .that()
        .resideInAPackage("dev.graft.inject..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.graft.controller..",
            "dev.graft.catalog..",
            "dev.graft.build..",
            "dev.graft.kubevirt..",
            "dev.graft.k8s..")
        .check(classes);
  }

  @Test
  void plannerIsFreeOfKubernetesAndOfTheRestOfGraft() {
    noClasses()
        .that()
        .resideInAPackage("dev.graft.planner..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8..",
            "io.javaoperatorsdk..",
            "io.quarkus..",
            "jakarta..",
            "dev.graft.api..",
            "dev.graft.k8s..",
            "dev.graft.kubevirt..",
            "dev.graft.build..",
            "dev.graft.catalog..",
            "dev.graft.controller..",
            "dev.graft.config..")
        .check(classes);
  }

  /** Every Graft package except {@code allowed}. */
  private static String[] except(String... allowed) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(OPERATOR));
    all.addAll(java.util.List.of(TOOLS));
    all.removeAll(java.util.List.of(allowed));
    return all.toArray(String[]::new);
  }

  /**
   * A reconciler stays a reader of caches and a caller of its decide step: the work lives in the
   * phases, decisions and services it calls. 250 lines is where the old ones had become hard to
   * follow.
   */
  @Test
  void noReconcilerAboveTwoHundredFiftyLines() throws java.io.IOException {
    try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("src/main/java/dev/graft"))) {
      var reconcilers =
          files.filter(f -> f.getFileName().toString().endsWith("Reconciler.java")).toList();
      org.assertj.core.api.Assertions.assertThat(reconcilers).hasSizeGreaterThanOrEqualTo(4);
      for (var f : reconcilers) {
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readAllLines(f))
            .as(f.getFileName().toString())
            .hasSizeLessThanOrEqualTo(250);
      }
    }
  }
}
