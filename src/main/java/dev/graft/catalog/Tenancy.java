package dev.graft.catalog;

import dev.graft.api.GoldenImage;
import dev.graft.api.ManifestEntry;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which catalog image may be the source of which build, so that no disk carries another tenant's
 * bytes in its free blocks. A build removes files by unlinking them, which leaves their bytes on
 * the disk; so the source's whole lineage ends up in the new disk. The rule:
 *
 * <ul>
 *   <li>an image holding content of a namespace other than the catalog's is a source only for
 *       images requested by that namespace alone;
 *   <li>an image holding Secret-sourced files is a source only for requests that contain every one
 *       of those files, so a Secret's file is never removed by a build.
 * </ul>
 *
 * Base images (imported OS disks) are the catalog's own and hold no tenant's content.
 */
public final class Tenancy {
  private Tenancy() {}

  /** What a request brings to the rule: the namespaces asking for it, its Secret-sourced files. */
  public record Request(Set<String> namespaces, Set<String> secretFiles) {}

  /** Digests of the Secret-sourced files among entries. */
  public static Set<String> secretFiles(Collection<ManifestEntry> entries) {
    Set<String> out = new TreeSet<>();
    if (entries != null) {
      for (ManifestEntry e : entries) {
        if (e.payload == ManifestEntry.Payload.Secret) {
          out.add(e.digest);
        }
      }
    }
    return out;
  }

  /** The namespaces of requesters ({@code namespace/name}), without the catalog's. */
  public static Set<String> namespacesOf(Collection<String> requesters, String catalogNs) {
    Set<String> out = new TreeSet<>();
    if (requesters != null) {
      for (String r : requesters) {
        int slash = r.indexOf('/');
        if (slash > 0 && !r.substring(0, slash).equals(catalogNs)) { // null: none is the catalog
          out.add(r.substring(0, slash));
        }
      }
    }
    return out;
  }

  /**
   * The namespaces whose content an image holds: {@code spec.tenants}; for an image made before
   * Graft recorded them, the namespaces that requested it; none for a base image.
   */
  public static Set<String> tenantsOf(GoldenImage gi, String catalogNs) {
    var spec = gi.getSpec();
    if (spec == null || spec.parent == null) {
      return Set.of();
    }
    Set<String> out = new TreeSet<>(namespacesOf(spec.requestedBy, catalogNs));
    if (spec.tenants != null) {
      out.addAll(spec.tenants);
    }
    if (catalogNs != null) {
      out.remove(catalogNs);
    }
    return out;
  }

  /** The Secret-sourced files an image holds: recorded for its lineage, and in its manifest. */
  public static Set<String> secretsOf(GoldenImage gi) {
    var spec = gi.getSpec();
    if (spec == null) {
      return Set.of();
    }
    Set<String> out = secretFiles(spec.files);
    if (spec.secretFiles != null) {
      out.addAll(spec.secretFiles);
    }
    return out;
  }

  /** Whether an image holding this content may be the source of a request's image. */
  public static boolean mayServe(
      Set<String> sourceTenants, Set<String> sourceSecrets, Request request) {
    for (String tenant : sourceTenants) {
      if (!request.namespaces().equals(Set.of(tenant))) {
        return false;
      }
    }
    return request.secretFiles().containsAll(sourceSecrets);
  }

  /**
   * Whether an existing image whose files are exactly a request's may serve it (exact-match reuse).
   * Its own files are the request's (the same bytes), so what matters is what its builds left in
   * free blocks: the content of its parent's lineage. It may serve the request when that lineage
   * may be a source for it ({@link #mayServe} on the parent), or when no build of its lineage
   * removed or replaced a file. An ancestor no longer in the catalog leaves the lineage unknown:
   * then the image's own content must pass the source rule.
   *
   * @param byName the catalog's images by name (null: not there)
   */
  public static boolean mayReuse(
      GoldenImage image,
      java.util.function.Function<String, GoldenImage> byName,
      Request request,
      String catalogNs) {
    var spec = image.getSpec();
    if (spec == null || spec.parent == null) {
      return true; // a base image: nobody's content
    }
    GoldenImage parent = byName.apply(spec.parent);
    if (parent == null) {
      return mayServe(tenantsOf(image, catalogNs), secretsOf(image), request);
    }
    return mayServe(tenantsOf(parent, catalogNs), secretsOf(parent), request)
        || withoutRemnants(image, byName);
  }

  /** Whether every build from the base to this image only added files (by identity digest). */
  static boolean withoutRemnants(
      GoldenImage image, java.util.function.Function<String, GoldenImage> byName) {
    GoldenImage child = image;
    Set<String> seen = new TreeSet<>();
    while (child.getSpec() != null && child.getSpec().parent != null) {
      if (!seen.add(child.getMetadata().getName())) {
        return false; // a cycle: not a lineage Graft made
      }
      GoldenImage parent = byName.apply(child.getSpec().parent);
      if (parent == null || parent.getSpec() == null) {
        return false;
      }
      if (!identities(child.getSpec().files).containsAll(identities(parent.getSpec().files))) {
        return false;
      }
      child = parent;
    }
    return true;
  }

  private static Set<String> identities(Collection<ManifestEntry> entries) {
    Set<String> out = new TreeSet<>();
    if (entries != null) {
      for (ManifestEntry e : entries) {
        out.add(e.digest);
      }
    }
    return out;
  }

  /**
   * The content a new image holds: its parent's (null for none) and its requesters'; returned as
   * sorted lists for {@code spec.tenants} and {@code spec.secretFiles}.
   */
  public static void record(
      GoldenImage image, GoldenImage parent, List<String> requesters, String catalogNs) {
    Set<String> tenants = new TreeSet<>(namespacesOf(requesters, catalogNs));
    Set<String> secrets = secretFiles(image.getSpec().files);
    if (parent != null) {
      tenants.addAll(tenantsOf(parent, catalogNs));
      secrets.addAll(secretsOf(parent));
    }
    image.getSpec().tenants = List.copyOf(tenants);
    image.getSpec().secretFiles = List.copyOf(secrets);
  }
}
