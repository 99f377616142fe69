package dev.graft.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GoldenImage;
import dev.graft.api.GraftedVirtualMachine;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which requests an image's event wakes: those of its own catalog only. Two namespaces with their
 * own catalogs build images of the same name for the same files; before the index carried the
 * namespace, every event of one namespace's image reconciled the other namespace's requests too.
 */
class RequestImageIndexTest {

  @Test
  void anImageWakesTheRequestsOfItsOwnCatalogOnly() {
    GoldenImage inB = image("team-b", "ubuntu-2404-0123456789");

    assertThat(RequestSources.imageEventKeys(inB))
        .doesNotContain(key(request("team-a", "ubuntu-2404-0123456789", null), Optional.empty()))
        .doesNotContain(key(request("team-a", null, null), Optional.empty()))
        .contains(key(request("team-b", "ubuntu-2404-0123456789", null), Optional.empty()))
        .contains(key(request("team-b", null, null), Optional.empty()));
  }

  @Test
  void withASharedCatalogItsImagesWakeRequestsOfEveryNamespace() {
    GoldenImage shared = image("graft-catalog", "ubuntu-2404-0123456789");
    Optional<String> catalog = Optional.of("graft-catalog");

    assertThat(RequestSources.imageEventKeys(shared))
        .contains(key(request("team-a", "ubuntu-2404-0123456789", null), catalog))
        .contains(key(request("team-b", null, null), catalog));
  }

  @Test
  void aRequestIsFoundUnderTheNamespaceItsStatusRecordsForItsImage() {
    GoldenImage elsewhere = image("team-b", "ubuntu-2404-0123456789");

    assertThat(RequestSources.imageEventKeys(elsewhere))
        .contains(key(request("team-a", "ubuntu-2404-0123456789", "team-b"), Optional.empty()));
  }

  private static String key(GraftedVirtualMachine gvm, Optional<String> sharedCatalog) {
    return RequestSources.imageKey(gvm, sharedCatalog.orElse(gvm.getMetadata().getNamespace()));
  }

  private static GoldenImage image(String ns, String name) {
    GoldenImage gi = new GoldenImage();
    gi.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    return gi;
  }

  private static GraftedVirtualMachine request(String ns, String image, String imageNamespace) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("web").build());
    if (image != null) {
      gvm.setStatus(new GraftedVirtualMachine.Status());
      gvm.getStatus().image = image;
      gvm.getStatus().imageNamespace = imageNamespace;
    }
    return gvm;
  }
}
