package dev.graft.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.api.GraftedVirtualMachine;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which API errors are permanent, and what of the server's message the user sees. */
class ApiRejectionTest {
  record Row(String name, int code, String kind, String object, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row("400 malformed", 400, "virtualmachines", "web", "ApiBadRequest"),
        new Row("403 forbidden or over quota", 403, "jobs", "x", "ApiForbidden"),
        new Row("422 a webhook refused", 422, "virtualmachines", "web", "ApiInvalid"),
        new Row("404 of a referenced namespace", 404, "namespaces", "catalog", "ReferenceNotFound"),
        new Row(
            "404 of the resource itself: it went away", 404, "graftedvirtualmachines", "web", null),
        new Row("409 conflict: retried", 409, "goldenimages", "x", null),
        new Row("500: retried", 500, "goldenimages", "x", null),
        new Row("429: retried", 429, "goldenimages", "x", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void classifies(Row row) {
    GraftedVirtualMachine gvm = new GraftedVirtualMachine();
    gvm.getMetadata().setName("web");
    KubernetesClientException e =
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(row.code())
                .withMessage("refused")
                .withNewDetails()
                .withKind(row.kind())
                .withName(row.object())
                .endDetails()
                .build());
    Optional<ApiRejection> r = ApiRejection.of(new RuntimeException("wrapped", e), gvm);
    if (row.reason() == null) {
      assertThat(r).isEmpty();
    } else {
      assertThat(r).get().extracting(ApiRejection::reason).isEqualTo(row.reason());
      assertThat(r.get().message()).isEqualTo("refused");
    }
  }

  @org.junit.jupiter.api.Test
  void secretsInTheServerMessageAreMasked() {
    String said =
        "admission webhook denied: data.token=c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Njc4OTA= password:"
            + " hunter2, Authorization: Bearer abcdef";
    String masked = ApiRejection.mask(said);
    assertThat(masked)
        .doesNotContain("c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Njc4OTA")
        .doesNotContain("hunter2")
        .doesNotContain("abcdef")
        .contains("admission webhook denied");
  }
}
