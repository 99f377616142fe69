package dev.graft.inject.script;

import dev.graft.inject.Quoted;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a POSIX ustar archive of regular files only: numeric owners (no user or group names, so an
 * extracting root keeps the ids as given), mtime 0, 512-byte blocks. Names up to 255 bytes are
 * split over the prefix and name fields exactly as GNU tar splits them; anything that does not fit
 * a ustar header is rejected, never truncated.
 */
public final class UstarWriter implements AutoCloseable {

  static final int BLOCK = 512;

  /** Largest uid or gid an 8-byte octal field holds (7 digits and a NUL), as in GNU tar. */
  public static final int MAX_ID = 07777777;

  /** Largest size the 12-byte octal field holds. */
  public static final long MAX_SIZE = 077777777777L;

  private static final int NAME = 100;
  private static final int PREFIX = 155;

  private final OutputStream out;
  private boolean finished;

  public UstarWriter(OutputStream out) {
    this.out = out;
  }

  /** Whether {@code name} (relative, ASCII) fits the name and prefix fields. */
  public static boolean fits(String name) {
    return split(name) >= 0;
  }

  /** Whether {@code id} fits a uid or gid field. */
  public static boolean fitsId(int id) {
    return id >= 0 && id <= MAX_ID;
  }

  /**
   * Appends one regular file.
   *
   * @param name member name, relative ({@code etc/motd}), ASCII
   * @param mode permission bits, at most {@code 07777}
   * @throws IllegalArgumentException when a value does not fit a ustar header
   */
  public void add(String name, int mode, int uid, int gid, byte[] content) throws IOException {
    add(name, mode, uid, gid, 0, content);
  }

  /** As {@link #add(String, int, int, int, byte[])}, with {@code mtime} in seconds. */
  public void add(String name, int mode, int uid, int gid, long mtime, byte[] content)
      throws IOException {
    if (finished) {
      throw new IllegalStateException("archive already finished");
    }
    if (name.isEmpty()
        || name.startsWith("/")
        || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
      throw new IllegalArgumentException("not a relative ASCII name: " + Quoted.of(name));
    }
    int split = split(name);
    if (split < 0) {
      throw new IllegalArgumentException("name does not fit a ustar header: " + Quoted.of(name));
    }
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException("mode out of range: " + Integer.toOctalString(mode));
    }
    if (!fitsId(uid) || !fitsId(gid)) {
      throw new IllegalArgumentException("uid or gid above " + MAX_ID + ": " + uid + ":" + gid);
    }
    byte[] header = new byte[BLOCK];
    if (split == 0) {
      ascii(header, 0, name);
    } else {
      ascii(header, 345, name.substring(0, split));
      ascii(header, 0, name.substring(split + 1));
    }
    octal(header, 100, 8, mode);
    octal(header, 108, 8, uid);
    octal(header, 116, 8, gid);
    octal(header, 124, 12, content.length);
    octal(header, 136, 12, mtime);
    header[156] = '0'; // regular file
    ascii(header, 257, "ustar"); // magic "ustar\0", version "00"
    ascii(header, 263, "00");
    // uname and gname stay empty: owners are numeric only. devmajor/devminor stay empty.
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    octal(header, 148, 7, sum); // six digits, NUL, then the space already there
    out.write(header);
    out.write(content);
    int pad = (BLOCK - content.length % BLOCK) % BLOCK;
    out.write(new byte[pad]);
  }

  /** Writes the two zero blocks that end the archive. */
  public void finish() throws IOException {
    if (!finished) {
      out.write(new byte[2 * BLOCK]);
      out.flush();
      finished = true;
    }
  }

  /** Finishes the archive and closes the stream. */
  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }

  /**
   * Where {@code name} is split into prefix and name: 0 when it fits the name field alone, the
   * index of the separating {@code /} otherwise (the last one that leaves a prefix of at most 155
   * bytes, as GNU tar chooses), or -1 when it does not fit.
   */
  private static int split(String name) {
    int length = name.length();
    if (length == 0) {
      return -1;
    }
    if (length <= NAME) {
      return 0;
    }
    if (length > PREFIX + 1 + NAME) {
      return -1;
    }
    for (int i = Math.min(length - 1, PREFIX); i > 0; i--) {
      if (name.charAt(i) == '/') {
        int rest = length - i - 1;
        return rest > 0 && rest <= NAME ? i : -1;
      }
    }
    return -1;
  }

  private static void ascii(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  /** {@code value} as zero-padded octal digits filling {@code width - 1} bytes, then NUL. */
  private static void octal(byte[] header, int offset, int width, long value) {
    String digits = Long.toOctalString(value);
    if (digits.length() > width - 1) {
      throw new IllegalArgumentException(
          "value " + value + " needs more than " + (width - 1) + " octal digits");
    }
    ascii(header, offset, "0".repeat(width - 1 - digits.length()) + digits);
    header[offset + width - 1] = 0;
  }
}
