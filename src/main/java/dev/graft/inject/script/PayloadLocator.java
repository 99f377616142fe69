package dev.graft.inject.script;

import dev.graft.inject.FileToInject;

/**
 * Where the payload of the {@code index}-th file is found by the machine that runs guestfish: a
 * temporary directory for the local executor, the projected volumes inside the Job.
 */
@FunctionalInterface
public interface PayloadLocator {
  String locate(int index, FileToInject file);

  /** Payload file names are indexes, so no user-chosen name ever reaches a script. */
  static String fileName(int index) {
    return String.format("%04d", index);
  }
}
