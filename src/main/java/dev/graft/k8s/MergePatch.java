package dev.graft.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Objects;

/**
 * A JSON merge patch (RFC 7386) that brings the fields a writer owns from what the object is
 * ({@code live}) to what the writer wants ({@code desired}), and leaves every other field alone:
 * kubectl's three-way merge, with {@code lastApplied} (what the writer wanted before) telling which
 * fields the writer owned and dropped. Objects merge field by field; a list is one value (a merge
 * patch replaces lists whole), patched only when the writer's own list changed or, without a
 * record, differs from the live one: a list an admission webhook completed is not fought over.
 */
public final class MergePatch {
  private MergePatch() {}

  /**
   * The same change as JSON Patch (RFC 6902) operations against {@code live}: a member the merge
   * patch sets is added (which replaces it when present), a null removes it. Sent as a JSON patch
   * because fabric8's mock API server merges lists of a merge patch instead of replacing them,
   * where a real API server replaces them (RFC 7386).
   */
  public static ArrayNode toJsonPatch(ObjectNode mergePatch, JsonNode live) {
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    operations(mergePatch, live, "", ops);
    return ops;
  }

  private static void operations(ObjectNode patch, JsonNode live, String path, ArrayNode ops) {
    for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      JsonNode value = patch.get(f);
      JsonNode is = live == null ? null : live.get(f);
      String at = path + "/" + f.replace("~", "~0").replace("/", "~1");
      if (value.isNull()) {
        ops.addObject().put("op", "remove").put("path", at);
      } else if (value.isObject() && is != null && is.isObject()) {
        operations((ObjectNode) value, is, at, ops);
      } else {
        ops.addObject().put("op", "add").put("path", at).set("value", value);
      }
    }
  }

  /** The patch; empty when the object already holds what the writer wants. */
  public static ObjectNode threeWay(JsonNode lastApplied, JsonNode desired, JsonNode live) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    for (Iterator<String> it = desired.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      JsonNode want = desired.get(f);
      JsonNode is = live == null ? null : live.get(f);
      JsonNode was = lastApplied == null ? null : lastApplied.get(f);
      if (want.isObject() && is != null && is.isObject()) {
        ObjectNode sub = threeWay(was != null && was.isObject() ? was : null, want, is);
        if (!sub.isEmpty()) {
          patch.set(f, sub);
        }
      } else if (want.isArray() && was != null) {
        if (!want.equals(was) || is == null) {
          patch.set(f, want);
        }
      } else if (!Objects.equals(want, is)) {
        patch.set(f, want);
      }
    }
    if (lastApplied != null) {
      for (Iterator<String> it = lastApplied.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!desired.has(f) && live != null && live.has(f)) {
          patch.putNull(f);
        }
      }
    }
    return patch;
  }
}
