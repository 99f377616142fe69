package dev.graft.inject;

import java.util.regex.Pattern;

/** Kubernetes name rules for the objects and keys a payload refers to. */
final class Names {
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  private Names() {}

  /** A ConfigMap or Secret name: a DNS-1123 subdomain. */
  static void checkObjectName(String field, String name) {
    if (name == null || name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
      throw new InjectionInputException(
          field,
          "must be a Kubernetes object name (lower-case DNS subdomain), got "
              + (name == null ? "nothing" : Quoted.of(name)));
    }
  }

  /** A ConfigMap or Secret data key. */
  static void checkDataKey(String field, String key) {
    if (key == null
        || key.length() > 253
        || key.equals(".")
        || key.equals("..")
        || !DATA_KEY.matcher(key).matches()) {
      throw new InjectionInputException(
          field,
          "must be a ConfigMap/Secret key (letters, digits, '-', '_', '.'), got "
              + (key == null ? "nothing" : Quoted.of(key)));
    }
  }
}
