package dev.graft.inject.script;

import dev.graft.inject.FileMode;
import dev.graft.inject.FileOwner;
import dev.graft.inject.FileToInject;
import dev.graft.inject.GuestPath;
import dev.graft.inject.InjectionInputException;
import dev.graft.inject.Payload;
import dev.graft.inject.Quoted;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A guestfish script that applies one build in a single appliance launch ({@code guestfish --rw -a
 * DISK -i -f SCRIPT}): removals first; then {@code mkdir-p} of new parents and {@code rm-f} of each
 * written path, and one {@code tar-in} of an archive holding every file with its mode and numeric
 * owner ({@link #archived()}, built by the caller before the script runs). A file that a ustar
 * header cannot describe (a path over 255 bytes that cannot be split, an id above {@value
 * UstarWriter#MAX_ID}, a download over 8 GiB), or every file when no archive is given, is written
 * on its own with {@code upload}, {@code chmod}, {@code chown} (about 0.14 s per file under
 * software emulation, against about 1 ms per file in the archive). guestfish stops at the first
 * failing command.
 *
 * @param text the script
 * @param filesAdded files written
 * @param filesRemoved paths removed that are not written again
 * @param archived the members of the archive, in order; empty when the script has no {@code tar-in}
 */
public record InjectionScript(
    String text, int filesAdded, int filesRemoved, List<ArchiveEntry> archived) {

  /**
   * One member of the archive that {@code tar-in} extracts at {@code /}.
   *
   * @param index the file's index in the build ({@code files[index]})
   * @param name the guest path without its leading {@code /}
   * @param mode permission bits
   * @param owner numeric owner
   */
  public record ArchiveEntry(int index, String name, int mode, FileOwner owner) {}

  public InjectionScript {
    archived = List.copyOf(archived);
  }

  /** Printed by the script once the appliance is up and the disk mounted. */
  public static final String LAUNCHED = "graft:launched";

  /** Printed by the script after its last command. */
  public static final String DONE = "graft:done";

  /**
   * Validates the build and writes a script that uploads each file on its own (no archive).
   *
   * @see #generate(List, List, PayloadLocator, String)
   */
  public static InjectionScript generate(
      List<FileToInject> adds, List<String> removes, PayloadLocator payloads) {
    return generate(adds, removes, payloads, null);
  }

  /**
   * Validates the build and writes its script; nothing unsafe is ever written into it.
   *
   * @param adds files to write, reported as {@code files[i]} in errors
   * @param removes paths to delete (missing ones are fine), reported as {@code remove[i]}
   * @param payloads where the bytes of each file outside the archive are found when the script runs
   * @param archive where the archive of {@link #archived()} is found when the script runs, or null
   *     to upload every file on its own
   * @throws InjectionInputException naming the field of the first bad value
   */
  public static InjectionScript generate(
      List<FileToInject> adds, List<String> removes, PayloadLocator payloads, String archive) {
    return generate(adds, removes, payloads, archive, Options.DEFAULT);
  }

  /**
   * How files are written: those larger than {@code uploadAbove} bytes go through {@code upload}
   * (faster per byte than {@code tar-in}, dearer per file), the rest through the archive; {@code
   * mtime} (seconds since the epoch, or null for the time of writing) is set on uploaded files and
   * is the archive members' mtime.
   */
  public record Options(long uploadAbove, Long mtime, Relabel relabel) {
    /**
     * Above 6 MiB a file is uploaded on its own: measured crossover between 4 MiB (tar-in 0.66x the
     * upload's time) and 8 MiB (1.5x), docs/benchmarks.md.
     */
    public static final long UPLOAD_ABOVE = 6L << 20;

    public static final Options DEFAULT = new Options(UPLOAD_ABOVE, null, null);
  }

  /**
   * SELinux labels for what the script writes: relabel each written file and each directory the
   * build creates ({@code newDirs}, the topmost of each new chain) from the guest's own {@code
   * fileContexts}, or, when that is null, have the guest relabel itself at first boot ({@code
   * /.autorelabel}).
   */
  public record Relabel(String fileContexts, List<String> newDirs) {}

  /** As {@link #generate(List, List, PayloadLocator, String)}, with {@code options}. */
  public static InjectionScript generate(
      List<FileToInject> adds,
      List<String> removes,
      PayloadLocator payloads,
      String archive,
      Options options) {
    String archiveFile = archive == null ? null : GuestPath.check("archive location", archive);
    List<Checked> files = check(adds);
    Set<String> added = new HashSet<>();
    files.forEach(f -> added.add(f.path()));

    StringBuilder script = new StringBuilder("# Generated by Graft: one guestfish launch.\n");
    script.append("echo ").append(LAUNCHED).append('\n');
    Set<String> removed = new HashSet<>();
    int filesRemoved = 0;
    for (int i = 0; i < removes.size(); i++) {
      String path = GuestPath.check("remove[" + i + "]", removes.get(i));
      if (!removed.add(path)) {
        throw new InjectionInputException(
            "remove[" + i + "]", Quoted.of(path) + " is listed twice");
      }
      // A path that is written again is removed right before it is written below.
      if (!added.contains(path)) {
        line(script, "rm-f", path);
        filesRemoved++;
      }
    }
    Set<String> made = new HashSet<>();
    List<ArchiveEntry> archived = new ArrayList<>();
    List<Integer> uploaded = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Checked file = files.get(i);
      String name = file.path().substring(1);
      if (archiveFile != null
          && fitsArchive(name, file.owner(), adds.get(i).payload())
          && knownSize(adds.get(i).payload()) <= options.uploadAbove()) {
        archived.add(new ArchiveEntry(i, name, file.mode(), file.owner()));
        // New parents as before: mkdir-p makes them root's, 0755 (the archive holds no
        // directories).
        mkdirParents(script, made, file.path());
        // rm-f first, as for upload: a symlink or hard link at the path is replaced, never
        // written through.
        line(script, "rm-f", file.path());
      } else {
        uploaded.add(i);
      }
    }
    if (!archived.isEmpty()) {
      line(script, "tar-in", archiveFile, "/");
    }
    for (int i : uploaded) {
      Checked file = files.get(i);
      mkdirParents(script, made, file.path());
      String local =
          GuestPath.check("files[" + i + "] payload location", payloads.locate(i, adds.get(i)));
      // rm-f first: upload would write through a symlink or into every hard link of an old file.
      line(script, "rm-f", file.path());
      line(script, "upload", local, file.path());
      line(script, "chmod", FileMode.octal(file.mode()), file.path());
      line(script, "chown", file.owner().uid(), file.owner().gid(), file.path());
      if (options.mtime() != null) {
        line(script, "utimens", file.path(), options.mtime(), 0, options.mtime(), 0);
      }
    }
    Relabel relabel = options.relabel();
    if (relabel != null && relabel.fileContexts() == null) {
      line(script, "touch", "/.autorelabel");
    } else if (relabel != null) {
      String contexts = GuestPath.check("file_contexts", relabel.fileContexts());
      for (String dir : relabel.newDirs()) {
        line(script, "selinux-relabel", contexts, GuestPath.check("new directory", dir));
      }
      for (Checked file : files) {
        line(script, "selinux-relabel", contexts, file.path());
      }
    }
    line(script, "echo", DONE);
    return new InjectionScript(script.toString(), files.size(), filesRemoved, archived);
  }

  /** The payload's size when the spec tells it, else 0 (ConfigMap and Secret keys are small). */
  private static long knownSize(Payload payload) {
    if (payload instanceof Payload.Inline inline) {
      return inline.bytes().length;
    }
    if (payload instanceof Payload.LocalFile file) {
      return file.size();
    }
    return payload instanceof Payload.Url url ? url.size() : 0;
  }

  /** Whether a ustar header describes the file: name, ids and (known) size all fit. */
  private static boolean fitsArchive(String name, FileOwner owner, Payload payload) {
    return UstarWriter.fits(name)
        && UstarWriter.fitsId(owner.uid())
        && UstarWriter.fitsId(owner.gid())
        && !(payload instanceof Payload.Url url && url.size() > UstarWriter.MAX_SIZE);
  }

  /** {@code mkdir-p} of the directory holding {@code path}, unless done already. */
  private static void mkdirParents(StringBuilder script, Set<String> made, String path) {
    String parent = GuestPath.parent(path);
    if (!parent.equals("/") && !made.contains(parent)) {
      line(script, "mkdir-p", parent);
      for (String dir = parent; !dir.equals("/"); dir = GuestPath.parent(dir)) {
        made.add(dir);
      }
    }
  }

  /** A file whose path, mode, owner and payload passed validation. */
  private record Checked(String path, int mode, FileOwner owner) {}

  private static List<Checked> check(List<FileToInject> adds) {
    List<Checked> checked = new ArrayList<>();
    Map<String, Integer> addedAt = new LinkedHashMap<>();
    Set<String> parents = new HashSet<>();
    for (int i = 0; i < adds.size(); i++) {
      FileToInject file = adds.get(i);
      String field = "files[" + i + "]";
      if (file == null) {
        throw new InjectionInputException(field, "is empty");
      }
      String path = GuestPath.check(field + ".path", file.path());
      Integer earlier = addedAt.putIfAbsent(path, i);
      if (earlier != null) {
        throw new InjectionInputException(
            field + ".path", Quoted.of(path) + " is already written by files[" + earlier + "]");
      }
      for (String dir = GuestPath.parent(path); !dir.equals("/"); dir = GuestPath.parent(dir)) {
        parents.add(dir);
      }
      int mode = FileMode.parse(field + ".mode", file.mode());
      FileOwner owner = FileOwner.parse(field + ".owner", file.owner());
      if (file.payload() == null) {
        throw new InjectionInputException(field, "has no content source");
      }
      file.payload().check(field);
      checked.add(new Checked(path, mode, owner));
    }
    for (Map.Entry<String, Integer> file : addedAt.entrySet()) {
      if (parents.contains(file.getKey())) {
        throw new InjectionInputException(
            "files[" + file.getValue() + "].path",
            Quoted.of(file.getKey()) + " is a file here but the directory of another file");
      }
    }
    return checked;
  }

  /** One command line; every word was validated or generated, none needs quoting. */
  private static void line(StringBuilder script, String command, Object... words) {
    script.append(command);
    for (Object word : words) {
      script.append(' ').append(word);
    }
    script.append('\n');
  }
}
