package dev.graft.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * The operator's client reads short strings interned: one copy in the heap of each name, namespace,
 * label value, os, condition type and reason, timestamp and hash, however many cached objects hold
 * it. The SDK keeps one informer, with its own copy of every object, per event source (a
 * GoldenImage is held by four), and every request names the same os, FileSets and labels: at 500
 * requests most of the operator's heap was such copies (docs/benchmarks.md, "The operator's heap").
 * Long strings (a file's content, a recorded JSON) are rarely repeated and are read as they are.
 */
@Singleton
public class SharedStrings implements KubernetesClientObjectMapperCustomizer {
  /** Strings longer than this are not interned. */
  static final int MAX_INTERNED = 128;

  @Override
  public void customize(ObjectMapper mapper) {
    apply(mapper);
  }

  /** Makes {@code mapper} intern the short strings it reads. */
  public static ObjectMapper apply(ObjectMapper mapper) {
    mapper.registerModule(
        new SimpleModule("graft-shared-strings").addDeserializer(String.class, new Interning()));
    return mapper;
  }

  /** Jackson's string reading, then the JVM's string table for the short ones. */
  static final class Interning extends StringDeserializer {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String s = super.deserialize(p, ctxt);
      return s != null && s.length() <= MAX_INTERNED ? s.intern() : s;
    }
  }
}
