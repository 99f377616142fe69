package dev.graft.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Copies and compares status objects through their JSON form: a reconcile works on a copy of the
 * cached status, and patches only when the copy's JSON differs (an unchanged state, no patch).
 */
public final class StatusCopies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusCopies() {}

  /** A deep copy of {@code status}, or a new empty one of {@code type} when there is none. */
  public static <S> S copy(S status, Class<S> type) {
    if (status == null) {
      try {
        return type.getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(type + " needs a public no-argument constructor", e);
      }
    }
    return JSON.convertValue(status, type);
  }

  /** Whether two statuses serialize alike; never for a missing {@code before}. */
  public static boolean same(Object before, Object after) {
    return before != null && JSON.valueToTree(before).equals(JSON.valueToTree(after));
  }
}
