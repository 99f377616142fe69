package dev.graft.build;

import dev.graft.api.FileSet;
import dev.graft.api.GraftedVirtualMachine;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolved manifests (or the resolution error) per GraftedVirtualMachine, kept while the request is
 * the same: its uid and generation, and the resourceVersion of every FileSet, ConfigMap and Secret
 * its resolution read (or their absence). Planning resolves every pending request of a catalog on
 * each plan; with this, only the ones that changed are resolved again.
 */
public final class ManifestCache {
  private enum Kind {
    FILESET,
    CONFIGMAP,
    SECRET
  }

  /** One object a resolution read: null version when it was absent. */
  private record Ref(Kind kind, String namespace, String name, String version) {}

  private record Entry(
      Long generation, List<Ref> refs, Manifest manifest, ResolutionException error) {}

  private final FileResolver resolver;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public ManifestCache(FileResolver resolver) {
    this.resolver = resolver;
  }

  /** The manifest of {@code gvm}, from the cache when nothing it read has changed. */
  public Manifest resolve(GraftedVirtualMachine gvm, FileResolver.Lookup lookup)
      throws ResolutionException {
    String uid = gvm.getMetadata().getUid();
    if (uid == null) {
      return resolver.resolve(gvm, lookup);
    }
    Entry e = entries.get(uid);
    if (e != null
        && Objects.equals(e.generation(), gvm.getMetadata().getGeneration())
        && current(e.refs(), lookup)) {
      if (e.error() != null) {
        throw e.error();
      }
      return e.manifest();
    }
    Recording recording = new Recording(lookup);
    try {
      Manifest m = resolver.resolve(gvm, recording);
      entries.put(uid, new Entry(gvm.getMetadata().getGeneration(), recording.refs, m, null));
      return m;
    } catch (ResolutionException error) {
      entries.put(uid, new Entry(gvm.getMetadata().getGeneration(), recording.refs, null, error));
      throw error;
    }
  }

  /** Forgets the requests that are gone. */
  public void retain(Set<String> uids) {
    entries.keySet().retainAll(uids);
  }

  public int size() {
    return entries.size();
  }

  private static boolean current(List<Ref> refs, FileResolver.Lookup lookup) {
    for (Ref r : refs) {
      HasMetadata now =
          switch (r.kind()) {
            case FILESET -> lookup.fileSet(r.namespace(), r.name());
            case CONFIGMAP -> lookup.configMap(r.namespace(), r.name());
            case SECRET -> lookup.secret(r.namespace(), r.name());
          };
      if (!Objects.equals(version(now), r.version())) {
        return false;
      }
    }
    return true;
  }

  private static String version(HasMetadata o) {
    return o == null ? null : Objects.toString(o.getMetadata().getResourceVersion(), "");
  }

  /** A lookup that notes what it was asked for and what it found. */
  private static final class Recording implements FileResolver.Lookup {
    private final FileResolver.Lookup lookup;
    private final List<Ref> refs = new ArrayList<>();

    Recording(FileResolver.Lookup lookup) {
      this.lookup = lookup;
    }

    @Override
    public FileSet fileSet(String namespace, String name) {
      return note(Kind.FILESET, namespace, name, lookup.fileSet(namespace, name));
    }

    @Override
    public ConfigMap configMap(String namespace, String name) {
      return note(Kind.CONFIGMAP, namespace, name, lookup.configMap(namespace, name));
    }

    @Override
    public Secret secret(String namespace, String name) {
      return note(Kind.SECRET, namespace, name, lookup.secret(namespace, name));
    }

    private <T extends HasMetadata> T note(Kind kind, String ns, String name, T found) {
      refs.add(new Ref(kind, ns, name, version(found)));
      return found;
    }
  }
}
