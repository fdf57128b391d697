package dev.memdir.history;

import dev.memdir.MemdirException;
import dev.memdir.format.Layout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The month segments of {@code history/}: {@code YYYY-MM.jsonl}, in name (time) order. */
final class Segments {
  static final Pattern NAME = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])\\.jsonl");
  static final String QUARANTINE = "quarantine";

  private Segments() {}

  /**
   * The segment file name for a record at {@code ts}.
   *
   * @throws IllegalArgumentException for a time a ULID cannot hold or a 4-digit year cannot name
   */
  static String nameFor(Instant ts) {
    return monthOf(ts)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "a history record's time must be in the years 1970 to 9999, got " + ts));
  }

  /** The segment file name for {@code ts}, if it is in the years 1970 to 9999. */
  static Optional<String> monthOf(Instant ts) {
    YearMonth ym = YearMonth.from(ts.atOffset(ZoneOffset.UTC));
    if (ym.getYear() < 1970 || ym.getYear() > 9999) {
      return Optional.empty();
    }
    return Optional.of(String.format("%04d-%02d.jsonl", ym.getYear(), ym.getMonthValue()));
  }

  /** The segment files (regular files only), oldest month first; none when history/ is missing. */
  static List<Path> list(Layout layout) {
    Path dir = layout.historyDir();
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new MemdirException("cannot list " + layout.display(dir) + ": " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  /** The last byte of a file, or -1 when it is empty. */
  static int lastByte(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size == 0) {
      return -1;
    }
    ByteBuffer b = ByteBuffer.allocate(1);
    ch.read(b, size - 1);
    return b.get(0) & 0xFF;
  }

  /** The offset just after the last newline at or before {@code size} (0 when there is none). */
  static long completeEnd(FileChannel ch, long size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long end = size;
    while (end > 0) {
      long from = Math.max(0, end - buf.capacity());
      buf.clear().limit((int) (end - from));
      long p = from;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, p);
        if (n < 0) {
          break;
        }
        p += n;
      }
      for (int i = buf.position() - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i + 1;
        }
      }
      end = from;
    }
    return 0;
  }

  /** Opens a segment for reading. */
  static FileChannel read(Path p) throws IOException {
    return FileChannel.open(p, StandardOpenOption.READ);
  }
}
