package dev.graft.inject.job;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Kubernetes Pod Security Standards "restricted" profile (baseline included), as checks on a
 * pod spec: https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 */
final class RestrictedPodSecurity {

  private static final Set<String> SECCOMP = Set.of("RuntimeDefault", "Localhost");

  private RestrictedPodSecurity() {}

  /** Every rule the pod breaks; empty when it is admitted under {@code restricted}. */
  static List<String> violations(PodSpec pod) {
    List<String> out = new ArrayList<>();
    PodSecurityContext psc = pod.getSecurityContext();
    if (Boolean.TRUE.equals(pod.getHostNetwork())
        || Boolean.TRUE.equals(pod.getHostPID())
        || Boolean.TRUE.equals(pod.getHostIPC())) {
      out.add("host namespaces");
    }
    for (Volume v : pod.getVolumes()) {
      boolean allowed =
          v.getConfigMap() != null
              || v.getCsi() != null
              || v.getDownwardAPI() != null
              || v.getEmptyDir() != null
              || v.getEphemeral() != null
              || v.getPersistentVolumeClaim() != null
              || v.getProjected() != null
              || v.getSecret() != null;
      if (!allowed || v.getHostPath() != null) {
        out.add("volume type of " + v.getName());
      }
    }
    if (psc != null && psc.getSysctls() != null && !psc.getSysctls().isEmpty()) {
      out.add("sysctls");
    }
    if (psc != null && psc.getRunAsUser() != null && psc.getRunAsUser() == 0) {
      out.add("pod runAsUser 0");
    }
    boolean podNonRoot = psc != null && Boolean.TRUE.equals(psc.getRunAsNonRoot());
    boolean podSeccomp = psc != null && seccompOk(psc.getSeccompProfile());
    if (psc != null && psc.getSeccompProfile() != null && !seccompOk(psc.getSeccompProfile())) {
      out.add("pod seccomp profile");
    }
    List<Container> containers =
        Stream.of(pod.getContainers(), pod.getInitContainers())
            .filter(l -> l != null)
            .flatMap(List::stream)
            .toList();
    for (Container c : containers) {
      String n = c.getName();
      SecurityContext sc = c.getSecurityContext();
      if (sc == null) {
        out.add(n + ": no securityContext");
        continue;
      }
      if (Boolean.TRUE.equals(sc.getPrivileged())) {
        out.add(n + ": privileged");
      }
      if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        out.add(n + ": allowPrivilegeEscalation must be false");
      }
      Capabilities caps = sc.getCapabilities();
      if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
        out.add(n + ": capabilities must drop ALL");
      }
      if (caps != null
          && caps.getAdd() != null
          && !caps.getAdd().stream().allMatch("NET_BIND_SERVICE"::equals)) {
        out.add(n + ": capabilities added beyond NET_BIND_SERVICE");
      }
      if (Boolean.FALSE.equals(sc.getRunAsNonRoot())
          || !(podNonRoot || Boolean.TRUE.equals(sc.getRunAsNonRoot()))) {
        out.add(n + ": runAsNonRoot must be true");
      }
      if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
        out.add(n + ": runAsUser 0");
      }
      if (sc.getSeccompProfile() != null ? !seccompOk(sc.getSeccompProfile()) : !podSeccomp) {
        out.add(n + ": seccompProfile must be RuntimeDefault or Localhost");
      }
      if (sc.getProcMount() != null && !sc.getProcMount().equals("Default")) {
        out.add(n + ": procMount");
      }
      if (sc.getSeLinuxOptions() != null
          && (sc.getSeLinuxOptions().getUser() != null
              || sc.getSeLinuxOptions().getRole() != null)) {
        out.add(n + ": seLinuxOptions");
      }
      if (c.getPorts() != null) {
        for (ContainerPort p : c.getPorts()) {
          if (p.getHostPort() != null && p.getHostPort() != 0) {
            out.add(n + ": hostPort");
          }
        }
      }
    }
    return out;
  }

  private static boolean seccompOk(SeccompProfile profile) {
    return profile != null && SECCOMP.contains(profile.getType());
  }
}
