package dev.graft.planner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Interns file ids to dense indices so that file sets can be bitmaps and costs arrays. */
public final class FileTable {
  private final Map<String, Integer> indexById = new HashMap<>();
  private final List<FileInfo> files = new ArrayList<>();

  /** Adds a file; returns its index. A second file with the same id is rejected. */
  public int add(FileInfo file) {
    Integer previous = indexById.putIfAbsent(file.id(), files.size());
    if (previous != null) {
      throw new IllegalArgumentException("duplicate file id \"" + file.id() + "\"");
    }
    files.add(file);
    return files.size() - 1;
  }

  /** The index of a file id, or -1 if unknown. */
  public int indexOf(String id) {
    return indexById.getOrDefault(id, -1);
  }

  public FileInfo get(int index) {
    return files.get(index);
  }

  public int size() {
    return files.size();
  }

  public List<FileInfo> all() {
    return Collections.unmodifiableList(files);
  }
}
