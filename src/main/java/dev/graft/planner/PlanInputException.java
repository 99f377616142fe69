package dev.graft.planner;

/** Bad planner input; the message names the offending field and value. */
public final class PlanInputException extends RuntimeException {
  private final String field;

  public PlanInputException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /** The JSON path of the offending field, e.g. {@code requests[2].files[0]}. */
  public String field() {
    return field;
  }
}
