package dev.graft.cli;

import dev.graft.inject.KvmMode;
import picocli.CommandLine.Option;

/** The {@code --kvm auto|always|never} option of the commands that launch libguestfs. */
public final class KvmOption {

  @Option(
      names = "--kvm",
      defaultValue = "${env:GRAFT_KVM:-auto}",
      paramLabel = "auto|always|never",
      description =
          "auto probes KVM and falls back to software emulation; env GRAFT_KVM (default: auto).")
  String kvm;

  /** The chosen mode; a bad value is bad input naming {@code --kvm}. */
  KvmMode mode() {
    return KvmMode.parse("--kvm", kvm);
  }
}
