package dev.graft.inject.local;

import dev.graft.inject.FileToInject;
import dev.graft.inject.GuestAccounts;
import dev.graft.inject.GuestPath;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.Quoted;
import dev.graft.inject.script.InjectionScript;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the executor reads from the mounted guest before it writes, in one round trip: its users and
 * groups (owners by name), its SELinux mode and policy (labels), and each parent directory of the
 * files (a file or a symlink out of the root where a directory must be).
 */
final class Guest {

  /** What one parent directory is in the guest. */
  record Parent(boolean exists, boolean directory, String symlinkTarget) {}

  private final GuestAccounts accounts;
  private final String selinux;
  private final InjectionScript.Relabel relabel;
  private final Map<String, Parent> parents;
  private final Map<String, Long> freeBytes;
  private final Set<String> readOnly;
  private final List<String> mounted;

  private Guest(
      GuestAccounts accounts,
      String selinux,
      InjectionScript.Relabel relabel,
      Map<String, Parent> parents,
      Map<String, Long> freeBytes,
      Set<String> readOnly,
      List<String> mounted) {
    this.readOnly = readOnly;
    this.mounted = mounted;
    this.accounts = accounts;
    this.selinux = selinux;
    this.relabel = relabel;
    this.parents = parents;
    this.freeBytes = freeBytes;
  }

  /**
   * Fails before anything is written when the files meant for one filesystem (the mount point with
   * the longest prefix of their path) outgrow its free space (a block per file of slack).
   */
  void checkSpace(List<FileToInject> files, String image) {
    Map<String, Long> need = new LinkedHashMap<>();
    for (FileToInject f : files) {
      String mount = mountOf(f.path());
      long size =
          f.payload() instanceof dev.graft.inject.Payload.Inline in
              ? in.bytes().length
              : f.payload() instanceof dev.graft.inject.Payload.LocalFile file ? file.size() : 0;
      if (mount != null) {
        need.merge(mount, size + 4096, Long::sum);
      }
    }
    for (Map.Entry<String, Long> e : need.entrySet()) {
      if (readOnly.contains(e.getKey())) {
        throw new dev.graft.inject.InjectionFailedException(
            "a filesystem of the image "
                + image
                + " is read-only: "
                + e.getKey()
                + " is mounted read-only (a read-only filesystem such as squashfs, or one"
                + " libguestfs cannot write), so nothing can be written under it");
      }
      Long free = freeBytes.get(e.getKey());
      if (free != null && e.getValue() > free) {
        throw new dev.graft.inject.InjectionFailedException(
            "a filesystem of the image "
                + image
                + " is full: the files for "
                + e.getKey()
                + " need "
                + e.getValue()
                + " bytes, it has "
                + free
                + " free");
      }
    }
  }

  private String mountOf(String path) {
    String best = null;
    for (String mount : freeBytes.keySet()) {
      boolean under = mount.equals("/") || path.equals(mount) || path.startsWith(mount + "/");
      if (under && (best == null || mount.length() > best.length())) {
        best = mount;
      }
    }
    return best;
  }

  static Guest read(GuestfishSession session, List<FileToInject> files) {
    return read(session, files, "");
  }

  /**
   * As {@link #read(GuestfishSession, List)}, with {@code mount} (guestfish lines that mount the
   * guest) run first in the same round trip.
   */
  static Guest read(GuestfishSession session, List<FileToInject> files, String mount) {
    Set<String> dirs = new LinkedHashSet<>();
    for (FileToInject f : files) {
      for (String d = GuestPath.parent(f.path()); !d.equals("/"); d = GuestPath.parent(d)) {
        dirs.add(d);
      }
    }
    List<String> dirList = new ArrayList<>(dirs);
    StringBuilder q = new StringBuilder(mount);
    section(q, "passwd", "-cat /etc/passwd");
    section(q, "group", "-cat /etc/group");
    section(q, "selinux", "-cat /etc/selinux/config");
    section(q, "relabel", "-feature-available selinuxrelabel");
    section(q, "mountpoints", "mountpoints");
    for (int i = 0; i < dirList.size(); i++) {
      String d = dirList.get(i);
      section(q, "exists" + i, "-exists " + d);
      section(q, "dir" + i, "-is-dir " + d + " followsymlinks:true");
      section(q, "symlink" + i, "-is-symlink " + d);
    }
    Map<String, String> answers = parse(session.run(q.toString()));
    Map<String, String> config = keyValues(answers.get("selinux"));
    String mode = config.getOrDefault("SELINUX", "disabled");
    String type = config.getOrDefault("SELINUXTYPE", "targeted");
    Map<String, Parent> parents = new LinkedHashMap<>();
    StringBuilder links = new StringBuilder();
    for (int i = 0; i < dirList.size(); i++) {
      boolean exists = "true".equals(answers.get("exists" + i));
      boolean symlink = "true".equals(answers.get("symlink" + i));
      parents.put(
          dirList.get(i),
          new Parent(
              exists || symlink, "true".equals(answers.get("dir" + i)), symlink ? "" : null));
      if (symlink) {
        section(links, "link" + i, "-readlink " + dirList.get(i));
      }
    }
    boolean enabled = mode.equals("enforcing") || mode.equals("permissive");
    String contexts = "/etc/selinux/" + type + "/contexts/files/file_contexts";
    if (enabled && type.matches("[A-Za-z0-9_-]+")) {
      section(links, "contexts", "-is-file " + contexts);
    }
    List<String> mountpoints = new ArrayList<>();
    List<String> mounted = lines(answers.get("mountpoints"));
    for (String line : answers.getOrDefault("mountpoints", "").split("\n")) {
      int colon = line.lastIndexOf(": ");
      if (colon > 0) {
        mountpoints.add(line.substring(colon + 2));
      }
    }
    for (int i = 0; i < mountpoints.size(); i++) {
      section(links, "statvfs" + i, "-statvfs " + mountpoints.get(i));
    }
    Map<String, String> more = links.isEmpty() ? Map.of() : parse(session.run(links.toString()));
    Map<String, Long> free = new LinkedHashMap<>();
    Set<String> readOnly = new LinkedHashSet<>();
    for (int i = 0; i < mountpoints.size(); i++) {
      Map<String, String> st = new LinkedHashMap<>();
      for (String line : more.getOrDefault("statvfs" + i, "").split("\n")) {
        String[] kv = line.split(": ", 2);
        if (kv.length == 2) {
          st.put(kv[0].strip(), kv[1].strip());
        }
      }
      if (st.containsKey("flag") && (Long.parseLong(st.get("flag")) & 1) != 0) {
        readOnly.add(mountpoints.get(i)); // ST_RDONLY
      }
      if (st.containsKey("frsize") && st.containsKey("bavail")) {
        free.put(
            mountpoints.get(i),
            Long.parseLong(st.get("frsize")) * Long.parseLong(st.get("bavail")));
      }
    }
    for (int i = 0; i < dirList.size(); i++) {
      if (more.containsKey("link" + i)) {
        Parent p = parents.get(dirList.get(i));
        parents.put(dirList.get(i), new Parent(p.exists(), p.directory(), more.get("link" + i)));
      }
    }
    String selinux;
    InjectionScript.Relabel relabel;
    if (!enabled) {
      selinux = "none";
      relabel = null;
    } else if ("true".equals(more.get("contexts")) && "true".equals(answers.get("relabel"))) {
      selinux = "relabeled";
      relabel = new InjectionScript.Relabel(contexts, newTopDirs(parents));
    } else {
      selinux = "autorelabel";
      relabel = new InjectionScript.Relabel(null, List.of());
    }
    return new Guest(
        GuestAccounts.parse(answers.get("passwd"), answers.get("group")),
        selinux,
        relabel,
        parents,
        free,
        readOnly,
        mounted);
  }

  /** Whether {@code device} was mounted at {@code mountpoint} when the guest was read. */
  boolean mounted(String device, String mountpoint) {
    return mounted.contains(device + ": " + mountpoint);
  }

  /** {@code none}, {@code relabeled} or {@code autorelabel}. */
  String selinux() {
    return selinux;
  }

  InjectionScript.Relabel relabel() {
    return relabel;
  }

  /** The files with owner names turned into the guest's ids. */
  List<FileToInject> resolveOwners(List<FileToInject> files, String image) {
    List<FileToInject> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      FileToInject f = files.get(i);
      if (GuestAccounts.hasNames(f.owner())) {
        String ids = accounts.resolve("files[" + i + "].owner", f.owner(), image);
        f = new FileToInject(f.path(), f.mode(), ids, f.payload());
      }
      out.add(f);
    }
    return out;
  }

  /** Fails naming the file when a parent is a file, or a symlink that leads out of the root. */
  void checkParents(List<FileToInject> files, String image) {
    for (int i = 0; i < files.size(); i++) {
      String path = files.get(i).path();
      for (String d = GuestPath.parent(path); !d.equals("/"); d = GuestPath.parent(d)) {
        Parent p = parents.get(d);
        if (p == null) {
          continue;
        }
        if (p.symlinkTarget() != null && escapesRoot(d, p.symlinkTarget())) {
          throw new InjectionInputException(
              "files[" + i + "].path",
              Quoted.of(path)
                  + ": its parent "
                  + d
                  + " is a symlink to "
                  + Quoted.of(p.symlinkTarget())
                  + ", out of the guest's root, in the image "
                  + image);
        }
        if (p.exists() && !p.directory()) {
          throw new InjectionInputException(
              "files[" + i + "].path",
              Quoted.of(path)
                  + ": its parent "
                  + d
                  + " is "
                  + (p.symlinkTarget() != null
                      ? "a symlink to " + Quoted.of(p.symlinkTarget()) + ", not a directory,"
                      : "a file, not a directory,")
                  + " in the image "
                  + image);
        }
      }
    }
  }

  /** Whether a relative symlink at {@code link} climbs above the root ({@code ../../..}). */
  static boolean escapesRoot(String link, String target) {
    if (target.startsWith("/")) {
      return false;
    }
    int depth = link.split("/").length - 2; // components of the directory holding the link
    for (String part : target.split("/")) {
      if (part.equals("..")) {
        depth--;
        if (depth < 0) {
          return true;
        }
      } else if (!part.isEmpty() && !part.equals(".")) {
        depth++;
      }
    }
    return false;
  }

  /** The topmost missing directory of each new chain: relabeling it labels what is below. */
  private static List<String> newTopDirs(Map<String, Parent> parents) {
    List<String> top = new ArrayList<>();
    for (Map.Entry<String, Parent> e : parents.entrySet()) {
      String parent = GuestPath.parent(e.getKey());
      Parent above = parents.get(parent);
      if (!e.getValue().exists() && (parent.equals("/") || above == null || above.exists())) {
        top.add(e.getKey());
      }
    }
    return top;
  }

  private static void section(StringBuilder q, String name, String command) {
    // The echo before each marker ends an answer that has no final newline.
    q.append("echo\necho ==graft:").append(name).append('\n').append(command).append('\n');
  }

  /** Questions for one round trip: each answer under its name ({@link #parse}). */
  static String sections(Map<String, String> commands) {
    StringBuilder q = new StringBuilder();
    commands.forEach((name, command) -> section(q, name, command));
    return q.toString();
  }

  /** The non-empty lines of an answer (none for a missing one). */
  static List<String> lines(String answer) {
    return answer == null ? List.of() : answer.lines().filter(l -> !l.isBlank()).toList();
  }

  static Map<String, String> parse(String output) {
    Map<String, String> answers = new LinkedHashMap<>();
    String current = null;
    StringBuilder value = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      if (line.startsWith("==graft:")) {
        if (current != null) {
          answers.put(current, strip(value));
        }
        current = line.substring("==graft:".length());
        value.setLength(0);
      } else if (current != null) {
        value.append(line).append('\n');
      }
    }
    if (current != null) {
      answers.put(current, strip(value));
    }
    return answers;
  }

  /** The answer without the blank line the next section's echo added. */
  private static String strip(StringBuilder value) {
    String s = value.toString();
    while (s.endsWith("\n")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static Map<String, String> keyValues(String text) {
    Map<String, String> values = new LinkedHashMap<>();
    if (text == null) {
      return values;
    }
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.strip().startsWith("#")) {
        values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip().replace("\"", ""));
      }
    }
    return values;
  }
}
