package dev.graft.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * The objects the fabric8 mock API server (CRUD mode) stores, as JSON strings in the heap of the
 * JVM that runs the operator: the load benchmark forgets a namespace's objects there, without a
 * watch event, to weigh the heap the operator holds apart from the server's copy.
 */
final class MockStore {
  private final Map<AttributeSet, String> objects;
  private final ReadWriteLock lock;

  private MockStore(Map<AttributeSet, String> objects, ReadWriteLock lock) {
    this.objects = objects;
    this.lock = lock;
  }

  /** The server's store; null when its dispatcher is not the fabric8 CRUD dispatcher. */
  static MockStore of(KubernetesMockServer server) {
    try {
      var field = KubernetesMockServer.class.getDeclaredField("dispatcher");
      field.setAccessible(true);
      Object dispatcher = field.get(server);
      if (dispatcher instanceof KubernetesMixedDispatcher) {
        // The tests' server (crud = true) puts expectations in front of the CRUD store.
        var crudField =
            KubernetesMixedDispatcher.class.getDeclaredField("kubernetesCrudDispatcher");
        crudField.setAccessible(true);
        dispatcher = crudField.get(dispatcher);
      }
      if (!(dispatcher instanceof CrudDispatcher crud)) {
        return null;
      }
      return new MockStore(crud.getMap(), lockOf(crud));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  /** The dispatcher's own lock (KubernetesCrudDispatcher guards its map with one), if any. */
  private static ReadWriteLock lockOf(Object dispatcher) {
    for (Class<?> c = dispatcher.getClass(); c != null; c = c.getSuperclass()) {
      for (var f : c.getDeclaredFields()) {
        if (ReadWriteLock.class.isAssignableFrom(f.getType())) {
          try {
            f.setAccessible(true);
            return (ReadWriteLock) f.get(dispatcher);
          } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
          }
        }
      }
    }
    return null;
  }

  /**
   * Forgets every object of the namespace, its Events included; no watch event is sent, so the
   * operator's caches keep theirs. Returns how many objects were dropped.
   */
  int forget(String namespace) {
    AttributeSet inNamespace =
        new AttributeSet(new Attribute(KubernetesAttributesExtractor.NAMESPACE, namespace));
    if (lock == null) {
      return forget(inNamespace);
    }
    lock.writeLock().lock();
    try {
      return forget(inNamespace);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private int forget(AttributeSet inNamespace) {
    int before = objects.size();
    objects.keySet().removeIf(key -> key.matches(inNamespace));
    return before - objects.size();
  }
}
