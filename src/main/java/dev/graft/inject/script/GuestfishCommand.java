package dev.graft.inject.script;

import dev.graft.inject.GuestPath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The guestfish command line and environment, shared by the Job and the local executor. */
public final class GuestfishCommand {

  private GuestfishCommand() {}

  /** {@code guestfish --rw [--format=F] -a DISK -i -f SCRIPT}: inspect, mount, run the script. */
  public static List<String> apply(String disk, String format, String script) {
    List<String> argv = new ArrayList<>(List.of("guestfish", "--rw"));
    if (format != null) {
      // An explicit format stops libguestfs from trusting a raw image's own header.
      argv.add("--format=" + format);
    }
    argv.addAll(List.of("-a", disk, "-i", "-f", script));
    return argv;
  }

  /** The libguestfs environment: direct backend, software emulation unless KVM is used. */
  public static Map<String, String> environment(boolean kvm) {
    return kvm
        ? Map.of("LIBGUESTFS_BACKEND", "direct")
        : Map.of("LIBGUESTFS_BACKEND", "direct", "LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
  }

  /** The guestfish argv that only launches the appliance (for probing KVM). */
  public static List<String> launchOnly() {
    return List.of("guestfish", "--ro", "-a", "/dev/null", "run");
  }

  /** Where the appliance would read {@code path} from, as a script-safe absolute path. */
  public static String scriptPath(String field, Path path) {
    return GuestPath.check(field, path.toAbsolutePath().normalize().toString());
  }
}
