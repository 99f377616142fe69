package dev.graft.kubevirt;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The CSI {@code VolumeSnapshot} API (snapshot.storage.k8s.io/v1), named without discovery: a
 * cluster without it answers 404, not a client error.
 */
public final class VolumeSnapshots {
  public static final ResourceDefinitionContext CONTEXT =
      new ResourceDefinitionContext.Builder()
          .withGroup("snapshot.storage.k8s.io")
          .withVersion("v1")
          .withKind("VolumeSnapshot")
          .withPlural("volumesnapshots")
          .withNamespaced(true)
          .build();

  private VolumeSnapshots() {}
}
