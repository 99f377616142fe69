package dev.graft.controller.base;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.BaseImage;
import dev.graft.api.ClusterBaseImage;
import dev.graft.api.GoldenImage;
import dev.graft.api.ImageSource;
import dev.graft.controller.flow.Action;
import dev.graft.controller.flow.Decision;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The decide step of a ClusterBaseImage, without a cluster. */
class ClusterBaseDecisionTest {

  static ClusterBaseImage cbi(String name, String created, String uid) {
    ClusterBaseImage c = new ClusterBaseImage();
    c.getMetadata().setName(name);
    c.getMetadata().setCreationTimestamp(created);
    c.getMetadata().setUid(uid);
    c.setSpec(new BaseImage.Spec());
    c.getSpec().os = "ubuntu-24";
    c.getSpec().source = new ImageSource();
    c.getSpec().source.pvc = new ImageSource.PvcRef(null, "ubuntu-disk");
    return c;
  }

  static Decision decide(ClusterBaseImage c, Optional<String> catalog, String owner) {
    BaseImage.Spec spec = ClusterBaseDecision.sourceSpec(c, catalog.orElse("x"));
    return ClusterBaseDecision.decide(
        new ClusterBaseDecision.View(
            c, catalog, SourceIdentity.of(spec, catalog.orElse("x"), null), List.of(), 0, owner),
        new BaseImage.Status());
  }

  @Test
  void withoutASharedCatalogItSaysSoOnce() {
    ClusterBaseImage c = cbi("ubuntu", "2026-01-01T00:00:00Z", "a");
    Decision d = decide(c, Optional.empty(), c.ownerKey());
    assertThat(d.state().reason()).isEqualTo("NoCatalogNamespace");
    assertThat(d.state().message()).contains("graft.catalog-namespace");
    assertThat(d.actions()).singleElement().isInstanceOf(Action.Emit.class);
    assertThat(d.actions()).allSatisfy(a -> assertThat(((Action.Emit) a).about()).isSameAs(c));
    c.setStatus(new BaseImage.Status());
    c.getStatus().phase = d.state().phase();
    assertThat(decide(c, Optional.empty(), c.ownerKey()).actions()).as("no second event").isEmpty();
  }

  @Test
  void importsIntoTheCatalogFromItsOwnSourceWithNoGrantAndEventsAboutItself() {
    ClusterBaseImage c = cbi("ubuntu", "2026-01-01T00:00:00Z", "a");
    Decision d = decide(c, Optional.of("images"), c.ownerKey());
    GoldenImage base =
        d.actions().stream()
            .filter(a -> a instanceof Action.Create)
            .map(a -> (GoldenImage) ((Action.Create) a).object())
            .findFirst()
            .orElseThrow();
    assertThat(base.getMetadata().getNamespace()).isEqualTo("images");
    assertThat(base.getSpec().baseImage).isEqualTo("ClusterBaseImage/ubuntu");
    assertThat(base.getSpec().source.pvc.namespace)
        .as("a source without a namespace is the catalog's")
        .isEqualTo("images");
    assertThat(d.actions())
        .filteredOn(a -> a instanceof Action.Emit)
        .allSatisfy(a -> assertThat(((Action.Emit) a).about()).isSameAs(c));
  }

  @Test
  void theOldestClusterBaseImageOfAnOsProvidesIt() {
    ClusterBaseImage old = cbi("old", "2026-01-01T00:00:00Z", "b");
    ClusterBaseImage young = cbi("young", "2026-02-01T00:00:00Z", "a");
    ClusterBaseImage tie = cbi("tie", "2026-01-01T00:00:00Z", "c");
    assertThat(ClusterBaseDecision.ownerOf(Stream.of(young, tie, old), "ubuntu-24")).contains(old);
    Decision d = decide(young, Optional.of("images"), old.ownerKey());
    assertThat(d.state().reason()).isEqualTo("DuplicateOs");
    assertThat(d.state().message()).contains("ClusterBaseImage/old");
    assertThat(d.actions()).noneMatch(a -> a instanceof Action.Create);
  }
}
