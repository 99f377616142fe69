package dev.graft.k8s;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Asks the API server whether a ServiceAccount may clone from a namespace, the way CDI authorizes a
 * cross-namespace clone: {@code create} on {@code datavolumes/source} in the source namespace.
 * Graft may clone from anywhere; this is how it refuses to do so for a user who may not.
 */
public final class AccessReview {
  private AccessReview() {}

  /** The SubjectAccessReview for a ServiceAccount's clone from {@code sourceNamespace}. */
  public static SubjectAccessReview cloneFrom(
      String serviceAccountNamespace, String serviceAccount, String sourceNamespace) {
    return new SubjectAccessReviewBuilder()
        .withNewSpec()
        .withUser("system:serviceaccount:" + serviceAccountNamespace + ":" + serviceAccount)
        // The groups the API server's authenticator gives every ServiceAccount token.
        .withGroups(
            "system:serviceaccounts",
            "system:serviceaccounts:" + serviceAccountNamespace,
            "system:authenticated")
        .withNewResourceAttributes()
        .withNamespace(sourceNamespace)
        .withVerb("create")
        .withGroup("cdi.kubevirt.io")
        .withResource("datavolumes")
        .withSubresource("source")
        .endResourceAttributes()
        .endSpec()
        .build();
  }

  /** Whether the server allows it (no answer, or an answer without status, is a refusal). */
  public static boolean allowed(KubernetesClient client, SubjectAccessReview review) {
    SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
    return answer != null
        && answer.getStatus() != null
        && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }
}
