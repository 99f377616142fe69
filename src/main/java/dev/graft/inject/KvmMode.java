package dev.graft.inject;

import java.util.Locale;

/**
 * Whether libguestfs's appliance runs under KVM. {@code never} forces software emulation (TCG,
 * about 15 s per launch); {@code always} uses KVM; {@code auto} uses KVM only when it is known to
 * work: locally by a short probe launch, in a cluster when a node offers the KubeVirt KVM device.
 */
public enum KvmMode {
  AUTO,
  ALWAYS,
  NEVER;

  /**
   * Environment variable that sets the local default ({@code auto}, {@code always}, {@code never}).
   */
  public static final String ENV = "GRAFT_KVM";

  /** Parses {@code auto}, {@code always} or {@code never}, case-insensitively. */
  public static KvmMode parse(String field, String value) {
    if (value != null) {
      for (KvmMode mode : values()) {
        if (mode.name().equalsIgnoreCase(value.trim())) {
          return mode;
        }
      }
    }
    throw new InjectionInputException(
        field,
        "must be auto, always or never, got " + (value == null ? "nothing" : Quoted.of(value)));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
