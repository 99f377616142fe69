package dev.graft.inject;

/** Bad injection input (a path, mode, owner or payload); the message names the field and value. */
public final class InjectionInputException extends RuntimeException {
  private final String field;

  public InjectionInputException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /** The offending field, e.g. {@code files[2].path}. */
  public String field() {
    return field;
  }
}
