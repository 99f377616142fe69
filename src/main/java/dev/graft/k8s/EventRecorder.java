package dev.graft.k8s;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events (core/v1) on Graft's resources: Normal for each step, Warning for every
 * failure reason. Repeats are aggregated as kubectl's recorder does: one Event per object, type and
 * reason, under a deterministic name, whose {@code count} rises and whose message and {@code
 * lastTimestamp} are the latest. Messages name fields and objects, never file content.
 */
@ApplicationScoped
public class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  /** How many aggregated events this process remembers the count of (kubectl keeps 4096). */
  static final int REMEMBERED = 4096;

  private final KubernetesClient client;

  /** Event name to the count last written; forgotten ones are read back from the API. */
  private final Map<String, Integer> counts = lru();

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  /**
   * The one name of the events of an object with a type and reason: the object's name and a digest
   * of its kind, uid, type and reason.
   */
  public static String name(HasMetadata about, String type, String reason) {
    String key =
        String.join(
            "\u0000",
            about.getKind(),
            String.valueOf(about.getMetadata().getUid()),
            about.getMetadata().getName(),
            type,
            reason);
    String digest = HexFormat.of().formatHex(sha256(key)).substring(0, 12);
    return about.getMetadata().getName() + "." + digest;
  }

  private void record(HasMetadata about, String type, String reason, String message) {
    String ns = about.getMetadata().getNamespace();
    String name = name(about, type, reason);
    String now = Instant.now().toString();
    try {
      // One writer per name at a time, so that counts rise by one.
      synchronized (lockFor(name)) {
        Integer last = counts.get(name);
        if (last == null) {
          last = createOrRead(about, ns, name, type, reason, message, now);
          if (last == 0) {
            counts.put(name, 1);
            return;
          }
        }
        int count = last + 1;
        try {
          // With the event as the item, the client patches without reading it first.
          resource(about, name, type, reason, message, now)
              .patch(PatchContext.of(PatchType.JSON_MERGE), repeat(count, message, now));
          counts.put(name, count);
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
          // Expired (the API server keeps events for an hour): start again.
          createOrRead(about, ns, name, type, reason, message, now);
          counts.put(name, 1);
        }
      }
    } catch (KubernetesClientException e) {
      // Events are best effort: losing one must never fail a reconcile.
      counts.remove(name);
      LOG.debugf("event %s/%s not recorded: %s", about.getKind(), name, e.getMessage());
    } finally {
      LOG.infof(
          "%s %s %s/%s: %s", type, reason, about.getKind(), about.getMetadata().getName(), message);
    }
  }

  /** Creates the event and returns 0, or the count of the one already there (another process). */
  private int createOrRead(
      HasMetadata about,
      String ns,
      String name,
      String type,
      String reason,
      String message,
      String now) {
    try {
      resource(about, name, type, reason, message, now).create();
      return 0;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      Event existing = client.v1().events().inNamespace(ns).withName(name).get();
      return existing == null || existing.getCount() == null ? 1 : existing.getCount();
    }
  }

  /** The event as the client's item: created, or patched without reading it first. */
  private io.fabric8.kubernetes.client.dsl.Resource<Event> resource(
      HasMetadata about, String name, String type, String reason, String message, String now) {
    return client
        .v1()
        .events()
        .inNamespace(about.getMetadata().getNamespace())
        .resource(event(about, name, type, reason, message, now));
  }

  private static String repeat(int count, String message, String now) {
    return "{\"count\":"
        + count
        + ",\"lastTimestamp\":\""
        + now
        + "\",\"message\":"
        + jsonString(message)
        + "}";
  }

  private static Event event(
      HasMetadata about, String name, String type, String reason, String message, String now) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(about.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(about.getApiVersion())
                .withKind(about.getKind())
                .withName(about.getMetadata().getName())
                .withNamespace(about.getMetadata().getNamespace())
                .withUid(about.getMetadata().getUid())
                .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource()
        .withComponent("graft")
        .endSource()
        .build();
  }

  /** One lock per event name, so that counts rise by one. */
  private final Map<String, Object> locks = lru();

  /** A map that forgets its least recently used entries beyond {@link #REMEMBERED}. */
  private static <V> Map<String, V> lru() {
    return Collections.synchronizedMap(
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > REMEMBERED;
          }
        });
  }

  private Object lockFor(String name) {
    return locks.computeIfAbsent(name, n -> new Object());
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : (s == null ? "" : s).toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
