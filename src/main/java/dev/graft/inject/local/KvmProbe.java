package dev.graft.inject.local;

import dev.graft.inject.KvmMode;
import dev.graft.inject.script.GuestfishCommand;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides locally whether the appliance can use KVM. On some machines {@code /dev/kvm} exists but
 * KVM guests crash or hang, so {@code auto} launches an empty appliance under KVM once, with a
 * timeout, and falls back to software emulation unless that launch succeeds.
 */
public final class KvmProbe {

  /** A KVM launch takes a few seconds; longer means the guest hangs. */
  static final long TIMEOUT_SECONDS = 30;

  private KvmProbe() {}

  /** Whether to use KVM under {@code mode}. */
  public static boolean useKvm(KvmMode mode) {
    return switch (mode) {
      case ALWAYS -> true;
      case NEVER -> false;
      case AUTO -> probe();
    };
  }

  private static boolean probe() {
    Path kvm = Path.of("/dev/kvm");
    if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
      return false;
    }
    Guestfish.Result result =
        Guestfish.run(
            GuestfishCommand.launchOnly(),
            GuestfishCommand.environment(true),
            TIMEOUT_SECONDS,
            l -> {});
    return result.exitCode() == 0;
  }
}
