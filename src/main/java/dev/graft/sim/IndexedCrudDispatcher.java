package dev.graft.sim;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The fabric8 mock server's CRUD store with an index: a request names its resource (the plural) and
 * often the object, and only the objects of that resource, or of that name, are matched against it.
 * The mock server itself matches every request against every object it stores, so a run of N
 * objects costs O(N²) (at 2,000 VMs half of the whole run was that scan; docs/benchmarks.md,
 * "Load"). What is answered is unchanged: the same objects, in the same order, matched by the same
 * {@link AttributeSet#matches}; creates, updates, patches, status, conflicts, watches and
 * finalizers are the mock server's own code. Requests that name no resource (e.g. {@code /version})
 * and watches go to the mock server as they are.
 */
public class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private static final String PLURAL = "plural";
  private static final String NAME = KubernetesAttributesExtractor.NAME;
  // The paths the mock server answers with an APIResourceList when nothing is stored under them.
  private static final Pattern API_RESOURCES =
      Pattern.compile("/apis(/([a-zA-Z0-9-_.]+))?(/([a-zA-Z0-9-_]+))");

  /** The store's keys by resource, and by resource and name, in the store's (insertion) order. */
  private final Map<String, Set<AttributeSet>> byResource = new HashMap<>();

  private final Map<String, Set<AttributeSet>> byName = new HashMap<>();
  private final AtomicLong latestVersion = new AtomicLong();
  private final ReadWriteLock lock;

  public IndexedCrudDispatcher() {
    this.lock = storeLock();
  }

  /** The mock server's own lock: its writes and watches take it, so the index must too. */
  private ReadWriteLock storeLock() {
    try {
      var field = KubernetesCrudDispatcher.class.getDeclaredField("lock");
      field.setAccessible(true);
      return (ReadWriteLock) field.get(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the mock server's CRUD store has no lock to share", e);
    }
  }

  @Override
  public MockResponse handleGet(String path) {
    if (isWatch(path)) {
      return super.handleGet(path);
    }
    AttributeSet query = attributeExtractor.fromPath(path);
    return locked(
        lock.readLock(),
        () -> {
          Collection<AttributeSet> candidates = candidates(query);
          if (candidates == null) {
            return super.handleGet(path);
          }
          List<String> items = matching(candidates, query).stream().map(map::get).toList();
          if (items.isEmpty()
              && !query.containsKey(NAME)
              && API_RESOURCES.matcher(path).matches()) {
            return super.handleGet(path); // the group's APIResourceList
          }
          return answer(query, items);
        });
  }

  /**
   * As the mock server deletes: an object without finalizers goes (a DELETED event), one with
   * finalizers gets its deletionTimestamp and stays until they are removed (a MODIFIED event).
   */
  @Override
  public MockResponse handleDelete(String path) {
    AttributeSet query = attributeExtractor.fromPath(path);
    return locked(
        lock.writeLock(),
        () -> {
          Collection<AttributeSet> candidates = candidates(query);
          if (candidates == null) {
            return super.handleDelete(path);
          }
          List<String> items = new ArrayList<>();
          for (AttributeSet key : matching(candidates, query)) {
            items.add(map.get(key));
            delete(path, query, key);
          }
          return answer(query, items);
        });
  }

  /** The stored keys among {@code candidates} that match the query, in the store's order. */
  private List<AttributeSet> matching(Collection<AttributeSet> candidates, AttributeSet query) {
    List<AttributeSet> out = new ArrayList<>();
    for (AttributeSet key : candidates) {
      if (map.containsKey(key) && key.matches(query)) {
        out.add(key);
      }
    }
    return out;
  }

  /** As the mock server answers: the named object (404 when none), else the list of all. */
  private MockResponse answer(AttributeSet query, List<String> items) {
    if (query.containsKey(NAME)) {
      return items.isEmpty()
          ? new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
          : new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(items.get(0));
    }
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(list(items));
  }

  private void delete(String path, AttributeSet query, AttributeSet key) {
    GenericKubernetesResource resource =
        Serialization.unmarshal(map.get(key), GenericKubernetesResource.class);
    if (resource.getFinalizers().isEmpty()) {
      processEvent(path, query, key, null, null);
    } else if (!resource.isMarkedForDeletion()) {
      resource
          .getMetadata()
          .setDeletionTimestamp(
              ZonedDateTime.now(ZoneOffset.UTC)
                  .truncatedTo(ChronoUnit.SECONDS)
                  .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      resource.getMetadata().setResourceVersion(String.valueOf(requestResourceVersion()));
      processEvent(path, query, key, resource, Serialization.asJson(resource));
    }
  }

  /** Called by the mock server's create, update and patch handlers, under its write lock. */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    Collection<AttributeSet> candidates = candidates(attributes);
    if (candidates == null) {
      return super.findResource(attributes);
    }
    for (AttributeSet key : candidates) {
      String value = map.get(key);
      if (value != null && key.matches(attributes)) {
        return new AbstractMap.SimpleImmutableEntry<>(key, value);
      }
    }
    return null;
  }

  /** Every change of the store comes here (under the write lock): the index follows it. */
  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (oldAttributes != null) {
      unindex(oldAttributes);
    }
    if (newState != null) {
      // The key the mock server stored the new state under, computed as it does.
      KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
      AttributeSet key =
          resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
      if (!key.containsKey(PLURAL)) {
        key = AttributeSet.merge(pathAttributes, key);
      }
      index(key);
    }
  }

  @Override
  public long requestResourceVersion() {
    long version = super.requestResourceVersion();
    latestVersion.accumulateAndGet(version, Math::max);
    return version;
  }

  @Override
  public void reset() {
    locked(
        lock.writeLock(),
        () -> {
          super.reset();
          byResource.clear();
          byName.clear();
          return null;
        });
  }

  /**
   * Rebuilds the index from the store, in its order: for a caller that changed the store's map
   * directly (the load benchmark forgets a namespace's objects to weigh the operator's heap). The
   * index then holds nothing the store does not.
   */
  public void reindex() {
    locked(
        lock.writeLock(),
        () -> {
          List<AttributeSet> keys;
          synchronized (map) {
            keys = new ArrayList<>(map.keySet());
          }
          byResource.clear();
          byName.clear();
          keys.forEach(this::index);
          return null;
        });
  }

  /** Writes that bypass the Kubernetes handlers would bypass the index: not supported. */
  @Override
  public MockResponse handleCreate(String path, String body) {
    throw new UnsupportedOperationException("create through the Kubernetes API");
  }

  @Override
  public MockResponse handlePatch(String path, String body) {
    throw new UnsupportedOperationException("patch through the Kubernetes API");
  }

  @Override
  public MockResponse handleUpdate(String path, String body) {
    throw new UnsupportedOperationException("update through the Kubernetes API");
  }

  /**
   * The keys that can match the query: those of its resource, or of its resource and name; null
   * when the query names no resource (or uses the mock server's {@code *} wildcard), which only a
   * scan of everything answers.
   */
  private Collection<AttributeSet> candidates(AttributeSet query) {
    String resource = value(query.getAttribute(PLURAL));
    if (resource == null) {
      return null;
    }
    Attribute name = query.getAttribute(NAME);
    if (name == null) {
      return byResource.getOrDefault(resource, Set.of());
    }
    String n = value(name);
    return n == null ? null : byName.getOrDefault(resource + "/" + n, Set.of());
  }

  /** How many stored objects a request to this path is matched against; -1 for all of them. */
  int candidates(String path) {
    return locked(
        lock.readLock(),
        () -> {
          Collection<AttributeSet> keys = candidates(attributeExtractor.fromPath(path));
          return keys == null ? -1 : keys.size();
        });
  }

  /** The single value a plain (WITH) attribute asks for; null for anything else. */
  private static String value(Attribute a) {
    if (a == null || a.getType() != AttributeType.WITH || a.getValues().size() != 1) {
      return null;
    }
    String v = a.getValues().get(0).toString();
    return v == null || v.equals("*") ? null : v;
  }

  private void index(AttributeSet key) {
    String resource = value(key.getAttribute(PLURAL));
    if (resource == null) {
      return; // no request that names a resource matches it
    }
    byResource.computeIfAbsent(resource, r -> new LinkedHashSet<>()).add(key);
    String name = value(key.getAttribute(NAME));
    if (name != null) {
      byName.computeIfAbsent(resource + "/" + name, r -> new LinkedHashSet<>()).add(key);
    }
  }

  private void unindex(AttributeSet key) {
    String resource = value(key.getAttribute(PLURAL));
    if (resource == null) {
      return;
    }
    remove(byResource, resource, key);
    String name = value(key.getAttribute(NAME));
    if (name != null) {
      remove(byName, resource + "/" + name, key);
    }
  }

  private static void remove(Map<String, Set<AttributeSet>> index, String at, AttributeSet key) {
    Set<AttributeSet> keys = index.get(at);
    if (keys != null && keys.remove(key) && keys.isEmpty()) {
      index.remove(at);
    }
  }

  private String list(List<String> items) {
    return ((KubernetesResponseComposer) responseComposer)
        .compose(items, String.valueOf(latestVersion.get()));
  }

  /** As the mock server tells a watch from a list: {@code watch=true} in the query. */
  private static boolean isWatch(String path) {
    try {
      String query = new URI(path).getQuery();
      return query != null && query.contains("watch=true");
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static <T> T locked(Lock lock, Supplier<T> body) {
    lock.lock();
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }
}
