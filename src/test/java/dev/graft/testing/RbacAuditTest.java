package dev.graft.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RbacAuditTest {

  @Test
  void parsesRequestsLikeTheAuthorizer() {
    assertThat(RbacAudit.access("GET", "/apis/batch/v1/namespaces/ns/jobs?watch=true"))
        .isEqualTo(new RbacAudit.Access("watch", "batch", "jobs"));
    assertThat(RbacAudit.access("GET", "/api/v1/namespaces/ns/secrets/s1"))
        .isEqualTo(new RbacAudit.Access("get", "", "secrets"));
    assertThat(RbacAudit.access("GET", "/apis/graft.dev/v1alpha1/goldenimages"))
        .isEqualTo(new RbacAudit.Access("list", "graft.dev", "goldenimages"));
    assertThat(
            RbacAudit.access(
                "PATCH", "/apis/graft.dev/v1alpha1/namespaces/a/goldenimages/x/status"))
        .isEqualTo(new RbacAudit.Access("patch", "graft.dev", "goldenimages/status"));
    assertThat(RbacAudit.access("POST", "/api/v1/namespaces/a/events"))
        .isEqualTo(new RbacAudit.Access("create", "", "events"));
    assertThat(
            RbacAudit.access("DELETE", "/apis/cdi.kubevirt.io/v1beta1/namespaces/a/datavolumes/d"))
        .isEqualTo(new RbacAudit.Access("delete", "cdi.kubevirt.io", "datavolumes"));
  }

  @Test
  void reportsCallsNoRuleAllows(@TempDir Path dir) throws IOException {
    Path role = dir.resolve("role.yaml");
    Files.writeString(
        role,
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: r}
        rules:
          - apiGroups: [batch]
            resources: [jobs]
            verbs: [get, list, watch, create]
          - apiGroups: [""]
            resources: [secrets]
            verbs: [get]
        """);
    RbacAudit audit = RbacAudit.fromRole(role);
    List<RbacAudit.Access> calls =
        List.of(
            RbacAudit.access("POST", "/apis/batch/v1/namespaces/a/jobs"),
            RbacAudit.access("GET", "/api/v1/namespaces/a/secrets/s"),
            RbacAudit.access("DELETE", "/apis/batch/v1/namespaces/a/jobs/j"),
            RbacAudit.access("GET", "/api/v1/namespaces/a/secrets?watch=true"));
    assertThat(audit.denied(calls))
        .extracting(Object::toString)
        .containsExactly("delete batch/jobs", "watch core/secrets");
  }
}
