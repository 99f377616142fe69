package dev.graft.inject.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container runtime takes from an image built by a Dockerfile: the {@code ENV} (over the
 * base image's {@code PATH}), {@code USER} and {@code WORKDIR}. Read from the Dockerfile itself, so
 * a change there reaches the runtime test.
 */
record ImageConfig(Map<String, String> env, String user, String workdir) {

  /** debian:bookworm-slim's PATH, which the injector image inherits. */
  static final String BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  static ImageConfig fromDockerfile(Path dockerfile) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", BASE_PATH);
    String user = "0";
    String workdir = "/";
    for (String instruction : instructions(Files.readAllLines(dockerfile))) {
      String[] parts = instruction.strip().split("\\s+", 2);
      String keyword = parts[0].toUpperCase(java.util.Locale.ROOT);
      String rest = parts.length > 1 ? parts[1].strip() : "";
      switch (keyword) {
        case "ENV" -> env.putAll(envPairs(rest));
        case "USER" -> user = rest;
        case "WORKDIR" -> workdir = rest;
        default -> {}
      }
    }
    return new ImageConfig(env, user, workdir);
  }

  /** Joins continuation lines and drops comments. */
  private static List<String> instructions(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      if (line.stripLeading().startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      if (!current.toString().isBlank()) {
        out.add(current.toString());
      }
      current.setLength(0);
    }
    return out;
  }

  /** {@code K=V K2="V 2"} or the legacy {@code K V}. */
  private static Map<String, String> envPairs(String text) {
    Map<String, String> pairs = new LinkedHashMap<>();
    if (!text.contains("=") || text.indexOf(' ') >= 0 && text.indexOf(' ') < text.indexOf('=')) {
      String[] kv = text.split("\\s+", 2);
      pairs.put(kv[0], kv.length > 1 ? kv[1] : "");
      return pairs;
    }
    int i = 0;
    while (i < text.length()) {
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= text.length()) {
        break;
      }
      int eq = text.indexOf('=', i);
      String key = text.substring(i, eq);
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          value.append(text.charAt(i++));
        }
        i++;
      } else {
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
          value.append(text.charAt(i++));
        }
      }
      pairs.put(key, value.toString());
    }
    return pairs;
  }
}
