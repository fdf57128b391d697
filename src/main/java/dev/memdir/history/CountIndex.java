package dev.memdir.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import dev.memdir.format.Layout;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The derived record count of each segment, kept in {@code .memdir/history-count.json} so that
 * counting a million records reads only what was appended since the last count:
 *
 * <pre>
 * {"v":1,"segments":{"2026-11.jsonl":{"end":48213,"lines":312,"head":"9f86d081884c7d65","tail":"3a7bd3e2360a3d29"}}}
 * </pre>
 *
 * <p>{@code end} is the offset after the last complete line counted and {@code lines} the complete
 * lines before it that parse as records (a corrupt line does not count); {@code head} and {@code
 * tail} hash the first and last 4 KiB before {@code end}. When both still match, only the bytes
 * after {@code end} are counted; otherwise the segment is counted again. Deleting the file only
 * costs one full count.
 */
final class CountIndex {
  static final String FILE = "history-count.json";

  /** Far over an entry per segment; a larger file is not this index's, and is rebuilt. */
  static final long MAX_BYTES = 16L << 20;

  private static final int EDGE = 4096;

  private static final byte[] WRITTEN = "{\"v\":1,\"id\":\"".getBytes(StandardCharsets.UTF_8);

  /** Readers skip longer lines, so they do not count. */
  private static final int MAX_LINE = HistoryLog.MAX_LINE_BYTES;

  private static final System.Logger LOG = System.getLogger(CountIndex.class.getName());

  record Entry(long end, long lines, String head, String tail) {}

  private final Layout layout;
  private Map<String, Entry> entries;

  CountIndex(Layout layout) {
    this.layout = layout;
  }

  /** The number of non-blank complete lines in all segments. */
  synchronized long count(List<Path> segments) {
    if (entries == null) {
      entries = load();
    }
    Map<String, Entry> next = new HashMap<>();
    long total = 0;
    for (Path seg : segments) {
      String name = seg.getFileName().toString();
      Entry e;
      try {
        e = update(seg, entries.get(name));
      } catch (NoSuchFileException gone) {
        continue;
      } catch (IOException ex) {
        throw new MemdirException(
            "cannot read " + layout.display(seg) + ": " + ex.getMessage(), ex);
      }
      next.put(name, e);
      total += e.lines();
    }
    if (!next.equals(entries)) {
      entries = next;
      save(next);
    }
    return total;
  }

  private Entry update(Path seg, Entry old) throws IOException {
    try (FileChannel ch = Segments.read(seg)) {
      long size = ch.size();
      if (old != null
          && old.end() <= size
          && old.head().equals(DerivedFiles.hash(ch, 0, Math.min(EDGE, old.end())))
          && old.tail().equals(DerivedFiles.hash(ch, Math.max(0, old.end() - EDGE), old.end()))) {
        return countFrom(ch, old.end(), old.lines(), size);
      }
      return countFrom(ch, 0, 0, size);
    }
  }

  private static Entry countFrom(FileChannel ch, long from, long lines, long size)
      throws IOException {
    long end = from;
    long count = lines;
    boolean content = false;
    // The line so far: a line counts only when it parses as a record, as readers see it.
    byte[] line = new byte[512];
    int col = 0;
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    byte[] b = buf.array();
    for (long pos = from; pos < size; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), size - pos));
      int n = ch.read(buf, pos);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (b[i] == '\n') {
          if (content && isRecord(line, col)) {
            count++;
          }
          content = false;
          col = 0;
          end = pos + i + 1;
        } else {
          if (col == line.length && col < MAX_LINE) {
            line = java.util.Arrays.copyOf(line, (int) Math.min(MAX_LINE, col * 2L));
          }
          if (col < line.length) {
            line[col] = b[i];
          }
          col++;
          if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
            content = true;
          }
        }
      }
      pos += n;
    }
    return new Entry(
        end,
        count,
        DerivedFiles.hash(ch, 0, Math.min(EDGE, end)),
        DerivedFiles.hash(ch, Math.max(0, end - EDGE), end));
  }

  /** Whether a complete line is a record readers return (not corrupt, not a conflict marker). */
  private static boolean isRecord(byte[] line, int len) {
    if (len > line.length || ConflictMarker.is(line, 0, Math.min(len, 8))) {
      return false;
    }
    int end = len;
    while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) {
      end--;
    }
    // The shape memdir writes ({"v":1,"id":...}) counts without a parse, which would make a first
    // count of a million records take seconds; any other line is parsed as readers parse it.
    if (end > WRITTEN.length
        && line[end - 1] == '}'
        && java.util.Arrays.equals(line, 0, WRITTEN.length, WRITTEN, 0, WRITTEN.length)) {
      return true;
    }
    return HistoryLog.parse(line, 0, len, new java.util.ArrayList<>()).isPresent();
  }

  private Map<String, Entry> load() {
    Path file = layout.derivedDir().resolve(FILE);
    Map<String, Entry> out = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try {
      JsonNode root =
          Record.JSON.readTree(TextFiles.readBytes(file, layout.display(file), MAX_BYTES));
      if (root.path("v").asInt() != 1) {
        return out;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("segments").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode e = f.getValue();
        out.put(
            f.getKey(),
            new Entry(
                e.path("end").asLong(-1),
                e.path("lines").asLong(-1),
                e.path("head").asText(),
                e.path("tail").asText()));
      }
      out.values().removeIf(e -> e.end() < 0 || e.lines() < 0);
    } catch (IOException | RuntimeException e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      LOG.log(
          System.Logger.Level.WARNING,
          layout.display(file) + ": unreadable, counting history again (" + why + ")");
      return new HashMap<>();
    }
    return out;
  }

  private void save(Map<String, Entry> map) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("v", 1);
    ObjectNode segs = root.putObject("segments");
    map.keySet().stream()
        .sorted()
        .forEach(
            name -> {
              Entry e = map.get(name);
              ObjectNode o = segs.putObject(name);
              o.put("end", e.end());
              o.put("lines", e.lines());
              o.put("head", e.head());
              o.put("tail", e.tail());
            });
    DerivedFiles.save(layout, FILE, root + "\n");
  }
}
