package dev.graft.inject.job;

import dev.graft.config.GraftConfig;
import dev.graft.inject.KvmMode;

/**
 * How injection Jobs run: image, resources, KVM use, deadlines and the non-root user. The operator
 * maps {@link GraftConfig.Injector} into it with {@link #from}.
 */
public record InjectorSettings(
    String image,
    String cpuRequest,
    String cpuLimit,
    String memoryRequest,
    String memoryLimit,
    KvmMode kvm,
    long activeDeadlineSeconds,
    int backoffLimit,
    int ttlSecondsAfterFinished,
    long runAsUser) {

  /** The operator configuration's injector settings. */
  public static InjectorSettings from(GraftConfig.Injector config) {
    return new InjectorSettings(
        config.image(),
        config.cpuRequest(),
        config.cpuLimit(),
        config.memoryRequest(),
        config.memoryLimit(),
        KvmMode.parse("graft.injector.kvm", config.kvm()),
        config.activeDeadlineSeconds(),
        config.backoffLimit(),
        config.ttlSecondsAfterFinished(),
        config.runAsUser());
  }

  /**
   * Whether the Job asks for KVM. {@code auto} does when some node advertises the KubeVirt KVM
   * device ({@link KvmNodes#offered}); otherwise the Job is not left Pending for a device no node
   * has, and runs under software emulation instead.
   */
  public boolean useKvm(boolean kvmNodesAvailable) {
    return switch (kvm) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> kvmNodesAvailable;
    };
  }
}
