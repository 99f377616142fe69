package dev.graft.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Finds the cheapest source image for a request without scanning every image: an inverted index
 * from file to the images holding it scores only the images that share a file with the request;
 * every other image costs {@code perBuild + A(r) + D(x)}, so among those only the one with the
 * smallest drop cost {@code D(x)} (its clone cost included) can win. Exact matches are a hash
 * lookup.
 *
 * <p>The index can be kept across plans: {@link #add} and {@link #remove} change it in time
 * proportional to the image's files. What it stores does not depend on the weights (per image: the
 * sum of its files' remove costs and sizes, its clone cost, its depth); the drop costs are priced
 * from those sums when a lookup comes with new weights ({@link #price}), an O(images) pass with no
 * file visited. Removed images are left in the postings and skipped, until they outnumber the live
 * ones and the OS's postings are rebuilt (amortised O(1) per removal). Answers are those of an
 * index built afresh from {@link #images()} in their order (ties go to the earlier image).
 *
 * <p>Not thread-safe: a query reuses per-OS scratch arrays.
 */
public final class NearestIndex implements SourceIndex {

  /** The cheapest source found for a request, and what building from it costs. */
  public record Match(ImageSet source, double cost) {
    public boolean exact() {
      return cost == 0 && source != null;
    }
  }

  /** An image's content as a hash key: os and files (no string of every file id kept). */
  private record Content(String os, RoaringBitmap files) {}

  private CostModel model;
  private final FileTable files;
  private final Map<Content, List<ImageSet>> exactByContent = new HashMap<>();
  private final Map<String, OsIndex> byOs = new LinkedHashMap<>();

  /** An index over {@code images}, priced by {@code model}; each OS's postings built on demand. */
  public NearestIndex(CostModel model, List<ImageSet> images) {
    this.model = model;
    this.files = model.files();
    for (ImageSet image : images) {
      add(image);
    }
  }

  /**
   * An empty index to keep across plans, over the files of {@code model}'s table (the table may
   * grow; price each lookup with a model of the table as it is then).
   */
  public static NearestIndex kept(CostModel model) {
    return new NearestIndex(model, List.of());
  }

  /**
   * Prices the next lookups with {@code model} (its weights; built on this index's file table,
   * covering every file indexed so far). Costs O(images) only when its weights differ from the last
   * ones. Returns this.
   */
  public NearestIndex price(CostModel model) {
    if (model.files() != files) {
      throw new IllegalArgumentException("the cost model is not built on this index's file table");
    }
    this.model = model;
    return this;
  }

  /** Builds the index of every OS now rather than on its first lookup; returns this. */
  public NearestIndex buildAll() {
    byOs.values().forEach(OsIndex::build);
    return this;
  }

  /** Adds an image (after every image already in, for ties). */
  public void add(ImageSet image) {
    exactByContent
        .computeIfAbsent(new Content(image.os(), image.files()), k -> new ArrayList<>(1))
        .add(image);
    byOs.computeIfAbsent(image.os(), os -> new OsIndex()).add(image);
  }

  /**
   * Removes the image of this OS and name (names are unique per OS for this); the image it returns
   * or null when none.
   */
  public ImageSet remove(String os, String name) {
    OsIndex index = byOs.get(os);
    ImageSet removed = index == null ? null : index.remove(name);
    if (removed != null) {
      Content key = new Content(removed.os(), removed.files());
      List<ImageSet> same = exactByContent.get(key);
      same.removeIf(i -> i == removed);
      if (same.isEmpty()) {
        exactByContent.remove(key);
      }
      if (index.live == 0) {
        byOs.remove(os);
      }
    }
    return removed;
  }

  /**
   * Replaces the image of the same OS and name, whose files and depth are the same, in its place: a
   * new clone cost, with no file visited. False (nothing changed) when there is no such image.
   */
  public boolean replace(ImageSet image) {
    OsIndex index = byOs.get(image.os());
    ImageSet old = index == null ? null : index.get(image.name());
    if (old == null || old.depth() != image.depth() || !old.files().equals(image.files())) {
      return false;
    }
    List<ImageSet> same = exactByContent.get(new Content(old.os(), old.files()));
    same.replaceAll(i -> i == old ? image : i);
    index.replace(image);
    return true;
  }

  /** The distinct depths of the images of an OS. */
  @Override
  public java.util.Set<Integer> depths(String os) {
    OsIndex index = byOs.get(os);
    return index == null ? java.util.Set.of() : index.depthCounts.keySet();
  }

  /** The image of this OS and name, or null. */
  public ImageSet get(String os, String name) {
    OsIndex index = byOs.get(os);
    return index == null ? null : index.get(name);
  }

  /** The images in the index, by OS in order of first appearance, each OS's in insertion order. */
  public List<ImageSet> images() {
    List<ImageSet> out = new ArrayList<>(size());
    byOs.values().forEach(index -> index.collect(out));
    return out;
  }

  /** The images of one OS in insertion order (empty when none). */
  public List<ImageSet> images(String os) {
    List<ImageSet> out = new ArrayList<>();
    OsIndex index = byOs.get(os);
    if (index != null) {
      index.collect(out);
    }
    return out;
  }

  /** The first image of an OS in insertion order, or null. */
  public ImageSet first(String os) {
    OsIndex index = byOs.get(os);
    return index == null ? null : index.first();
  }

  /** How many images the index holds. */
  public int size() {
    int n = 0;
    for (OsIndex index : byOs.values()) {
      n += index.live;
    }
    return n;
  }

  /** Whether any image of this OS exists. */
  public boolean hasOs(String os) {
    return byOs.containsKey(os);
  }

  /** The first image whose OS and files equal the request's, or null. */
  @Override
  public ImageSet exact(ImageSet request) {
    List<ImageSet> same = exactByContent.get(new Content(request.os(), request.files()));
    return same == null ? null : same.get(0);
  }

  /**
   * The cheapest image to build the request from (cost 0 for an exact match); null if no image has
   * its OS.
   */
  public Match nearest(ImageSet request) {
    return nearest(request, DepthLimits.UNLIMITED);
  }

  /**
   * The cheapest image of depth at most {@code maxSourceDepth} to build the request from; null if
   * no image of its OS is that shallow.
   */
  @Override
  public Match nearest(ImageSet request, int maxSourceDepth) {
    // An image of the same content is free, the first one shallow enough (a deeper copy may come
    // first: the scoring below would price a shallower one as a build).
    List<ImageSet> same = exactByContent.get(new Content(request.os(), request.files()));
    if (same != null) {
      for (ImageSet exact : same) {
        if (exact.depth() <= maxSourceDepth) {
          return new Match(exact, 0);
        }
      }
    }
    OsIndex index = byOs.get(request.os());
    if (index == null) {
      return null;
    }
    ImageSet best = index.cheapest(request.files(), maxSourceDepth);
    return best == null ? null : new Match(best, model.cost(best, request));
  }

  /** Images of one OS with their drop costs and the file-to-image postings. */
  private final class OsIndex {
    // Until the first lookup: the images, in order (exact-only planning never builds postings).
    private List<ImageSet> unbuilt = new ArrayList<>();
    private final Map<String, Integer> slotByName = new HashMap<>();
    private final java.util.TreeMap<Integer, Integer> depthCounts = new java.util.TreeMap<>();
    private int live;
    // Per slot, in insertion order; a removed image's slot is null until the next compaction.
    private ImageSet[] images = new ImageSet[0];
    private int slots;
    private double[] removeUnits = new double[0];
    private double[] bytes = new double[0];
    private int[] depth = new int[0];
    private int[][] postings = new int[0][];
    private int[] postingSize = new int[0];
    // Scratch of a query.
    private double[] shared = new double[0];
    private int[] stamp = new int[0];
    private int[] touched = new int[0];
    private int query;
    // Priced for pricedBy: per slot drop cost; distinct depths ascending with the image of least
    // drop cost among those at most that deep (null levels: to be computed again).
    private Weights pricedBy;
    private double[] drop = new double[0];
    private int[] levels;
    private int[] cheapestToKeep;

    void add(ImageSet image) {
      depthCounts.merge(image.depth(), 1, Integer::sum);
      if (unbuilt != null) {
        slotByName.putIfAbsent(image.name(), unbuilt.size());
        unbuilt.add(image);
        live++;
        return;
      }
      int slot = append(image);
      slotByName.putIfAbsent(image.name(), slot);
      live++;
      if (pricedNow()) {
        drop[slot] = price(slot);
        if (levels != null) {
          addToLevels(slot);
        }
      }
    }

    /**
     * Whether the drop costs are priced for the weights of the model that prices now. The model may
     * have moved on to other weights since this OS was last looked up (other OSes were): then one
     * new price would mix two sets of weights, so everything is priced again on the next lookup
     * instead.
     */
    private boolean pricedNow() {
      if (pricedBy != null && !model.weights().equals(pricedBy)) {
        pricedBy = null;
        levels = null;
      }
      return pricedBy != null;
    }

    ImageSet get(String name) {
      Integer slot = slotByName.get(name);
      if (slot == null) {
        return null;
      }
      return unbuilt != null ? unbuilt.get(slot) : images[slot];
    }

    ImageSet remove(String name) {
      if (!slotByName.containsKey(name)) {
        return null;
      }
      build(); // slots are stable from here on
      int slot = slotByName.remove(name);
      live--;
      ImageSet removed = images[slot];
      images[slot] = null;
      depthCounts.merge(removed.depth(), -1, (a, b) -> a + b == 0 ? null : a + b);
      if (levels != null) {
        for (int k : cheapestToKeep) {
          if (k == slot) {
            levels = null; // the cheapest image of a level left: recomputed on the next lookup
            break;
          }
        }
      }
      if (slots - live > 64 && slots - live > live) {
        compact();
      }
      return removed;
    }

    /** The same image with a new clone cost, in its slot. */
    void replace(ImageSet image) {
      if (unbuilt != null) {
        unbuilt.set(slotByName.get(image.name()), image);
        return;
      }
      int slot = slotByName.get(image.name());
      images[slot] = image;
      if (pricedNow()) {
        double before = drop[slot];
        drop[slot] = price(slot);
        if (levels != null && drop[slot] > before) {
          levels = null; // it may have been a level's cheapest: recomputed on the next lookup
        } else if (levels != null) {
          cheaperInLevels(slot);
        }
      }
    }

    ImageSet first() {
      if (unbuilt != null) {
        return unbuilt.isEmpty() ? null : unbuilt.get(0);
      }
      for (int i = 0; i < slots; i++) {
        if (images[i] != null) {
          return images[i];
        }
      }
      return null;
    }

    void collect(List<ImageSet> out) {
      if (unbuilt != null) {
        out.addAll(unbuilt);
        return;
      }
      for (int i = 0; i < slots; i++) {
        if (images[i] != null) {
          out.add(images[i]);
        }
      }
    }

    void build() {
      if (unbuilt == null) {
        return;
      }
      List<ImageSet> list = unbuilt;
      unbuilt = null;
      load(list);
    }

    /** Lays the images out in fresh slots, postings included. */
    private void load(List<ImageSet> list) {
      int n = list.size();
      images = new ImageSet[Math.max(n, 16)];
      removeUnits = new double[images.length];
      bytes = new double[images.length];
      depth = new int[images.length];
      shared = new double[images.length];
      stamp = new int[images.length];
      drop = new double[images.length];
      touched = new int[images.length];
      slots = 0;
      int[] counts = new int[files.size()];
      for (ImageSet image : list) {
        image.files().forEach((int f) -> counts[f]++);
      }
      postings = new int[counts.length][];
      postingSize = new int[counts.length];
      for (int f = 0; f < counts.length; f++) {
        postings[f] = counts[f] == 0 ? EMPTY : new int[counts[f]];
      }
      slotByName.clear();
      for (ImageSet image : list) {
        slotByName.putIfAbsent(image.name(), append(image));
      }
      pricedBy = null;
      levels = null;
    }

    private void compact() {
      List<ImageSet> list = new ArrayList<>(live);
      collect(list);
      load(list);
    }

    /** Puts an image in the next slot and its postings; returns the slot. */
    private int append(ImageSet image) {
      if (slots == images.length) {
        int capacity = Math.max(16, slots * 2);
        images = Arrays.copyOf(images, capacity);
        removeUnits = Arrays.copyOf(removeUnits, capacity);
        bytes = Arrays.copyOf(bytes, capacity);
        depth = Arrays.copyOf(depth, capacity);
        shared = Arrays.copyOf(shared, capacity);
        stamp = Arrays.copyOf(stamp, capacity);
        drop = Arrays.copyOf(drop, capacity);
        touched = Arrays.copyOf(touched, capacity);
      }
      int slot = slots++;
      images[slot] = image;
      depth[slot] = image.depth();
      double units = 0;
      double size = 0;
      if (!image.files().isEmpty() && image.files().last() >= postings.length) {
        int length = Math.max(files.size(), image.files().last() + 1);
        int old = postings.length;
        postings = Arrays.copyOf(postings, length);
        postingSize = Arrays.copyOf(postingSize, length);
        Arrays.fill(postings, old, length, EMPTY);
      }
      for (int f : image.files()) {
        FileInfo info = files.get(f);
        units += info.removeCost();
        size += info.size();
        int[] list = postings[f];
        if (postingSize[f] == list.length) {
          list = Arrays.copyOf(list, Math.max(4, list.length * 2));
          postings[f] = list;
        }
        list[postingSize[f]++] = slot;
      }
      removeUnits[slot] = units;
      bytes[slot] = size;
      return slot;
    }

    private double price(int slot) {
      return model.dropCost(removeUnits[slot], bytes[slot]) + images[slot].cloneCost();
    }

    /** Prices every slot for the model's weights when they changed; the levels when missing. */
    private void priced() {
      build();
      if (!model.weights().equals(pricedBy)) {
        pricedBy = model.weights();
        for (int i = 0; i < slots; i++) {
          if (images[i] != null) {
            drop[i] = price(i);
          }
        }
        levels = null;
      }
      if (levels == null) {
        computeLevels();
      }
    }

    private void computeLevels() {
      java.util.TreeMap<Integer, Integer> cheapestAtDepth = new java.util.TreeMap<>();
      for (int i = 0; i < slots; i++) {
        if (images[i] == null) {
          continue;
        }
        Integer held = cheapestAtDepth.get(depth[i]);
        if (held == null || drop[i] < drop[held]) {
          cheapestAtDepth.put(depth[i], i);
        }
      }
      levels = new int[cheapestAtDepth.size()];
      cheapestToKeep = new int[levels.length];
      int k = 0;
      for (var e : cheapestAtDepth.entrySet()) {
        int i = e.getValue();
        int previous = k == 0 ? -1 : cheapestToKeep[k - 1];
        levels[k] = e.getKey();
        cheapestToKeep[k++] = better(i, previous) ? i : previous;
      }
    }

    /** A new image at the end: it becomes the cheapest of every level from its depth up. */
    private void addToLevels(int slot) {
      int at = Arrays.binarySearch(levels, depth[slot]);
      if (at < 0) {
        at = -at - 1;
        int[] l = new int[levels.length + 1];
        int[] c = new int[levels.length + 1];
        System.arraycopy(levels, 0, l, 0, at);
        System.arraycopy(cheapestToKeep, 0, c, 0, at);
        System.arraycopy(levels, at, l, at + 1, levels.length - at);
        System.arraycopy(cheapestToKeep, at, c, at + 1, levels.length - at);
        l[at] = depth[slot];
        c[at] = at == 0 ? slot : c[at - 1];
        levels = l;
        cheapestToKeep = c;
      }
      cheaperInLevels(slot);
    }

    /** An image whose drop cost fell (or a new one): the cheapest of the levels it now wins. */
    private void cheaperInLevels(int slot) {
      int at = Arrays.binarySearch(levels, depth[slot]);
      for (int k = at; k < levels.length; k++) {
        if (better(slot, cheapestToKeep[k])) {
          cheapestToKeep[k] = slot;
        }
      }
    }

    private boolean better(int image, int than) {
      return than < 0 || drop[image] < drop[than] || (drop[image] == drop[than] && image < than);
    }

    /**
     * The image of depth at most {@code maxDepth} minimising {@code D(x) - saving(r ∩ x)}; ties go
     * to the earlier image; null when none is that shallow.
     */
    ImageSet cheapest(RoaringBitmap request, int maxDepth) {
      priced();
      int level = Arrays.binarySearch(levels, maxDepth);
      level = level >= 0 ? level : -level - 2;
      if (level < 0) {
        return null;
      }
      int current = ++query;
      int count = 0;
      for (int f : request) {
        if (f >= postings.length) {
          continue;
        }
        double saving = model.sharedSaving(f);
        int[] list = postings[f];
        for (int p = 0, n = postingSize[f]; p < n; p++) {
          int image = list[p];
          if (stamp[image] != current) {
            stamp[image] = current;
            shared[image] = 0;
            touched[count++] = image;
          }
          shared[image] += saving;
        }
      }
      int best = cheapestToKeep[level];
      double bestScore = score(best, current);
      for (int t = 0; t < count; t++) {
        int image = touched[t];
        if (depth[image] > maxDepth || images[image] == null) {
          continue;
        }
        double s = drop[image] - shared[image];
        if (s < bestScore || (s == bestScore && image < best)) {
          best = image;
          bestScore = s;
        }
      }
      return images[best];
    }

    private double score(int image, int current) {
      return drop[image] - (stamp[image] == current ? shared[image] : 0);
    }
  }

  private static final int[] EMPTY = new int[0];
}
