package dev.graft.inject.script;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a ustar archive back for tests, checking each header's checksum and magic. */
public final class TarEntries {

  /** One member as its header and data say. */
  public record Entry(
      String name,
      int mode,
      int uid,
      int gid,
      long mtime,
      char type,
      String uname,
      String gname,
      byte[] content) {}

  private TarEntries() {}

  public static List<Entry> read(byte[] tar) {
    assertThat(tar.length % UstarWriter.BLOCK).as("archive length").isZero();
    List<Entry> entries = new ArrayList<>();
    int at = 0;
    while (true) {
      assertThat(at + UstarWriter.BLOCK)
          .as("end-of-archive blocks")
          .isLessThanOrEqualTo(tar.length);
      byte[] header = Arrays.copyOfRange(tar, at, at + UstarWriter.BLOCK);
      if (isZero(header)) {
        assertThat(isZero(Arrays.copyOfRange(tar, at, Math.min(tar.length, at + 1024)))).isTrue();
        return entries;
      }
      long sum = 0;
      for (int i = 0; i < header.length; i++) {
        sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
      }
      assertThat(octal(header, 148, 8)).as("checksum").isEqualTo(sum);
      assertThat(text(header, 257, 6)).isEqualTo("ustar");
      assertThat(text(header, 263, 2)).isEqualTo("00");
      String prefix = text(header, 345, 155);
      String name = text(header, 0, 100);
      int size = (int) octal(header, 124, 12);
      at += UstarWriter.BLOCK;
      entries.add(
          new Entry(
              prefix.isEmpty() ? name : prefix + "/" + name,
              (int) octal(header, 100, 8),
              (int) octal(header, 108, 8),
              (int) octal(header, 116, 8),
              octal(header, 136, 12),
              (char) header[156],
              text(header, 265, 32),
              text(header, 297, 32),
              Arrays.copyOfRange(tar, at, at + size)));
      at += (size + UstarWriter.BLOCK - 1) / UstarWriter.BLOCK * UstarWriter.BLOCK;
    }
  }

  private static boolean isZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] header, int offset, int width) {
    int end = offset;
    while (end < offset + width && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }

  private static long octal(byte[] header, int offset, int width) {
    String digits = text(header, offset, width).strip();
    return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
  }
}
