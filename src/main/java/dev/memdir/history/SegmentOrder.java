package dev.memdir.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Layout;
import dev.memdir.format.TextFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Keeps each history segment in time order on disk. A merge made by git alone (its {@code union}
 * driver, in a clone where memdir's own driver is not set up) leaves one side's records after the
 * other's, and may repeat a record; every reader (the last-N read, full streams, the search index)
 * reads segments in file order. So when the agent opens, each segment that changed since it was
 * last checked is checked, and one found out of order is rewritten sorted by time, then id, each id
 * once, under the write lock.
 *
 * <p>What was checked is remembered in {@code .memdir/history-order.json}, one entry per segment
 * (it does not grow with the conversation):
 *
 * <pre>
 * {"v":1,"segments":{"2026-11.jsonl":{"end":48213,"mtime":1764151200000000000,"head":"9f86…","tail":"3a7b…","ts":"2026-11-26T10:00:00Z","id":"01JDQ…"}}}
 * </pre>
 *
 * <p>An unchanged segment (same size and time) costs one {@code stat}. One that only grew (the
 * hashes of its first and last 4 KiB before {@code end} still match) is checked from {@code end}
 * on, against the last record checked; any other change is checked from the start, once.
 */
final class SegmentOrder {
  static final String FILE = "history-order.json";

  private static final long MAX_BYTES = 16L << 20;
  private static final int EDGE = 4096;
  private static final System.Logger LOG = System.getLogger(SegmentOrder.class.getName());
  private static final Comparator<Record> ORDER =
      Comparator.comparing(Record::ts).thenComparing(Record::id);

  record Entry(long end, long mtime, String head, String tail, String ts, String id) {}

  /** What a check found: in order up to {@code entry}, or out of order. */
  record Check(Entry entry, boolean ordered) {}

  private final Layout layout;
  private Map<String, Entry> entries;

  SegmentOrder(Layout layout) {
    this.layout = layout;
  }

  /** The segments that changed since they were last found in order (one stat each). */
  synchronized List<Path> changed(List<Path> segments) {
    if (entries == null) {
      entries = load();
    }
    List<Path> out = new ArrayList<>();
    for (Path seg : segments) {
      Entry e = entries.get(seg.getFileName().toString());
      try {
        if (e == null
            || Files.size(seg) != e.end()
            || Files.getLastModifiedTime(seg).to(TimeUnit.NANOSECONDS) != e.mtime()) {
          out.add(seg);
        }
      } catch (NoSuchFileException gone) {
        // Moved away meanwhile.
      } catch (IOException ex) {
        out.add(seg);
      }
    }
    return out;
  }

  /**
   * Checks {@code seg} (its complete lines) from where it was last checked; reads the whole file
   * only when it changed other than by appends.
   */
  synchronized Check check(Path seg) throws IOException {
    if (entries == null) {
      entries = load();
    }
    try (FileChannel ch = Segments.read(seg)) {
      long mtime = Files.getLastModifiedTime(seg).to(TimeUnit.NANOSECONDS);
      long size = ch.size();
      long end = Segments.lastByte(ch) == '\n' ? size : Segments.completeEnd(ch, size);
      Entry old = entries.get(seg.getFileName().toString());
      long from = 0;
      Record last = null;
      if (old != null
          && old.end() <= end
          && old.head().equals(DerivedFiles.hash(ch, 0, Math.min(EDGE, old.end())))
          && old.tail().equals(DerivedFiles.hash(ch, Math.max(0, old.end() - EDGE), old.end()))) {
        from = old.end();
        last = old.id().isEmpty() ? null : probe(old);
      }
      ch.position(from);
      List<String> ignored = new ArrayList<>();
      // Not closed on its own: that would close the channel, which the hashes below still read.
      LineReader r = new LineReader(Channels.newInputStream(ch), from, HistoryLog.MAX_LINE_BYTES);
      {
        long read = from;
        for (LineReader.Line l = r.next(); l != null && read < end; l = r.next()) {
          read = r.offset();
          if (!l.terminated || l.overLimit) {
            continue;
          }
          Optional<Record> rec = HistoryLog.parse(l.bytes, 0, l.length, ignored);
          ignored.clear();
          if (rec.isEmpty()) {
            continue; // corrupt lines and conflict markers are validate's
          }
          // Out of order: an earlier time, or the same record twice. Records of one millisecond
          // are left in the order written (two processes appending at once), not rewritten.
          if (last != null
              && (rec.get().ts().isBefore(last.ts()) || rec.get().id().equals(last.id()))) {
            return new Check(null, false);
          }
          last = rec.get();
        }
      }
      return new Check(
          new Entry(
              end,
              end == size ? mtime : -1,
              DerivedFiles.hash(ch, 0, Math.min(EDGE, end)),
              DerivedFiles.hash(ch, Math.max(0, end - EDGE), end),
              last == null ? "" : last.ts().toString(),
              last == null ? "" : last.id()),
          true);
    }
  }

  /** Remembers that {@code seg} was found in order up to {@code e}. */
  synchronized void remember(Path seg, Entry e) {
    entries.put(seg.getFileName().toString(), e);
    save(entries);
  }

  /**
   * With the write lock held: rewrites {@code seg} with its records sorted by time then id, each id
   * once. Lines that are not records (corrupt, conflict markers) keep the segment as it is: nothing
   * is dropped that a person may want back; {@code validate} reports them.
   *
   * @return a reason when the segment was left as it is, else empty
   */
  Optional<String> sort(Path seg) throws IOException {
    long size = Files.size(seg);
    long mtime = Files.getLastModifiedTime(seg).to(TimeUnit.NANOSECONDS);
    byte[] bytes = TextFiles.readBytes(seg, layout.display(seg), Long.MAX_VALUE);
    if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
      return Optional.of("its last line has no newline");
    }
    Map<String, byte[]> byId = new LinkedHashMap<>();
    List<Record> records = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    int start = 0;
    int line = 1;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      int len = i - start;
      if (!LineReader.isBlank(bytes, start, len)) {
        Optional<Record> rec = HistoryLog.parse(bytes, start, len, ignored);
        if (rec.isEmpty()) {
          return Optional.of("line " + line + " is not a record");
        }
        if (!byId.containsKey(rec.get().id())) {
          byte[] copy = new byte[len + 1];
          System.arraycopy(bytes, start, copy, 0, len + 1);
          byId.put(rec.get().id(), copy);
          records.add(rec.get());
        }
      }
      start = i + 1;
      line++;
    }
    records.sort(ORDER);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    for (Record r : records) {
      out.writeBytes(byId.get(r.id()));
    }
    if (Files.size(seg) != size
        || Files.getLastModifiedTime(seg).to(TimeUnit.NANOSECONDS) != mtime) {
      return Optional.of("it changed while being sorted");
    }
    AtomicFiles.write(seg, out.toByteArray());
    return Optional.empty();
  }

  /** The last record checked, as far as order goes. */
  private static Record probe(Entry e) {
    return Record.create(
        e.id(), java.time.Instant.parse(e.ts()), Message.of("event", "order probe"));
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
        Entry entry =
            new Entry(
                e.path("end").asLong(-1),
                e.path("mtime").asLong(-1),
                e.path("head").asText(),
                e.path("tail").asText(),
                e.path("ts").asText(),
                e.path("id").asText());
        if (entry.end() >= 0 && (entry.id().isEmpty() || validTime(entry.ts()))) {
          out.put(f.getKey(), entry);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          layout.display(file) + ": unreadable, checking the order of history again");
      return new HashMap<>();
    }
    return out;
  }

  private static boolean validTime(String ts) {
    try {
      java.time.Instant.parse(ts);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
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
              o.put("mtime", e.mtime());
              o.put("head", e.head());
              o.put("tail", e.tail());
              o.put("ts", e.ts());
              o.put("id", e.id());
            });
    DerivedFiles.save(layout, FILE, root + "\n");
  }
}
