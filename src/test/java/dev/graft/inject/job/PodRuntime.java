package dev.graft.inject.job;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one container of a Pod spec the way kubelet and a container runtime do, with bubblewrap: the
 * image's root filesystem (this machine's system directories, which hold what the injector image
 * installs, plus the image-only paths given), read-only when the container asks; the image's ENV
 * under the container's env; its command; its uid, gid and fsGroup (as real ids, through {@code
 * setpriv}, no capabilities, no new privileges); and only the Pod's own volumes, materialized as
 * kubelet does (emptyDir, ConfigMap and Secret files behind {@code ..data} symlinks with their
 * modes, projected items, PVC directories, group-owned by fsGroup). {@code /dev} holds the
 * runtime's basic devices only: no {@code /dev/kvm}. Must run as root (kubelet's part: ownership of
 * volumes).
 */
final class PodRuntime {

  /** The finished container: exit status, its output, and its termination message. */
  record Result(int exitCode, String log, String terminationMessage) {}

  /** Top-level directories of an image root taken from this machine. */
  private static final List<String> IMAGE_DIRS =
      List.of(
          "bin", "boot", "etc", "lib", "lib32", "lib64", "libx32", "opt", "sbin", "srv", "usr",
          "var");

  private final Path work;
  private final ImageConfig image;
  private final Map<String, Path> imagePaths;
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final Map<String, Secret> secrets = new HashMap<>();
  private final Map<String, Path> claims = new HashMap<>();

  /**
   * @param work a directory for the materialized volumes
   * @param image the image's ENV, USER and WORKDIR
   * @param imagePaths paths the image has that this machine does not (image path to a directory
   *     here), e.g. the injector's fixed appliance
   */
  PodRuntime(Path work, ImageConfig image, Map<String, Path> imagePaths) {
    this.work = work;
    this.image = image;
    this.imagePaths = new TreeMap<>(imagePaths);
  }

  /** Whether bubblewrap and setpriv are installed and this process may use them (root). */
  static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/bwrap"))
        && Files.isExecutable(Path.of("/usr/bin/setpriv"))
        && "root".equals(System.getProperty("user.name"));
  }

  PodRuntime configMap(ConfigMap configMap) {
    configMaps.put(configMap.getMetadata().getName(), configMap);
    return this;
  }

  PodRuntime secret(Secret secret) {
    secrets.put(secret.getMetadata().getName(), secret);
    return this;
  }

  /** The PVC {@code name} is bound to the directory {@code dir}. */
  PodRuntime claim(String name, Path dir) {
    claims.put(name, dir);
    return this;
  }

  Result run(PodSpec pod, String containerName, long timeoutSeconds) throws IOException {
    Container container =
        pod.getContainers().stream()
            .filter(c -> c.getName().equals(containerName))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no container " + containerName));
    PodSecurityContext podSecurity =
        pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    SecurityContext security =
        container.getSecurityContext() == null
            ? new SecurityContext()
            : container.getSecurityContext();
    String[] imageUser = image.user().split(":");
    long uid =
        first(security.getRunAsUser(), podSecurity.getRunAsUser(), Long.parseLong(imageUser[0]));
    long gid =
        first(
            security.getRunAsGroup(),
            podSecurity.getRunAsGroup(),
            imageUser.length > 1 ? Long.parseLong(imageUser[1]) : 0L);
    Long fsGroup = podSecurity.getFsGroup();
    List<Long> groups = new ArrayList<>();
    groups.add(gid);
    if (fsGroup != null) {
      groups.add(fsGroup);
    }
    if (podSecurity.getSupplementalGroups() != null) {
      groups.addAll(podSecurity.getSupplementalGroups());
    }
    boolean readOnlyRoot = Boolean.TRUE.equals(security.getReadOnlyRootFilesystem());
    if (container.getCommand() == null || container.getCommand().isEmpty()) {
      throw new IllegalArgumentException("the container gives no command");
    }
    if (container.getVolumeDevices() != null && !container.getVolumeDevices().isEmpty()) {
      throw new IllegalArgumentException("volumeDevices are not supported here");
    }

    List<String> argv = new ArrayList<>(List.of("/usr/bin/bwrap", "--die-with-parent"));
    argv.addAll(
        List.of(
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--new-session"));
    imageRoot(argv);
    argv.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm"));
    argv.addAll(List.of("--ro-bind", "/sys", "/sys"));

    Map<String, Path> volumes = materialize(pod, fsGroup);
    // A runtime makes mount points' missing parents 0755; bwrap would make them 0700.
    Set<String> parents = new java.util.TreeSet<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      for (Path p = Path.of(mount.getMountPath()).getParent();
          p != null && p.getNameCount() > 0;
          p = p.getParent()) {
        if (p.getNameCount() == 1 && IMAGE_DIRS.contains(p.getFileName().toString())) {
          break;
        }
        parents.add(p.toString());
      }
    }
    for (String parent : parents) {
      argv.addAll(List.of("--perms", "0755", "--dir", parent));
    }
    for (VolumeMount mount : container.getVolumeMounts()) {
      Path source = volumes.get(mount.getName());
      if (source == null) {
        throw new IllegalArgumentException("mount of an unknown volume " + mount.getName());
      }
      if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
        source = source.resolve(mount.getSubPath());
      }
      boolean ro = Boolean.TRUE.equals(mount.getReadOnly());
      argv.addAll(List.of(ro ? "--ro-bind" : "--bind", source.toString(), mount.getMountPath()));
    }
    String terminationPath =
        container.getTerminationMessagePath() == null
            ? "/dev/termination-log"
            : container.getTerminationMessagePath();
    Path termination = work.resolve("termination-log");
    Files.deleteIfExists(termination);
    Files.createFile(termination);
    chmod(termination, 0666);
    argv.addAll(List.of("--bind", termination.toString(), terminationPath));
    if (readOnlyRoot) {
      // Last: every mount point above is made in the root first.
      argv.addAll(List.of("--remount-ro", "/"));
    }

    Map<String, String> env = new LinkedHashMap<>(image.env());
    env.put("HOSTNAME", "graft-inject-pod");
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        if (var.getValueFrom() != null) {
          throw new IllegalArgumentException("env valueFrom is not supported here: " + var);
        }
        env.put(var.getName(), var.getValue() == null ? "" : var.getValue());
      }
    }
    argv.add("--clearenv");
    env.forEach((k, v) -> argv.addAll(List.of("--setenv", k, v)));
    String workdir =
        container.getWorkingDir() != null ? container.getWorkingDir() : image.workdir();
    argv.addAll(List.of("--chdir", workdir));
    argv.add("--");
    argv.addAll(
        List.of(
            "/usr/bin/setpriv",
            "--reuid=" + uid,
            "--regid=" + gid,
            "--groups=" + String.join(",", groups.stream().map(String::valueOf).toList()),
            "--inh-caps=-all",
            "--bounding-set=-all"));
    if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
      argv.add("--no-new-privs");
    }
    argv.add("--");
    argv.addAll(container.getCommand());
    if (container.getArgs() != null) {
      argv.addAll(container.getArgs());
    }

    Path log = work.resolve("container.log");
    Process process =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
        return new Result(-1, Files.readString(log) + "\n[timed out]", "");
      }
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    return new Result(process.exitValue(), Files.readString(log), Files.readString(termination));
  }

  /**
   * The image's root: bubblewrap's own (empty) root with this machine's system directories bound
   * read-only, the image-only paths bound where the image has them (directories on the way are
   * re-created around them), the image's {@code /tmp} and WORKDIR as empty directories, and the
   * whole root read-only when the container asks.
   */
  private void imageRoot(List<String> argv) throws IOException {
    for (String name : IMAGE_DIRS) {
      Path host = Path.of("/", name);
      if (Files.isSymbolicLink(host)) {
        argv.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), "/" + name));
      } else if (Files.isDirectory(host)) {
        bindImageDir(argv, host, "/" + name);
      }
    }
    argv.addAll(List.of("--perms", "1777", "--dir", "/tmp"));
    argv.addAll(List.of("--dir", "/run"));
    if (!image.workdir().equals("/")) {
      argv.addAll(List.of("--dir", image.workdir()));
    }
    addMissing(argv, "", name -> IMAGE_DIRS.contains(name) && Files.exists(Path.of("/", name)));
  }

  /** Binds {@code host} at {@code target}, opening it up when an image-only path lies inside. */
  private void bindImageDir(List<String> argv, Path host, String target) throws IOException {
    Path own = imagePaths.get(target);
    if (own != null) {
      argv.addAll(List.of("--ro-bind", own.toString(), target));
      return;
    }
    if (imagePaths.keySet().stream().noneMatch(p -> p.startsWith(target + "/"))) {
      argv.addAll(List.of("--ro-bind", host.toString(), target));
      return;
    }
    argv.addAll(List.of("--dir", target));
    try (Stream<Path> children = Files.list(host)) {
      for (Path child : children.sorted().toList()) {
        String childTarget = target + "/" + child.getFileName();
        if (Files.isSymbolicLink(child)) {
          argv.addAll(List.of("--symlink", Files.readSymbolicLink(child).toString(), childTarget));
        } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          bindImageDir(argv, child, childTarget);
        } else {
          argv.addAll(List.of("--ro-bind", child.toString(), childTarget));
        }
      }
    }
    addMissing(argv, target, name -> Files.exists(host.resolve(name), LinkOption.NOFOLLOW_LINKS));
  }

  /** Creates the image-only paths below {@code target} whose next directory this machine lacks. */
  private void addMissing(
      List<String> argv, String target, java.util.function.Predicate<String> present) {
    Set<String> done = new java.util.HashSet<>();
    for (Map.Entry<String, Path> extra : imagePaths.entrySet()) {
      if (!extra.getKey().startsWith(target + "/")) {
        continue;
      }
      String first = extra.getKey().substring(target.length() + 1).split("/")[0];
      String next = target + "/" + first;
      if (present.test(first) || !done.add(next)) {
        continue;
      }
      if (next.equals(extra.getKey())) {
        argv.addAll(List.of("--ro-bind", extra.getValue().toString(), next));
      } else {
        argv.addAll(List.of("--dir", next));
        addMissing(argv, next, name -> false);
      }
    }
  }

  /** Each volume of the Pod as kubelet lays it out on the node. */
  private Map<String, Path> materialize(PodSpec pod, Long fsGroup) throws IOException {
    Map<String, Path> out = new HashMap<>();
    for (Volume volume : pod.getVolumes()) {
      Path dir = work.resolve("volumes").resolve(volume.getName());
      if (volume.getEmptyDir() != null) {
        Files.createDirectories(dir);
        chmod(dir, 0777);
        ownByFsGroup(dir, fsGroup, false);
      } else if (volume.getPersistentVolumeClaim() != null) {
        Path claim = claims.get(volume.getPersistentVolumeClaim().getClaimName());
        if (claim == null) {
          throw new IllegalArgumentException(
              "no PVC " + volume.getPersistentVolumeClaim().getClaimName());
        }
        dir = claim;
        ownByFsGroup(dir, fsGroup, false);
      } else if (volume.getConfigMap() != null) {
        var source = volume.getConfigMap();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Integer> modes = new HashMap<>();
        addItems(
            files,
            modes,
            configMapData(source.getName()),
            source.getItems(),
            source.getDefaultMode() == null ? 0644 : source.getDefaultMode());
        atomicWrite(dir, files, modes, fsGroup);
      } else if (volume.getSecret() != null) {
        var source = volume.getSecret();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Integer> modes = new HashMap<>();
        addItems(
            files,
            modes,
            secretData(source.getSecretName()),
            source.getItems(),
            source.getDefaultMode() == null ? 0644 : source.getDefaultMode());
        atomicWrite(dir, files, modes, fsGroup);
      } else if (volume.getProjected() != null) {
        int mode =
            volume.getProjected().getDefaultMode() == null
                ? 0644
                : volume.getProjected().getDefaultMode();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Integer> modes = new HashMap<>();
        for (VolumeProjection p : volume.getProjected().getSources()) {
          if (p.getConfigMap() != null) {
            addItems(
                files,
                modes,
                configMapData(p.getConfigMap().getName()),
                p.getConfigMap().getItems(),
                mode);
          } else if (p.getSecret() != null) {
            addItems(
                files, modes, secretData(p.getSecret().getName()), p.getSecret().getItems(), mode);
          } else {
            throw new IllegalArgumentException("unsupported projection " + p);
          }
        }
        atomicWrite(dir, files, modes, fsGroup);
      } else {
        throw new IllegalArgumentException("unsupported volume " + volume);
      }
      out.put(volume.getName(), dir);
    }
    return out;
  }

  private Map<String, byte[]> configMapData(String name) {
    ConfigMap cm = configMaps.get(name);
    if (cm == null) {
      throw new IllegalArgumentException("no ConfigMap " + name);
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (cm.getData() != null) {
      cm.getData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    if (cm.getBinaryData() != null) {
      cm.getBinaryData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    return data;
  }

  private Map<String, byte[]> secretData(String name) {
    Secret secret = secrets.get(name);
    if (secret == null) {
      throw new IllegalArgumentException("no Secret " + name);
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    return data;
  }

  /** Selected items (or every key) of one source; a missing key fails, as kubelet does. */
  private static void addItems(
      Map<String, byte[]> files,
      Map<String, Integer> modes,
      Map<String, byte[]> data,
      List<KeyToPath> items,
      int defaultMode) {
    if (items == null || items.isEmpty()) {
      data.forEach(
          (k, v) -> {
            files.put(k, v);
            modes.put(k, defaultMode);
          });
      return;
    }
    for (KeyToPath item : items) {
      byte[] bytes = data.get(item.getKey());
      if (bytes == null) {
        throw new IllegalArgumentException("key " + item.getKey() + " is missing");
      }
      files.put(item.getPath(), bytes);
      modes.put(item.getPath(), item.getMode() == null ? defaultMode : item.getMode());
    }
  }

  /**
   * kubelet's AtomicWriter layout: the files in a timestamped directory, {@code ..data} pointing to
   * it, and each top-level name a symlink through {@code ..data}. The volume is read-only to the
   * container; fsGroup owns the files.
   */
  private static void atomicWrite(
      Path dir, Map<String, byte[]> files, Map<String, Integer> modes, Long fsGroup)
      throws IOException {
    Path versioned = dir.resolve("..2026_11_30_00_00_00.000000001");
    Files.createDirectories(versioned);
    Set<String> top = new java.util.TreeSet<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path target = versioned.resolve(f.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, f.getValue());
      chmod(target, modes.get(f.getKey()));
      top.add(f.getKey().split("/")[0]);
    }
    Files.createSymbolicLink(dir.resolve("..data"), versioned.getFileName());
    for (String name : top) {
      Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
    }
    ownByFsGroup(dir, fsGroup, true);
  }

  /**
   * kubelet's SetVolumeOwnership: group fsGroup on everything, read (and write unless read-only)
   * for the group, setgid directories.
   */
  private static void ownByFsGroup(Path dir, Long fsGroup, boolean readOnly) throws IOException {
    if (fsGroup == null) {
      return;
    }
    GroupPrincipal group =
        dir.getFileSystem()
            .getUserPrincipalLookupService()
            .lookupPrincipalByGroupName(String.valueOf(fsGroup));
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.toList()) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setGroup(group);
        int mode = mode(p);
        if (Files.isDirectory(p)) {
          mode |= 02000 | 0050 | (readOnly ? 0 : 0020);
        } else {
          mode |= 0040 | (readOnly ? 0 : 0020);
        }
        chmod(p, mode);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  private static void chmod(Path p, int mode) throws IOException {
    // unix:mode carries setgid and sticky bits, which PosixFilePermission cannot.
    Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
