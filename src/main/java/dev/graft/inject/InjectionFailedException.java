package dev.graft.inject;

/** libguestfs could not apply a script (bad image, full disk, ...); carries its error text. */
public final class InjectionFailedException extends RuntimeException {
  public InjectionFailedException(String message) {
    super(message);
  }
}
