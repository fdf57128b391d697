package dev.memdir.history;

import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import dev.memdir.format.WriteLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The conversation: append-only JSONL in {@code history/YYYY-MM.jsonl}, one {@link Record} per
 * line, the month chosen by the record's {@code ts}.
 *
 * <p>Nothing here rewrites or deletes a line, with two exceptions: a torn last line (no newline,
 * not a record, left by a crash) is copied to {@code history/quarantine/<month>-<offset>.txt} and
 * cut off, with a warning naming the file and line; and a segment a merge left out of time order is
 * rewritten sorted, each record once (see {@link SegmentOrder}), with a warning. Opening checks
 * only the last line of the newest (and of the last modified) segment; an append checks the segment
 * it writes to.
 *
 * <p>Appends take the agent's {@link WriteLock} for the one write, and are forced to disk as the
 * {@link Durability} says: {@code always} before {@code append} returns, {@code turn} at {@link
 * #sync()} (the end of a turn, or {@link #close()}), {@code never} by the operating system. Readers
 * take no lock and skip corrupt lines and an unfinished last line.
 */
public final class HistoryLog implements AutoCloseable {
  /** The longest line (record) read or written. */
  public static final int MAX_LINE_BYTES = 16 << 20;

  /** The largest torn tail copied to quarantine; a longer one is reported and left alone. */
  static final long MAX_QUARANTINE_BYTES = 256L << 20;

  private static final System.Logger LOG = System.getLogger(HistoryLog.class.getName());

  /** Opens a segment for appending; tests put a failing channel here to inject a full disk. */
  interface ChannelOpener {
    FileChannel open(Path segment) throws IOException;
  }

  private static final ChannelOpener APPEND =
      p ->
          FileChannel.open(
              p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);

  private final Layout layout;
  private final Durability durability;
  private final WriteLock lock;
  private final Clock clock;
  private final ChannelOpener opener;
  private final Ulid ulid = new Ulid();
  private final CountIndex counts;
  private final SegmentOrder order;
  private final Set<Path> unsynced = ConcurrentHashMap.newKeySet();
  private final List<Problem> warnings = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private HistoryLog(
      Layout layout, Durability durability, WriteLock lock, Clock clock, ChannelOpener opener) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.durability = Objects.requireNonNull(durability, "durability");
    this.lock = Objects.requireNonNull(lock, "lock");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.opener = opener;
    this.counts = new CountIndex(layout);
    this.order = new SegmentOrder(layout);
  }

  /**
   * Opens the history of the agent at {@code layout}, setting aside a torn last line if the lock is
   * free (a writer holding it repairs the tail itself before its next append).
   */
  public static HistoryLog open(Layout layout, Durability durability, WriteLock lock, Clock clock) {
    return open(layout, durability, lock, clock, APPEND);
  }

  static HistoryLog open(
      Layout layout, Durability durability, WriteLock lock, Clock clock, ChannelOpener opener) {
    HistoryLog log = new HistoryLog(layout, durability, lock, clock, opener);
    log.checkTails();
    log.checkOrder();
    return log;
  }

  /** What opening or appending set right (a torn line set aside, a missing newline added). */
  public List<Problem> warnings() {
    return List.copyOf(warnings);
  }

  /** The durability policy appends follow. */
  public Durability durability() {
    return durability;
  }

  /**
   * Appends a message timestamped now: the time is read under the write lock, so appends from
   * several processes reach the file in time order (a segment out of order is rewritten sorted).
   */
  public Record append(Message message) {
    ensureOpen();
    try (WriteLock.Hold hold = lock.acquire()) {
      return append(message, clock.instant());
    }
  }

  /**
   * Appends a message with the time {@code ts} (to the millisecond) to the segment of its month;
   * imports with old times go to old segments.
   *
   * @throws dev.memdir.AgentBusyException when another writer keeps the lock past the wait
   * @throws MemdirException when the record cannot be written; then nothing of it was written
   */
  public Record append(Message message, Instant ts) {
    Objects.requireNonNull(message, "message");
    ensureOpen();
    Instant t = ts.truncatedTo(ChronoUnit.MILLIS);
    Path seg = layout.historyDir().resolve(Segments.nameFor(t));
    try (WriteLock.Hold hold = lock.acquire()) {
      Record r = Record.create(ulid.next(t), t, message);
      byte[] line = r.toLine();
      if (line.length > MAX_LINE_BYTES) {
        throw new MemdirException(
            "a history record may be at most "
                + MAX_LINE_BYTES
                + " bytes of JSON, got "
                + line.length);
      }
      write(seg, line);
      return r;
    }
  }

  /** A message to append with {@link #appendAll} and its time. */
  public record Entry(Message message, Instant ts) {
    /** Checks both are present. */
    public Entry {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(ts, "ts");
    }
  }

  /**
   * Appends the messages in order under one hold of the lock, for bulk imports: each segment gets
   * one write, and one force at the end under {@code durability: always} ({@code turn} leaves it to
   * {@link #sync}, as {@link #append} does). Every record is built and checked before any is
   * written; when a write fails, what this call wrote is cut back, so all are appended or none.
   *
   * @throws MemdirException naming the entry (0-based) over {@link #MAX_LINE_BYTES}, or the segment
   *     that could not be written
   */
  public List<Record> appendAll(List<Entry> entries) {
    ensureOpen();
    try (WriteLock.Hold hold = lock.acquire()) {
      List<Record> records = new ArrayList<>(entries.size());
      java.util.Map<Path, java.io.ByteArrayOutputStream> bySegment =
          new java.util.LinkedHashMap<>();
      for (int i = 0; i < entries.size(); i++) {
        Instant t = entries.get(i).ts().truncatedTo(ChronoUnit.MILLIS);
        Record r = Record.create(ulid.next(t), t, entries.get(i).message());
        byte[] line = r.toLine();
        if (line.length > MAX_LINE_BYTES) {
          throw new MemdirException(
              "entry "
                  + i
                  + ": a history record may be at most "
                  + MAX_LINE_BYTES
                  + " bytes of JSON, got "
                  + line.length);
        }
        records.add(r);
        bySegment
            .computeIfAbsent(
                layout.historyDir().resolve(Segments.nameFor(t)),
                k -> new java.io.ByteArrayOutputStream())
            .writeBytes(line);
      }
      writeAll(bySegment);
      return records;
    }
  }

  private void writeAll(java.util.Map<Path, java.io.ByteArrayOutputStream> bySegment) {
    java.util.Map<Path, Long> written = new java.util.LinkedHashMap<>(); // segment -> size before
    try {
      for (java.util.Map.Entry<Path, java.io.ByteArrayOutputStream> e : bySegment.entrySet()) {
        byte[] lines = e.getValue().toByteArray();
        write(e.getKey(), lines, false); // cuts back its own lines when it fails
        written.put(e.getKey(), Files.size(e.getKey()) - lines.length);
      }
      if (durability == Durability.ALWAYS) {
        for (Path seg : written.keySet()) {
          try (FileChannel ch = opener.open(seg)) {
            ch.force(false);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      for (java.util.Map.Entry<Path, Long> w : written.entrySet()) {
        try (FileChannel ch = opener.open(w.getKey())) {
          cutBack(ch, w.getValue());
        } catch (IOException ignored) {
          // Then those records stay, though the import is reported as failed.
        }
      }
      String why = e instanceof IOException io ? reason(io) : e.getMessage();
      throw new MemdirException("cannot append the records: " + why + "; none was written", e);
    }
  }

  /** Forces appended records to disk (the end of a turn under {@code durability: turn}). */
  public void sync() {
    for (Path seg : List.copyOf(unsynced)) {
      if (!Files.isRegularFile(seg)) {
        unsynced.remove(seg); // moved away by a person; nothing of ours left to force
        continue;
      }
      try (FileChannel ch = opener.open(seg)) {
        ch.force(false);
      } catch (IOException e) {
        throw new MemdirException("cannot sync " + layout.display(seg) + ": " + e.getMessage(), e);
      }
      unsynced.remove(seg);
    }
  }

  /**
   * The last {@code n} records, oldest first, read backwards from the end of the newest segments
   * without reading the rest of the files; sorted by time and deduplicated by id when a merge left
   * them out of order (see {@link #inTimeOrder}).
   */
  public List<Record> tail(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, got " + n);
    }
    ArrayDeque<Record> out = new ArrayDeque<>();
    List<Path> segs = Segments.list(layout);
    List<String> ignored = new ArrayList<>();
    for (int i = segs.size() - 1; i >= 0 && out.size() < n; i--) {
      try (FileChannel ch = Segments.read(segs.get(i))) {
        long size = ch.size();
        long end = Segments.lastByte(ch) == '\n' ? size : Segments.completeEnd(ch, size);
        ReverseLines lines = new ReverseLines(ch, end, MAX_LINE_BYTES);
        for (byte[] l = lines.previous(); l != null && out.size() < n; l = lines.previous()) {
          parse(l, 0, l.length, ignored).ifPresent(out::addFirst);
        }
      } catch (NoSuchFileException e) {
        // Moved away meanwhile.
      } catch (IOException e) {
        throw new MemdirException(
            "cannot read " + layout.display(segs.get(i)) + ": " + e.getMessage(), e);
      }
    }
    return inTimeOrder(out);
  }

  /**
   * The records sorted by time then id, each id once, when a merge left them out of order or
   * duplicated (git's union merge appends one side's lines after the other's); else as they are.
   */
  static List<Record> inTimeOrder(java.util.Collection<Record> records) {
    List<Record> list = new ArrayList<>(records);
    Comparator<Record> order = Comparator.comparing(Record::ts).thenComparing(Record::id);
    boolean sorted = true;
    Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      sorted &=
          ids.add(list.get(i).id()) && (i == 0 || order.compare(list.get(i - 1), list.get(i)) < 0);
    }
    if (sorted) {
      return List.copyOf(list);
    }
    java.util.Map<String, Record> byId = new java.util.LinkedHashMap<>();
    list.forEach(r -> byId.putIfAbsent(r.id(), r));
    List<Record> out = new ArrayList<>(byId.values());
    out.sort(order);
    return List.copyOf(out);
  }

  /** Every record, oldest segment first, in file order; close the stream when done. */
  public Stream<Record> stream() {
    return stream(Segments.list(layout), 0, 0);
  }

  /**
   * The records after the one with {@code id}, in log order; close the stream when done.
   *
   * @throws MemdirException when no record has that id
   */
  public Stream<Record> streamAfter(String id) {
    List<Path> segs = Segments.list(layout);
    long[] at =
        locate(segs, id)
            .orElseThrow(() -> new MemdirException("no history record with id '" + id + "'"));
    return stream(segs, (int) at[0], at[1]);
  }

  /** The names of the segment files, like {@code 2026-11.jsonl}, oldest month first. */
  public List<String> segmentNames() {
    List<String> out = new ArrayList<>();
    for (Path p : Segments.list(layout)) {
      out.add(p.getFileName().toString());
    }
    return out;
  }

  /**
   * Reads one segment forward from byte {@code offset} (the start of a line), for readers that
   * resume where they stopped (the search index): each record goes to {@code sink} with the offset
   * just after its line. Corrupt and blank lines are skipped; an unfinished last line is not read.
   *
   * @param segment a name from {@link #segmentNames()}
   * @return the offset just after the last complete line read: where to resume next time
   * @throws MemdirException when the segment cannot be read
   */
  public long readSegment(
      String segment, long offset, java.util.function.ObjLongConsumer<Record> sink) {
    if (!Segments.NAME.matcher(segment).matches()) {
      throw new IllegalArgumentException("not a segment name: " + segment);
    }
    Path seg = layout.historyDir().resolve(segment);
    List<String> ignored = new ArrayList<>();
    long end = offset;
    try (FileChannel ch = Segments.read(seg)) {
      ch.position(offset);
      try (LineReader r = new LineReader(Channels.newInputStream(ch), offset, MAX_LINE_BYTES)) {
        for (LineReader.Line l = r.next(); l != null && l.terminated; l = r.next()) {
          end = r.offset();
          if (!l.overLimit) {
            Optional<Record> rec = parse(l.bytes, 0, l.length, ignored);
            ignored.clear();
            if (rec.isPresent()) {
              sink.accept(rec.get(), end);
            }
          }
        }
      }
    } catch (NoSuchFileException e) {
      return offset;
    } catch (IOException e) {
      throw new MemdirException("cannot read " + layout.display(seg) + ": " + e.getMessage(), e);
    }
    return end;
  }

  /**
   * The number of records: non-blank complete lines, counted without parsing (a corrupt line counts
   * too; {@code validate} reports it). Remembered in {@code .memdir/} so later counts read only
   * what was appended since.
   */
  public long count() {
    return counts.count(Segments.list(layout));
  }

  /** Forces what {@code durability: turn} left unsynced; the log cannot append afterwards. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (durability == Durability.TURN) {
      sync();
    }
    closed = true;
  }

  /** Every problem in {@code history/}: corrupt lines are errors, unknown roles warnings. */
  public static List<Problem> validate(Layout layout) {
    return HistoryValidator.validate(layout);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the history log is closed");
    }
  }

  private void write(Path seg, byte[] line) {
    write(seg, line, true);
  }

  /** Appends whole lines to {@code seg}; {@code force}: under durability always, force them. */
  private void write(Path seg, byte[] line, boolean force) {
    Path dir = layout.historyDir();
    String display = layout.display(seg);
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new MemdirException(
          "cannot append to " + display + ": history is a file, expected a folder");
    }
    if (Files.isDirectory(seg)) {
      throw new MemdirException(
          "cannot append to " + display + ": it is a directory, expected a file; move it away");
    }
    boolean created = !Files.exists(seg);
    try {
      if (created) {
        Files.createDirectories(dir);
      } else {
        repairTail(seg);
      }
      try (FileChannel ch = opener.open(seg)) {
        long before = ch.size();
        try {
          ByteBuffer buf = ByteBuffer.wrap(line);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        } catch (IOException e) {
          cutBack(ch, before);
          throw e;
        }
        if (durability == Durability.ALWAYS && force) {
          ch.force(false);
        } else if (durability == Durability.TURN) {
          unsynced.add(seg);
        }
      }
    } catch (IOException e) {
      throw new MemdirException(
          "cannot append to " + display + ": " + reason(e) + "; the record was not written", e);
    }
    if (created && durability != Durability.NEVER) {
      AtomicFiles.fsyncDirectory(dir);
    }
  }

  private static void cutBack(FileChannel ch, long size) {
    try {
      ch.truncate(size); // our own half-written line, never a person's
    } catch (IOException ignored) {
      // Then the half line stays as a torn tail, set aside at the next open or append.
    }
  }

  private void checkTails() {
    List<Path> segs = Segments.list(layout);
    if (segs.isEmpty()) {
      return;
    }
    Set<Path> candidates = new LinkedHashSet<>();
    candidates.add(segs.get(segs.size() - 1));
    segs.stream().max(Comparator.comparing(HistoryLog::modified)).ifPresent(candidates::add);
    for (Path seg : candidates) {
      if (!endsWithoutNewline(seg)) {
        continue;
      }
      Optional<WriteLock.Hold> hold;
      try {
        hold = lock.tryAcquire();
      } catch (MemdirException e) {
        warn(seg, 0, "the last line has no newline, and it cannot be repaired: " + e.getMessage());
        continue;
      }
      if (hold.isEmpty()) {
        continue; // a writer may be in the middle of this very line; it repairs before appending
      }
      try (WriteLock.Hold h = hold.get()) {
        repairTail(seg);
      } catch (IOException | MemdirException e) {
        warn(seg, 0, "the last line has no newline, and it cannot be repaired: " + e.getMessage());
      }
    }
  }

  /**
   * Puts back in time order each segment that a merge left out of order (see {@link SegmentOrder}):
   * checks the segments that changed since they were last checked, and sorts one found out of order
   * under the write lock; when a writer holds the lock, it is left for the next open, with a
   * warning.
   */
  private void checkOrder() {
    List<Path> changed;
    try {
      changed = order.changed(Segments.list(layout));
    } catch (MemdirException e) {
      return; // history/ cannot be listed; readers say so
    }
    for (Path seg : changed) {
      try {
        SegmentOrder.Check c = order.check(seg);
        if (c.ordered()) {
          order.remember(seg, c.entry());
          continue;
        }
        Optional<WriteLock.Hold> hold = lock.tryAcquire();
        if (hold.isEmpty()) {
          warn(seg, 0, "out of time order (a merge); sorted at the next open when no writer works");
          continue;
        }
        try (WriteLock.Hold h = hold.get()) {
          Optional<String> kept = order.sort(seg);
          if (kept.isPresent()) {
            warn(seg, 0, "out of time order (a merge), left as it is: " + kept.get());
            continue;
          }
          SegmentOrder.Check after = order.check(seg);
          if (after.ordered()) {
            order.remember(seg, after.entry());
          }
        }
        warn(seg, 0, "records were out of time order (a merge); sorted, each record once");
      } catch (NoSuchFileException e) {
        // Moved away meanwhile.
      } catch (IOException | MemdirException e) {
        warn(seg, 0, "cannot check the time order: " + e);
      }
    }
  }

  private static boolean endsWithoutNewline(Path seg) {
    try (FileChannel ch = Segments.read(seg)) {
      int last = Segments.lastByte(ch);
      return last >= 0 && last != '\n';
    } catch (IOException e) {
      return false;
    }
  }

  /** With the lock held: adds a missing newline after a whole record, or sets a torn line aside. */
  private void repairTail(Path seg) throws IOException {
    try (FileChannel ch =
        FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      int last = Segments.lastByte(ch);
      if (last < 0 || last == '\n') {
        return;
      }
      long start = Segments.completeEnd(ch, size);
      long len = size - start;
      if (len > MAX_QUARANTINE_BYTES) {
        throw new MemdirException(
            layout.display(seg)
                + ": the last line is "
                + len
                + " bytes without a newline; too large to set aside, fix it by hand");
      }
      byte[] tail = new byte[(int) len];
      readFully(ch, ByteBuffer.wrap(tail), start);
      int line = lineNumber(ch, start);
      if (len <= MAX_LINE_BYTES && parse(tail, 0, tail.length, new ArrayList<>()).isPresent()) {
        ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
        ch.force(false);
        warn(seg, line, "the last record had no newline at the end; added one");
        return;
      }
      Path q = quarantine(seg, start, tail);
      ch.truncate(start);
      ch.force(true);
      warn(
          seg,
          line,
          "torn last line ("
              + len
              + " bytes, no newline) set aside in "
              + layout.display(q)
              + " and cut off");
    }
  }

  private Path quarantine(Path seg, long offset, byte[] tail) throws IOException {
    Path dir = layout.historyDir().resolve(Segments.QUARANTINE);
    String stem = seg.getFileName().toString().replaceFirst("\\.jsonl$", "");
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new MemdirException(
          layout.display(dir)
              + " is a file, expected a folder: cannot set aside the torn last line of "
              + layout.display(seg));
    }
    for (int n = 1; ; n++) {
      Path q = dir.resolve(stem + "-" + offset + (n == 1 ? "" : "-" + n) + ".txt");
      if (!Files.exists(q)) {
        AtomicFiles.write(q, tail);
        return q;
      }
      if (Files.size(q) == tail.length
          && Arrays.equals(TextFiles.readBytes(q, layout.display(q), tail.length), tail)) {
        return q;
      }
    }
  }

  private static int lineNumber(FileChannel ch, long offset) throws IOException {
    int line = 1;
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    byte[] b = buf.array();
    for (long pos = 0; pos < offset; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), offset - pos));
      int n = ch.read(buf, pos);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (b[i] == '\n') {
          line++;
        }
      }
      pos += n;
    }
    return line;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
    long p = at;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("file shrank while reading at offset " + p);
      }
      p += n;
    }
  }

  private void warn(Path seg, int line, String message) {
    Problem p = Problem.warning(layout.display(seg), line, message);
    warnings.add(p);
    LOG.log(System.Logger.Level.WARNING, p.toString());
  }

  static Optional<Record> parse(byte[] b, int off, int len, List<String> warnings) {
    if (len == 0 || LineReader.isBlank(b, off, len)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Record.parse(b, off, len, warnings));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // corrupt: skipped by readers, reported by validate
    }
  }

  private Optional<long[]> locate(List<Path> segs, String id) {
    byte[] needle = id.getBytes(StandardCharsets.UTF_8);
    List<Integer> order = new ArrayList<>();
    Ulid.timeOf(id)
        .flatMap(Segments::monthOf)
        .ifPresent(
            name -> {
              for (int i = 0; i < segs.size(); i++) {
                if (segs.get(i).getFileName().toString().equals(name)) {
                  order.add(i);
                }
              }
            });
    for (int i = 0; i < segs.size(); i++) {
      if (!order.contains(i)) {
        order.add(i);
      }
    }
    List<String> ignored = new ArrayList<>();
    for (int i : order) {
      try (LineReader r = new LineReader(Files.newInputStream(segs.get(i)), 0, MAX_LINE_BYTES)) {
        for (LineReader.Line l = r.next(); l != null; l = r.next()) {
          if (l.terminated && contains(l.bytes, l.length, needle)) {
            Optional<Record> rec = parse(l.bytes, 0, l.length, ignored);
            if (rec.isPresent() && rec.get().id().equals(id)) {
              return Optional.of(new long[] {i, r.offset()});
            }
          }
        }
      } catch (NoSuchFileException e) {
        // Moved away meanwhile.
      } catch (IOException e) {
        throw new MemdirException(
            "cannot read " + layout.display(segs.get(i)) + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  private static boolean contains(byte[] hay, int len, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= len; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private Stream<Record> stream(List<Path> segs, int firstSegment, long offset) {
    RecordIterator it = new RecordIterator(segs, firstSegment, offset);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(it::close);
  }

  private static java.nio.file.attribute.FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** Reads records forward across segments, one open file at a time. */
  private final class RecordIterator implements Iterator<Record> {
    private final List<Path> segs;
    private int index;
    private long startOffset;
    private LineReader reader;
    private Record next;
    private final List<String> ignored = new ArrayList<>();

    RecordIterator(List<Path> segs, int index, long startOffset) {
      this.segs = segs;
      this.index = index;
      this.startOffset = startOffset;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (reader == null && !openNext()) {
          return false;
        }
        LineReader.Line l;
        try {
          l = reader.next();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + layout.display(segs.get(index - 1)), e);
        }
        if (l == null) {
          close();
          continue;
        }
        if (l.terminated && !l.overLimit) {
          next = parse(l.bytes, 0, l.length, ignored).orElse(null);
          ignored.clear();
        }
      }
      return true;
    }

    @Override
    public Record next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Record r = next;
      next = null;
      return r;
    }

    private boolean openNext() {
      while (index < segs.size()) {
        Path seg = segs.get(index++);
        try {
          FileChannel ch = Segments.read(seg);
          ch.position(startOffset);
          reader = new LineReader(Channels.newInputStream(ch), startOffset, MAX_LINE_BYTES);
          startOffset = 0;
          return true;
        } catch (NoSuchFileException e) {
          startOffset = 0;
        } catch (IOException e) {
          throw new MemdirException(
              "cannot read " + layout.display(seg) + ": " + e.getMessage(), e);
        }
      }
      return false;
    }

    void close() {
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException ignored) {
          // Read-only; nothing to lose.
        }
        reader = null;
      }
    }
  }
}
