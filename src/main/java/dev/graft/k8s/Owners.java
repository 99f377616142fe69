package dev.graft.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** The controller owner reference Graft puts on everything it creates for a resource. */
public final class Owners {
  private Owners() {}

  /** A controller reference to {@code owner}, so the garbage collector deletes with it. */
  public static OwnerReference controller(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .build();
  }

  /** Like {@link #controller}, and the owner's foreground deletion waits for the dependent. */
  public static OwnerReference blockingController(HasMetadata owner) {
    return new OwnerReferenceBuilder(controller(owner)).withBlockOwnerDeletion(true).build();
  }
}
