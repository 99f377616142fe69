package dev.graft.build;

import dev.graft.api.FileFormats;
import dev.graft.api.FileSet;
import dev.graft.api.FileSpec;
import dev.graft.api.GraftedVirtualMachine;
import dev.graft.api.KeySelector;
import dev.graft.api.ManifestEntry;
import dev.graft.inject.GuestPath;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.Quoted;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves a GraftedVirtualMachine's files (its FileSets, then its inline files) into a {@link
 * Manifest}: validates every entry, reads ConfigMap/Secret keys through the given lookups (informer
 * caches in the operator), and computes content sha256, size and identity digest. Error messages
 * name the field, never the content.
 */
public final class FileResolver {

  /** Where referenced objects are read from (namespace, name) → object or null. */
  public interface Lookup {
    FileSet fileSet(String namespace, String name);

    ConfigMap configMap(String namespace, String name);

    Secret secret(String namespace, String name);
  }

  /**
   * A lookup that checks structure only: referenced ConfigMap and Secret keys count as present and
   * empty (sizes of referenced files are then 0).
   */
  public static final Lookup STRUCTURAL =
      new Lookup() {
        @Override
        public FileSet fileSet(String namespace, String name) {
          return null;
        }

        @Override
        public ConfigMap configMap(String namespace, String name) {
          return null;
        }

        @Override
        public Secret secret(String namespace, String name) {
          return null;
        }
      };

  private static final Pattern PATH = Pattern.compile("^(/[^/]+)+$");
  private static final Pattern MODE = Pattern.compile(FileFormats.MODE);
  private static final Pattern OWNER = Pattern.compile(FileFormats.OWNER);
  private static final Pattern SHA256 = Pattern.compile("^[a-f0-9]{64}$");
  // The same rule as the injection Job's (Payload.Url) and the CRD's FileSpec.url pattern.
  private static final Pattern PRINTABLE_HTTP = Pattern.compile("^https?://[!-~]+$");
  private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#]*@");

  private final long maxFileBytes;
  private final String secretSelector;

  public FileResolver(long maxFileBytes) {
    this(maxFileBytes, null);
  }

  /**
   * {@code secretSelector}: the label selector of the Secrets it can see, named when one is
   * missing.
   */
  public FileResolver(long maxFileBytes, String secretSelector) {
    this.maxFileBytes = maxFileBytes;
    this.secretSelector = secretSelector;
  }

  /** The manifest of a GVM. */
  public Manifest resolve(GraftedVirtualMachine gvm, Lookup lookup) throws ResolutionException {
    String ns = gvm.getMetadata().getNamespace();
    var spec = gvm.getSpec();
    if (spec == null || spec.os == null || spec.os.isBlank()) {
      throw new ResolutionException("InvalidSpec", "spec.os: required");
    }
    Map<String, ManifestEntry> byPath = new LinkedHashMap<>();
    Map<String, String> origin = new HashMap<>();
    Map<String, byte[]> content = new HashMap<>();
    List<String> fileSets = spec.fileSets == null ? List.of() : spec.fileSets;
    for (int i = 0; i < fileSets.size(); i++) {
      String name = fileSets.get(i);
      FileSet fs = lookup.fileSet(ns, name);
      if (fs == null) {
        throw new ResolutionException(
            "FileSetNotFound", "spec.fileSets[" + i + "]: FileSet \"" + name + "\" not found");
      }
      List<FileSpec> files = fs.getSpec() == null ? List.of() : fs.getSpec().files;
      addAll(files, "FileSet " + name + ": spec.files", ns, lookup, byPath, origin, content);
    }
    addAll(spec.files, "spec.files", ns, lookup, byPath, origin, content);
    checkNoFileIsADirectory(byPath.keySet(), origin);
    return new Manifest(spec.os, new ArrayList<>(byPath.values()), content);
  }

  /** Resolves a FileSet's own files, to report them in its status. */
  public Manifest resolve(FileSet fs, Lookup lookup) throws ResolutionException {
    Map<String, ManifestEntry> byPath = new LinkedHashMap<>();
    Map<String, String> origin = new HashMap<>();
    List<FileSpec> files = fs.getSpec() == null ? List.of() : fs.getSpec().files;
    addAll(
        files,
        "spec.files",
        fs.getMetadata().getNamespace(),
        lookup,
        byPath,
        origin,
        new HashMap<>());
    checkNoFileIsADirectory(byPath.keySet(), origin);
    return new Manifest("", new ArrayList<>(byPath.values()), Map.of());
  }

  /** ConfigMaps and Secrets (by name) a GVM reads, directly or through its FileSets. */
  public static Set<String> references(GraftedVirtualMachine gvm, Lookup lookup, boolean secrets) {
    Set<String> names = new LinkedHashSet<>();
    if (gvm.getSpec() == null) {
      return names;
    }
    List<FileSpec> all = new ArrayList<>();
    if (gvm.getSpec().files != null) {
      all.addAll(gvm.getSpec().files);
    }
    if (gvm.getSpec().fileSets != null) {
      for (String name : gvm.getSpec().fileSets) {
        FileSet fs = lookup.fileSet(gvm.getMetadata().getNamespace(), name);
        if (fs != null && fs.getSpec() != null && fs.getSpec().files != null) {
          all.addAll(fs.getSpec().files);
        }
      }
    }
    for (FileSpec f : all) {
      KeySelector ref = secrets ? f.secretKeyRef : f.configMapKeyRef;
      if (ref != null && ref.name != null) {
        names.add(ref.name);
      }
    }
    return names;
  }

  private void addAll(
      List<FileSpec> files,
      String field,
      String ns,
      Lookup lookup,
      Map<String, ManifestEntry> byPath,
      Map<String, String> origin,
      Map<String, byte[]> content)
      throws ResolutionException {
    if (files == null) {
      return;
    }
    // The CRD caps file lists (maxItems, so that the CEL rules' cost stays in the API server's
    // budget); an older server or a schema without the cap still gets the same answer here.
    if (files.size() > FileSpec.MAX_FILES) {
      throw new ResolutionException(
          "TooManyFiles",
          field + ": " + files.size() + " files, at most " + FileSpec.MAX_FILES + " in one list");
    }
    for (int i = 0; i < files.size(); i++) {
      String where = field + "[" + i + "]";
      Resolved r = resolveOne(files.get(i), where, ns, lookup);
      ManifestEntry previous = byPath.get(r.entry.path);
      if (previous != null) {
        if (!previous.digest.equals(r.entry.digest)) {
          throw new ResolutionException(
              "DuplicatePath",
              where
                  + ".path: \""
                  + r.entry.path
                  + "\" is also defined differently by "
                  + origin.get(r.entry.path));
        }
        continue;
      }
      byPath.put(r.entry.path, r.entry);
      origin.put(r.entry.path, where);
      if (r.bytes != null) {
        content.put(r.entry.digest, r.bytes);
      }
    }
  }

  /** A file cannot also be a directory holding another file. */
  private static void checkNoFileIsADirectory(Set<String> paths, Map<String, String> origin)
      throws ResolutionException {
    for (String path : paths) {
      for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
        String dir = path.substring(0, slash);
        if (paths.contains(dir)) {
          throw new ResolutionException(
              "InvalidPath",
              origin.get(dir)
                  + ".path: \""
                  + dir
                  + "\" is a file, but "
                  + origin.get(path)
                  + ".path \""
                  + path
                  + "\" needs it as a directory");
        }
      }
    }
  }

  private record Resolved(ManifestEntry entry, byte[] bytes) {}

  private Resolved resolveOne(FileSpec f, String where, String ns, Lookup lookup)
      throws ResolutionException {
    if (f == null) {
      throw new ResolutionException("InvalidFile", where + ": empty entry");
    }
    String path = f.path;
    if (path == null || !PATH.matcher(path).matches()) {
      throw new ResolutionException(
          "InvalidPath", where + ".path: must be an absolute path, got \"" + path + "\"");
    }
    for (String segment : path.substring(1).split("/")) {
      if (segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
        throw new ResolutionException(
            "InvalidPath", where + ".path: \"" + path + "\" is not normalized (. or .. segment)");
      }
    }
    // The same rules as the injection script (no spaces, quotes or control characters): a path
    // the Job would refuse is bad input here, before any image is planned for it.
    try {
      GuestPath.check(where + ".path", path);
    } catch (InjectionInputException e) {
      throw new ResolutionException("InvalidPath", e.getMessage());
    }
    // The CRD schema defaults mode and owner; objects that bypassed it (tests, older CRDs) get
    // the same defaults here so that the identity digest does not depend on who wrote the object.
    String mode = f.mode == null ? "0644" : f.mode;
    if (!MODE.matcher(mode).matches()) {
      throw new ResolutionException(
          "InvalidMode", where + ".mode: must be octal like 0644, got \"" + mode + "\"");
    }
    mode = FileFormats.normalizeMode(mode);
    String owner = f.owner == null ? "0:0" : f.owner;
    if (!OWNER.matcher(owner).matches()) {
      throw new ResolutionException(
          "InvalidOwner",
          where
              + ".owner: must be uid:gid or user:group (names of the guest's /etc/passwd and"
              + " /etc/group), got \""
              + owner
              + "\"");
    }
    int sources =
        (f.content != null ? 1 : 0)
            + (f.contentBase64 != null ? 1 : 0)
            + (f.configMapKeyRef != null ? 1 : 0)
            + (f.secretKeyRef != null ? 1 : 0)
            + (f.url != null ? 1 : 0);
    if (sources != 1) {
      throw new ResolutionException(
          "InvalidFile",
          where
              + ": exactly one of content, contentBase64, configMapKeyRef, secretKeyRef, url is"
              + " required, got "
              + sources);
    }
    ManifestEntry e = new ManifestEntry();
    e.path = path;
    e.mode = mode;
    e.owner = owner;
    byte[] bytes = null;
    if (f.url != null) {
      checkUrl(f.url, where + ".url");
      if (f.sha256 == null || !SHA256.matcher(f.sha256).matches()) {
        throw new ResolutionException(
            "InvalidSha256", where + ".sha256: 64 lower-case hex digits required with url");
      }
      if (f.size == null) {
        throw new ResolutionException("InvalidSize", where + ".size: required with url");
      }
      if (f.size < 0) {
        throw new ResolutionException(
            "InvalidSize", where + ".size: must not be negative, got " + f.size);
      }
      e.sha256 = f.sha256;
      e.size = f.size;
      e.url = f.url;
      e.payload = ManifestEntry.Payload.Url;
    } else {
      if (f.content != null) {
        bytes = f.content.getBytes(StandardCharsets.UTF_8);
        e.payload = ManifestEntry.Payload.ConfigMap;
      } else if (f.contentBase64 != null) {
        try {
          bytes = Base64.getDecoder().decode(f.contentBase64);
        } catch (IllegalArgumentException ex) {
          throw new ResolutionException("InvalidContent", where + ".contentBase64: not base64");
        }
        e.payload = ManifestEntry.Payload.ConfigMap;
      } else if (f.configMapKeyRef != null) {
        bytes = fromConfigMap(f.configMapKeyRef, where + ".configMapKeyRef", ns, lookup);
        e.payload = ManifestEntry.Payload.ConfigMap;
      } else {
        bytes = fromSecret(f.secretKeyRef, where + ".secretKeyRef", ns, lookup);
        e.payload = ManifestEntry.Payload.Secret;
      }
      e.sha256 = Manifest.sha256(bytes);
      e.size = (long) bytes.length;
      if (f.sha256 != null && !f.sha256.equals(e.sha256)) {
        throw new ResolutionException(
            "Sha256Mismatch", where + ".sha256: does not match the content");
      }
    }
    if (e.size > maxFileBytes) {
      throw new ResolutionException(
          "FileTooLarge",
          where + ": " + e.size + " bytes is more than the limit of " + maxFileBytes);
    }
    e.digest = Manifest.fileDigest(e.path, e.sha256, e.mode, e.owner);
    // Every request's manifest is kept (ManifestCache): one copy of each path and hash.
    return new Resolved(e.interned(), bytes);
  }

  /**
   * Only http(s) from a named host: the Job would otherwise be asked to read its own files ({@code
   * file://}) or speak other protocols. Checked here, before any image is planned for the file.
   */
  static void checkUrl(String url, String field) throws ResolutionException {
    String problem = null;
    if (!PRINTABLE_HTTP.matcher(url).matches()) {
      problem = "must be an http:// or https:// URL without blanks or control characters";
    } else {
      try {
        if (new URI(url).getHost() == null) {
          problem = "must name a host";
        }
      } catch (URISyntaxException e) {
        problem = "is not a valid URL (" + e.getReason() + ")";
      }
    }
    if (problem != null) {
      throw new ResolutionException(
          "InvalidUrl", field + ": " + problem + ", got " + Quoted.of(withoutUserInfo(url)));
    }
  }

  /** A password in a rejected URL stays out of conditions and events. */
  private static String withoutUserInfo(String url) {
    return USER_INFO.matcher(url).replaceFirst("$1***@");
  }

  private static byte[] fromConfigMap(KeySelector ref, String where, String ns, Lookup lookup)
      throws ResolutionException {
    checkRef(ref, where);
    if (lookup == STRUCTURAL) {
      return new byte[0];
    }
    ConfigMap cm = lookup.configMap(ns, ref.name);
    if (cm == null) {
      throw new ResolutionException(
          "ConfigMapNotFound", where + ": ConfigMap \"" + ref.name + "\" not found");
    }
    if (cm.getData() != null && cm.getData().containsKey(ref.key)) {
      return cm.getData().get(ref.key).getBytes(StandardCharsets.UTF_8);
    }
    if (cm.getBinaryData() != null && cm.getBinaryData().containsKey(ref.key)) {
      return Base64.getDecoder().decode(cm.getBinaryData().get(ref.key));
    }
    throw new ResolutionException(
        "ConfigMapKeyNotFound",
        where + ": ConfigMap \"" + ref.name + "\" has no key \"" + ref.key + "\"");
  }

  private byte[] fromSecret(KeySelector ref, String where, String ns, Lookup lookup)
      throws ResolutionException {
    checkRef(ref, where);
    if (lookup == STRUCTURAL) {
      return new byte[0];
    }
    Secret s = lookup.secret(ns, ref.name);
    if (s == null) {
      throw new ResolutionException(
          "SecretNotFound",
          where
              + ": Secret \""
              + ref.name
              + "\" not found"
              + (secretSelector == null ? "" : " among Secrets labelled " + secretSelector));
    }
    if (s.getData() != null && s.getData().containsKey(ref.key)) {
      return Base64.getDecoder().decode(s.getData().get(ref.key));
    }
    if (s.getStringData() != null && s.getStringData().containsKey(ref.key)) {
      return s.getStringData().get(ref.key).getBytes(StandardCharsets.UTF_8);
    }
    throw new ResolutionException(
        "SecretKeyNotFound",
        where + ": Secret \"" + ref.name + "\" has no key \"" + ref.key + "\"");
  }

  private static void checkRef(KeySelector ref, String where) throws ResolutionException {
    if (ref.name == null || ref.key == null) {
      throw new ResolutionException("InvalidFile", where + ": name and key are required");
    }
  }
}
