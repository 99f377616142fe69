package dev.graft.build;

/**
 * Bad or unresolvable user input: {@code reason} is the condition reason, the message names the
 * field. Never carries file content.
 */
public class ResolutionException extends Exception {
  private final String reason;

  public ResolutionException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
