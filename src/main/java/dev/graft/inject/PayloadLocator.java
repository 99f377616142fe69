package dev.graft.inject;

/**
 * Where the payload of the {@code index}-th file is found by the machine that runs guestfish: a
 * temporary directory for the local executor, the projected volumes inside the Job.
 */
@FunctionalInterface
public interface PayloadLocator {
  String locate(int index, FileToInject file);
}
