package dev.graft.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An API error that retrying cannot fix: 400 (malformed), 403 (forbidden, also a refused quota),
 * 404 on an object other than the one reconciled (a referenced object or namespace is missing) and
 * 422 (invalid, also a webhook's refusal). Everything else (conflicts, 5xx, 429, timeouts, a
 * connection lost) is transient and retried with back-off.
 *
 * @param reason the condition reason
 * @param message what the server said, with anything that looks like a secret masked
 */
public record ApiRejection(int code, String reason, String message) {
  /** Runs of base64 (as in Secret data) or hex long enough to be a key, a token or a password. */
  private static final Pattern SECRETISH = Pattern.compile("[A-Za-z0-9+/_]{24,}={0,2}");

  /** A credential's name, then its value (a bearer token's too). */
  private static final Pattern CREDENTIAL =
      Pattern.compile(
          "(?i)((?:password|passwd|token|secret|authorization)[\"']?\\s*[:=]?\\s*)"
              + "(?:bearer\\s+)?[^\\s,;\"'}]+");

  /** The rejection {@code failure} (or its cause) is, for a reconcile of {@code primary}. */
  public static Optional<ApiRejection> of(Throwable failure, HasMetadata primary) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException e) {
        return of(e, primary);
      }
    }
    return Optional.empty();
  }

  private static Optional<ApiRejection> of(KubernetesClientException e, HasMetadata primary) {
    String reason =
        switch (e.getCode()) {
          case 400 -> "ApiBadRequest";
          case 403 -> "ApiForbidden";
          case 404 -> aboutPrimary(e, primary) ? null : "ReferenceNotFound";
          case 422 -> "ApiInvalid";
          default -> null;
        };
    if (reason == null) {
      return Optional.empty();
    }
    String said =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return Optional.of(new ApiRejection(e.getCode(), reason, mask(said)));
  }

  /** A 404 about the reconciled object itself: it went away, which is no error. */
  private static boolean aboutPrimary(KubernetesClientException e, HasMetadata primary) {
    var details = e.getStatus() == null ? null : e.getStatus().getDetails();
    if (details == null || details.getName() == null) {
      return true;
    }
    return details.getName().equals(primary.getMetadata().getName())
        && (details.getKind() == null
            || primary.getPlural().equalsIgnoreCase(details.getKind())
            || primary.getKind().equalsIgnoreCase(details.getKind()));
  }

  /** The message with credentials and long key-like runs replaced by {@code ***}. */
  public static String mask(String message) {
    if (message == null) {
      return "";
    }
    String masked = CREDENTIAL.matcher(message).replaceAll("$1***");
    return SECRETISH.matcher(masked).replaceAll("***");
  }
}
