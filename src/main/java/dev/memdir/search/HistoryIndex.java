package dev.memdir.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import dev.memdir.history.HistoryLog;
import dev.memdir.history.Record;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.NRTCachingDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The index of {@code history/} ({@code .memdir/index/history/}): one document per record, kept
 * apart from the index of files so that appending a message never touches it. It remembers, per
 * segment, the offset after the last line it read, with the segment's size and time; a check costs
 * one listing of {@code history/} and one {@code stat} per segment, and a segment that grew is read
 * from that offset on. A segment that shrank or changed in place (a torn line cut off, a hand edit)
 * is read again from its start.
 *
 * <p>The first instance to take {@code .memdir/index/history.lock} owns the index on disk: it keeps
 * one {@link IndexWriter} open for its lifetime, searches through near-real-time readers of it, and
 * commits (with the positions read so far in the commit's user data) only every {@link
 * #COMMIT_EVERY_NANOS} or {@link #COMMIT_EVERY_RECORDS} records, and on close. A crash loses at
 * most the uncommitted part, which the next owner reads again from the committed positions. Any
 * other instance, in this process or another, is a guest: it searches the last commit read-only
 * plus, in memory, what was appended since, and takes over the index once the lock is free.
 */
final class HistoryIndex implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HistoryIndex.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEGMENT = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])\\.jsonl");

  /** Lock files held by an owner in this process (a second channel's lock would throw). */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  /** The longest an owner leaves indexed records uncommitted. */
  static final long COMMIT_EVERY_NANOS = 5_000_000_000L;

  /** The most records an owner leaves uncommitted. */
  static final int COMMIT_EVERY_RECORDS = 1_000;

  static final String POSITIONS_KEY = "memdir.history.positions";

  static final String H_ID = "hid";
  static final String H_SEGMENT = "hseg";

  /** A guest's in-memory documents name their segment here, so filters on hseg skip them. */
  static final String H_MEMORY_SEGMENT = "hmseg";

  static final String H_TS = "hts";
  static final String H_ROLE = "hrole";
  static final String H_BODY = "htext";
  static final String H_CONTENT = "hcontent";

  /** A record's own words, as shown (its {@link #H_BODY} holds its neighbours' too). */
  static final String H_OWN = "hown";

  /** The WordNet hypernyms of a record's own nouns, when {@code hypernym_weight} is above 0. */
  static final String H_HYP = "hhyp";

  /** {@code <segment>#<ordinal>}: a record's place among the records of its segment. */
  static final String H_POS = "hpos";

  /** 1 on a record whose content ends with a question ({@link Passages#isQuestion}). */
  static final String H_QUESTION = "hquestion";

  /** The record's {@code name} (who spoke), lower-cased, when it has one. */
  static final String H_NAME = "hname";

  /**
   * Records written further apart than this are not neighbours: a pause this long ends a
   * conversation, as the end of a file does for a conversation log.
   */
  static final long SESSION_GAP_MILLIS = 3_600_000L;

  private static final String DISPLAY = ".memdir/index/history";

  /** Where reading of one segment stopped, and the segment's size and time then. */
  /**
   * What the index knows of one segment. {@code head} and {@code edge} are CRC-32s of the first and
   * the last {@link #EDGE} bytes before {@code end} (-1 when unknown, as in positions stored before
   * they were kept): a segment that grew is read from {@code end} only when both still match, so a
   * segment rewritten and grown at once (a plain {@code git merge} whose lines the next open sorts)
   * is read again from its start instead of being taken for an append.
   */
  record Position(
      long end, long size, long mtimeNanos, long count, long[] tail, long head, long edge) {
    Position(long end, long size, long mtimeNanos) {
      this(end, size, mtimeNanos, 0, new long[0], -1, -1);
    }
  }

  /** Bytes hashed at each end of what was read of a segment. */
  static final int EDGE = 4096;

  /** The lock that makes this instance the owner of the index on disk. */
  private record Hold(Path key, FileChannel channel, FileLock lock) {}

  private final Layout layout;
  private final SearchSettings settings;
  private final SearchAnalyzer analyzer;
  private final HistoryLog log;
  private final Path dir;
  private final Path lockFile;
  private final String analysis;

  /** A guest's view of the last commit: opened, validated and reopened by the store. */
  private final IndexStore store;

  private final Map<String, Position> positions = new TreeMap<>();

  /** Guest: segments whose committed documents are out of date and must not be found. */
  private final Set<String> stale = new TreeSet<>();

  private boolean ready;
  private Hold hold;
  private Directory directory;
  private IndexWriter writer;
  private DirectoryReader live;
  private IndexReader view;
  // Documents of the view below this number are the last commit's (a guest's read-only part).
  private int committedDocs;
  // A guest's re-indexed records whose committed copy is outdated: record id -> segment.
  private final Map<String, String> superseded = new HashMap<>();
  private IndexSearcher searcher;
  private boolean dirty;
  private int uncommitted;
  private long lastCommitNanos;

  HistoryIndex(Layout layout, SearchSettings settings, SearchAnalyzer analyzer, HistoryLog log) {
    this.layout = layout;
    this.settings = settings;
    this.analyzer = analyzer;
    this.log = log;
    this.dir = layout.derivedDir().resolve("index").resolve("history");
    this.lockFile = dir.resolveSibling("history.lock");
    // What changes how records are analysed: words, and the window of neighbours indexed with
    // each record ("records=2": records carry their place, name and window since then).
    this.analysis =
        "stemmer="
            + SearchSettings.word(settings.stemmer())
            + " stop_words="
            + SearchSettings.word(settings.stopWords())
            + " records=2 window="
            + settings.window()
            + " hypernyms="
            + (settings.hypernyms() ? "on" : "off");
    this.store = new IndexStore(dir, DISPLAY, analyzer, analysis);
  }

  IndexSearcher searcher() {
    IndexReader r = view();
    if (searcher == null || searcher.getIndexReader() != r) {
      searcher = new IndexSearcher(r);
      searcher.setSimilarity(new BM25Similarity((float) settings.k1(), (float) settings.b()));
      searcher.setQueryCache(null);
    }
    return searcher;
  }

  /** Documents a search must not return: a guest's committed documents of rewritten segments. */
  Optional<Query> excluded() {
    if (stale.isEmpty() && superseded.isEmpty()) {
      return Optional.empty();
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String s : stale) {
      b.add(new TermQuery(new Term(H_SEGMENT, s)), BooleanClause.Occur.SHOULD);
    }
    for (Map.Entry<String, String> e : superseded.entrySet()) {
      // The committed copy only: the in-memory one names its segment in another field.
      b.add(
          new BooleanQuery.Builder()
              .add(new TermQuery(new Term(H_ID, e.getKey())), BooleanClause.Occur.MUST)
              .add(new TermQuery(new Term(H_SEGMENT, e.getValue())), BooleanClause.Occur.MUST)
              .build(),
          BooleanClause.Occur.SHOULD);
    }
    return Optional.of(b.build());
  }

  /** Whether this instance writes the index on disk (else it is a guest, or in memory). */
  boolean owner() {
    return hold != null;
  }

  private IndexReader view() {
    if (view == null) {
      Optional<DirectoryReader> committed = hold == null ? store.reader() : Optional.empty();
      committedDocs = committed.map(IndexReader::maxDoc).orElse(0);
      try {
        view =
            committed.isPresent()
                ? new MultiReader(new IndexReader[] {committed.get(), live}, false)
                : live;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return view;
  }

  /** Opens the index, rebuilding it when it must be, then indexes what was appended since. */
  void freshen(List<String> notes) {
    if (ready && hold == null) {
      takeOverIfFree(notes);
    }
    if (!ready) {
      start(notes);
    } else if (hold != null && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      discard();
      rebuild(DISPLAY + " was deleted", notes);
      return;
    } else if (hold == null && (store.checkStillThere().isPresent() || store.changedOnDisk())) {
      // The owner committed, rebuilt, or the index was deleted: start again from the disk.
      discard();
      startGuest(notes, Optional.empty());
    }
    catchUp(notes);
  }

  private void start(List<String> notes) {
    if (hold != null) {
      startOwner(notes);
      return;
    }
    Optional<Hold> h;
    try {
      h = tryHold();
    } catch (IOException e) {
      startGuest(
          notes,
          Optional.of(
              "cannot write "
                  + DISPLAY
                  + " ("
                  + e.getMessage()
                  + "); the index is kept in memory"));
      return;
    }
    if (h.isEmpty()) {
      startGuest(notes, Optional.empty());
      return;
    }
    hold = h.get();
    startOwner(notes);
  }

  private void takeOverIfFree(List<String> notes) {
    Optional<Hold> h;
    try {
      h = tryHold();
    } catch (IOException e) {
      return;
    }
    if (h.isPresent()) {
      discard();
      hold = h.get();
      startOwner(notes);
    }
  }

  /** The owner's start once the lock is held. */
  private void startOwner(List<String> notes) {
    Optional<String> why = store.open();
    store.close();
    if (why.isPresent()) {
      rebuildOnDisk(why.get(), notes);
      return;
    }
    try {
      openWriter();
    } catch (IOException e) {
      discard();
      rebuildOnDisk(DISPLAY + " cannot be opened for writing (" + e.getMessage() + ")", notes);
    }
  }

  private void openWriter() throws IOException {
    // Small near-real-time segments stay in memory until a commit or merge writes them out.
    directory = new FlushCache(new QuietMisses(FSDirectory.open(dir)));
    try {
      writer = new IndexWriter(directory, config(IndexWriterConfig.OpenMode.APPEND));
      Map<String, String> data = new HashMap<>();
      writer.getLiveCommitData().forEach(e -> data.put(e.getKey(), e.getValue()));
      loadPositions(data);
      live = DirectoryReader.open(writer);
    } catch (IOException | RuntimeException e) {
      discardWriter();
      throw e instanceof IOException io ? io : new IOException(e);
    }
    ready = true;
    dirty = false;
    uncommitted = 0;
    lastCommitNanos = System.nanoTime();
  }

  /**
   * A guest: the last commit read-only (when there is a valid one) plus an in-memory index of what
   * was appended since.
   */
  private void startGuest(List<String> notes, Optional<String> memoryNote) {
    positions.clear();
    stale.clear();
    superseded.clear();
    Optional<String> why = store.open();
    if (why.isPresent()) {
      note(why.get(), notes);
    } else {
      loadPositions(store.userData());
    }
    memoryNote.ifPresent(notes::add);
    try {
      directory = new ByteBuffersDirectory();
      writer = new IndexWriter(directory, config(IndexWriterConfig.OpenMode.CREATE));
      live = DirectoryReader.open(writer);
    } catch (IOException e) {
      throw new MemdirException("cannot build the index in memory: " + e.getMessage(), e);
    }
    ready = true;
  }

  /** Rebuilds the history index from the segments and says so in {@code notes}. */
  long rebuild(String why, List<String> notes) {
    if (hold == null) {
      try {
        tryHold().ifPresent(h -> hold = h);
      } catch (IOException e) {
        // Stays in memory below.
      }
    }
    discard();
    if (hold != null) {
      return rebuildOnDisk(why, notes);
    }
    // Another instance owns the index on disk: this one's copy is built in memory.
    note(why, notes);
    positions.clear();
    stale.clear();
    superseded.clear();
    try {
      directory = new ByteBuffersDirectory();
      writer = new IndexWriter(directory, config(IndexWriterConfig.OpenMode.CREATE));
      long n = readAll(writer);
      live = DirectoryReader.open(writer);
      ready = true;
      notes.add(
          "another memdir instance is writing " + DISPLAY + "; this one's copy is kept in memory");
      return n;
    } catch (IOException e) {
      throw new MemdirException("cannot build the index in memory: " + e.getMessage(), e);
    }
  }

  /** Builds the index into a temporary folder and swaps it in; the lock is held. */
  private long rebuildOnDisk(String why, List<String> notes) {
    note(why, notes);
    discard();
    positions.clear();
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    long n;
    try {
      IndexStore.deleteTree(tmp);
      try (Directory d = FSDirectory.open(tmp);
          IndexWriter w = new IndexWriter(d, config(IndexWriterConfig.OpenMode.CREATE))) {
        n = readAll(w);
        w.setLiveCommitData(commitData().entrySet());
        w.commit();
      }
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        IndexStore.deleteTree(old);
        Files.move(dir, old);
      }
      Files.move(tmp, dir);
      IndexStore.deleteTree(old);
      openWriter();
      return n;
    } catch (IOException e) {
      discard();
      release();
      List<String> ignored = new ArrayList<>();
      startGuest(
          ignored,
          Optional.of(
              "cannot write "
                  + DISPLAY
                  + " ("
                  + e.getMessage()
                  + "); the index is kept in memory"));
      notes.add(ignored.get(ignored.size() - 1));
      // Everything is read into memory below: the committed documents must not be searched too.
      store.close();
      closeView();
      positions.clear();
      stale.clear();
      superseded.clear();
      try {
        return readAll(writer);
      } catch (IOException e2) {
        throw new MemdirException("cannot build the index in memory: " + e2.getMessage(), e2);
      } finally {
        reopenLive();
      }
    }
  }

  private static void note(String why, List<String> notes) {
    String note = "rebuilding the history index: " + why;
    LOG.log(
        why.endsWith("is missing") || why.equals("asked for") ? Level.DEBUG : Level.WARNING, note);
    notes.add(note);
  }

  private long readAll(IndexWriter w) throws IOException {
    long n = 0;
    for (Map.Entry<String, Position> e : stat().entrySet()) {
      n += read(w, e.getKey(), null, e.getValue());
    }
    return n;
  }

  /** Indexes what changed in {@code history/} since the last check. */
  private void catchUp(List<String> notes) {
    Map<String, Position> seen = stat();
    List<String> changed = new ArrayList<>();
    List<String> reread = new ArrayList<>();
    for (Map.Entry<String, Position> e : seen.entrySet()) {
      Position old = positions.get(e.getKey());
      Position now = e.getValue();
      if (old == null) {
        changed.add(e.getKey());
      } else if (now.size() < old.end()
          || (now.size() == old.size() && now.mtimeNanos() != old.mtimeNanos())) {
        reread.add(e.getKey());
      } else if (now.size() != old.size() || now.mtimeNanos() != old.mtimeNanos()) {
        if (sameBytesBefore(e.getKey(), old)) {
          changed.add(e.getKey());
        } else {
          reread.add(e.getKey());
        }
      }
    }
    List<String> gone = new ArrayList<>();
    for (String name : positions.keySet()) {
      if (!seen.containsKey(name)) {
        gone.add(name);
      }
    }
    if (changed.isEmpty() && reread.isEmpty() && gone.isEmpty()) {
      maybeCommit(notes);
      return;
    }
    try {
      for (String name : gone) {
        forget(name);
      }
      for (String name : reread) {
        forget(name);
        uncommitted += read(writer, name, null, seen.get(name));
      }
      for (String name : changed) {
        // Documents and positions are always committed together, so what is read from the
        // stored end is new: adding (not updating by id) spares each reopen a delete lookup; only
        // the last few records, whose window of neighbours grows, are indexed again.
        uncommitted += read(writer, name, positions.get(name), seen.get(name));
      }
      dirty = true;
      reopenLive();
    } catch (IOException | RuntimeException e) {
      if (e instanceof MemdirException m) {
        // Reading history/ failed part way: drop what was added, start from the commit next time.
        discard();
        throw m;
      }
      discard();
      rebuild(
          DISPLAY
              + " could not be updated ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")",
          notes);
      return;
    }
    maybeCommit(notes);
  }

  private void forget(String segment) throws IOException {
    positions.remove(segment);
    if (hold != null) {
      writer.deleteDocuments(new Term(H_SEGMENT, segment));
    } else {
      writer.deleteDocuments(new Term(H_MEMORY_SEGMENT, segment));
      if (store.reader().isPresent()) {
        stale.add(segment);
      }
    }
  }

  private void reopenLive() {
    try {
      DirectoryReader fresh = DirectoryReader.openIfChanged(live, writer);
      if (fresh != null) {
        closeView();
        live.close();
        live = fresh;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An owner commits what it indexed when enough time passed or enough records piled up. */
  private void maybeCommit(List<String> notes) {
    if (hold == null || !dirty) {
      return;
    }
    if (uncommitted < COMMIT_EVERY_RECORDS
        && System.nanoTime() - lastCommitNanos < COMMIT_EVERY_NANOS) {
      return;
    }
    try {
      commit();
    } catch (IOException | RuntimeException e) {
      discard();
      rebuild(DISPLAY + " could not be committed (" + e.getMessage() + ")", notes);
    }
  }

  private void commit() throws IOException {
    writer.setLiveCommitData(commitData().entrySet());
    writer.commit();
    dirty = false;
    uncommitted = 0;
    lastCommitNanos = System.nanoTime();
  }

  private Map<String, String> commitData() {
    Map<String, String> data = new HashMap<>();
    data.put(POSITIONS_KEY, positionsJson());
    data.put(IndexStore.FORMAT_KEY, IndexStore.FORMAT);
    data.put(IndexStore.ANALYSIS_KEY, analysis);
    return data;
  }

  private IndexWriterConfig config(IndexWriterConfig.OpenMode mode) {
    return new IndexWriterConfig(analyzer)
        .setOpenMode(mode)
        .setSimilarity(new BM25Similarity())
        .setRAMBufferSizeMB(64)
        // A near-real-time reopen must not wait for merges of the tiny segments it flushes.
        .setMaxFullFlushMergeWaitMillis(0)
        .setUseCompoundFile(false)
        .setCommitOnClose(false);
  }

  /**
   * Keeps the files of small flushes in memory until a commit. {@link NRTCachingDirectory} caches
   * only files written with a size estimate; a flush also writes its stored fields and field infos
   * without one, and creating those on disk was most of a near-real-time reopen.
   */
  private static final class FlushCache extends NRTCachingDirectory {
    private static final double MAX_CACHED_MB = 64.0;

    FlushCache(Directory in) {
      super(in, 8.0, MAX_CACHED_MB);
    }

    @Override
    protected boolean doCacheWrite(String name, IOContext context) {
      if (context.mergeInfo != null || context.flushInfo != null) {
        return super.doCacheWrite(name, context);
      }
      return !name.startsWith(IndexFileNames.SEGMENTS)
          && !name.startsWith(IndexFileNames.PENDING_SEGMENTS)
          && ramBytesUsed() < (long) (MAX_CACHED_MB * 1024 * 1024);
    }
  }

  /**
   * The index folder for {@link NRTCachingDirectory}, which asks it to delete, or opens, every file
   * it is about to create in memory: a file that is not there is reported with an exception made
   * once, not one with a fresh stack trace per file (a measurable part of each reopen).
   */
  private static final class QuietMisses extends FilterDirectory {
    private static final NoSuchFileException MISSING =
        new NoSuchFileException("no such file") {
          @Override
          public synchronized Throwable fillInStackTrace() {
            return this;
          }
        };

    private final Path path;

    QuietMisses(FSDirectory in) {
      super(in);
      this.path = in.getDirectory();
    }

    private void mustExist(String name) throws NoSuchFileException {
      if (!Files.exists(path.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        throw MISSING;
      }
    }

    @Override
    public void deleteFile(String name) throws IOException {
      mustExist(name);
      super.deleteFile(name);
    }

    @Override
    public IndexInput openInput(String name, IOContext context) throws IOException {
      mustExist(name);
      return super.openInput(name, context);
    }
  }

  /** Takes the lock without waiting; empty when another instance holds it. */
  private Optional<Hold> tryHold() throws IOException {
    Path key = lockFile.toAbsolutePath().normalize();
    if (!HELD.add(key)) {
      return Optional.empty();
    }
    FileChannel ch = null;
    try {
      Files.createDirectories(lockFile.getParent());
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock fl = ch.tryLock();
      if (fl == null) {
        ch.close();
        HELD.remove(key);
        return Optional.empty();
      }
      return Optional.of(new Hold(key, ch, fl));
    } catch (OverlappingFileLockException e) {
      // The same file reached by another path, held in this process.
      ch.close();
      HELD.remove(key);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      HELD.remove(key);
      throw e;
    }
  }

  private void release() {
    if (hold == null) {
      return;
    }
    try {
      hold.lock().release();
      hold.channel().close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    } finally {
      HELD.remove(hold.key());
      hold = null;
    }
  }

  private void closeView() {
    if (view != null && view != live) {
      try {
        view.close();
      } catch (IOException e) {
        // A MultiReader over shared readers frees nothing of its own.
      }
    }
    view = null;
    searcher = null;
  }

  /** Closes readers and writer without committing; the lock stays as it is. */
  private void discard() {
    closeView();
    discardWriter();
    store.close();
    stale.clear();
    superseded.clear();
    ready = false;
  }

  private void discardWriter() {
    try {
      if (live != null) {
        live.close();
      }
      if (writer != null) {
        writer.rollback();
      }
    } catch (IOException | RuntimeException e) {
      // Nothing uncommitted is lost that the next owner does not read again.
    }
    try {
      if (directory != null) {
        directory.close();
      }
    } catch (IOException e) {
      // As above.
    }
    live = null;
    writer = null;
    directory = null;
  }

  /** A record read, with its place in its segment and the offset of its line. */
  private record Read(Record record, long ordinal, long start, String text) {}

  /**
   * Indexes the records of {@code segment} after {@code old} (all of them when null); returns how
   * many records were new.
   *
   * <p>Each record is indexed with the text of {@code search.window} records either side in the
   * same segment, written within {@link #SESSION_GAP_MILLIS} of it. The last {@code window} records
   * of a read do not know all their right neighbours yet: the next read starts {@code 2 x window}
   * records back ({@link Position#tail}), indexes those last records again with the new neighbours
   * (by id), and uses the ones before them only as their left neighbours.
   */
  private long read(IndexWriter w, String segment, Position old, Position stat) throws IOException {
    int window = settings.window();
    long oldCount = old == null ? 0 : old.count();
    long offset;
    long first;
    if (old == null) {
      offset = 0;
      first = 0;
    } else if (window > 0 && old.tail().length > 0) {
      offset = old.tail()[0];
      first = old.count() - old.tail().length;
    } else {
      offset = old.end();
      first = old.count();
    }
    String field = hold != null ? H_SEGMENT : H_MEMORY_SEGMENT;
    ArrayDeque<Read> recent = new ArrayDeque<>();
    long[] next = {first, offset, 0};
    IOException[] failure = new IOException[1];
    long end =
        log.readSegment(
            segment,
            offset,
            (record, after) -> {
              if (failure[0] != null) {
                return;
              }
              long ord = next[0]++;
              recent.addLast(new Read(record, ord, next[1], searchable(record)));
              next[1] = after;
              if (ord >= oldCount) {
                next[2]++;
              }
              try {
                // The record `window` back now knows all its neighbours.
                long due = ord - window;
                if (due >= Math.max(first, oldCount - window) && ord >= oldCount) {
                  index(w, field, segment, recent, due, oldCount);
                }
              } catch (IOException e) {
                failure[0] = e;
              }
              while (recent.size() > 2 * window + 1
                  || (!recent.isEmpty() && recent.peekFirst().ordinal() < ord - 2L * window)) {
                recent.removeFirst();
              }
            });
    if (failure[0] != null) {
      throw failure[0];
    }
    long count = next[0];
    if (count > oldCount) {
      // The last records, indexed with the neighbours known so far.
      for (long due = Math.max(Math.max(first, oldCount - window), count - window);
          due < count;
          due++) {
        index(w, field, segment, recent, due, oldCount);
      }
    }
    long[] tail;
    if (count > oldCount || old == null) {
      List<Read> last = new ArrayList<>(recent);
      int keep = (int) Math.min(last.size(), 2L * window);
      tail = new long[keep];
      for (int i = 0; i < keep; i++) {
        tail[i] = last.get(last.size() - keep + i).start();
      }
    } else {
      tail = old.tail();
      count = oldCount;
    }
    long[] edges = edges(segment, end);
    positions.put(
        segment,
        new Position(end, stat.size(), stat.mtimeNanos(), count, tail, edges[0], edges[1]));
    return Math.max(0, count - oldCount);
  }

  /** Whether the bytes before {@code old.end()} are still those the index read. */
  private boolean sameBytesBefore(String segment, Position old) {
    if (old.head() < 0 || old.edge() < 0) {
      return true;
    }
    long[] now = edges(segment, old.end());
    return now[0] == old.head() && now[1] == old.edge();
  }

  /** CRC-32s of the first and last {@link #EDGE} bytes before {@code end}; -1 when unreadable. */
  private long[] edges(String segment, long end) {
    try (FileChannel ch =
        FileChannel.open(
            layout.historyDir().resolve(segment),
            java.nio.file.StandardOpenOption.READ,
            LinkOption.NOFOLLOW_LINKS)) {
      if (ch.size() < end) {
        return new long[] {-2, -2};
      }
      return new long[] {crc(ch, 0, Math.min(EDGE, end)), crc(ch, Math.max(0, end - EDGE), end)};
    } catch (IOException e) {
      return new long[] {-1, -1};
    }
  }

  private static long crc(FileChannel ch, long from, long to) throws IOException {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (to - from));
    long at = from;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
    buf.flip();
    crc.update(buf);
    return crc.getValue();
  }

  /** Indexes the record at {@code ordinal} of {@code recent} with its window of neighbours. */
  private void index(
      IndexWriter w,
      String segmentField,
      String segment,
      ArrayDeque<Read> recent,
      long ordinal,
      long oldCount)
      throws IOException {
    Read self = null;
    for (Read r : recent) {
      if (r.ordinal() == ordinal) {
        self = r;
      }
    }
    if (self == null) {
      return;
    }
    int window = settings.window();
    long ts = self.record().ts().toEpochMilli();
    StringBuilder text = new StringBuilder();
    for (Read r : recent) {
      if (Math.abs(r.ordinal() - ordinal) <= window
          && Math.abs(r.record().ts().toEpochMilli() - ts) <= SESSION_GAP_MILLIS) {
        text.append(r.text()).append('\n');
      }
    }
    java.time.LocalDate day = self.record().ts().atZone(ZoneOffset.UTC).toLocalDate();
    RelativeDates.appendTo(text, day);
    text.append(ConversationLog.spelledOut(day));
    Document d =
        document(
            segmentField,
            segment,
            self.record(),
            ordinal,
            text.toString(),
            settings.hypernyms() ? analyzer : null);
    if (ordinal < oldCount) {
      w.updateDocument(new Term(H_ID, self.record().id()), d);
      if (hold == null && store.reader().isPresent()) {
        // A guest: the last commit may hold the older copy (until the owner's next commit).
        superseded.put(self.record().id(), segment);
      }
    } else {
      w.addDocument(d);
    }
  }

  private static Document document(
      String segmentField,
      String segment,
      Record r,
      long ordinal,
      String text,
      SearchAnalyzer hypernyms) {
    Document d = new Document();
    // What a hit shows is read from doc values, not stored fields: a stored-field read decompresses
    // a block of documents, which cost more than the search (as in MainIndex).
    d.add(new StringField(H_ID, r.id(), Field.Store.NO));
    d.add(new StringField(segmentField, segment, Field.Store.NO));
    long ts = r.ts().toEpochMilli();
    d.add(new LongPoint(H_TS, ts));
    d.add(new NumericDocValuesField(H_TS, ts));
    d.add(new StringField(H_ROLE, r.role(), Field.Store.NO));
    d.add(new SortedDocValuesField(H_ROLE, new BytesRef(r.role())));
    d.add(new SortedDocValuesField(H_ID, new BytesRef(r.id())));
    String pos = segment + "#" + ordinal;
    d.add(new StringField(H_POS, pos, Field.Store.NO));
    d.add(new SortedDocValuesField(H_POS, new BytesRef(pos)));
    r.name()
        .filter(x -> !"tool".equals(r.role()))
        .ifPresent(
            n -> d.add(new SortedDocValuesField(H_NAME, new BytesRef(MainIndex.speakerKey(n)))));
    d.add(new Field(H_BODY, text, MainIndex.SCORED));
    if (Passages.isQuestion(r.content())) {
      d.add(new NumericDocValuesField(H_QUESTION, 1));
    }
    String shown = Passages.shownText(r.content());
    d.add(new BinaryDocValuesField(H_CONTENT, new BytesRef(shown)));
    d.add(new Field(H_OWN, shown, OwnText.TYPE));
    if (hypernyms != null) {
      TokenStream h = Hypernyms.stream(hypernyms, H_HYP, shown);
      if (h != null) {
        d.add(new Field(H_HYP, h, MainIndex.SCORED));
      }
    }
    return d;
  }

  /**
   * What the ranking needs to know of a document.
   *
   * @param ts the record's time, epoch millis
   * @param id the record id
   * @param segment its segment
   * @param ordinal its place in the segment
   * @param role its role
   * @param name who spoke it, lower-cased, or null
   * @param question whether its content ends with a question ({@link Passages#isQuestion})
   */
  record Meta(
      long ts,
      String id,
      String segment,
      long ordinal,
      String role,
      String name,
      boolean question) {}

  /** The shown content of each of {@code docs} of the current view, read in doc order. */
  String[] contents(int[] docs) throws IOException {
    List<LeafReaderContext> leaves = view().leaves();
    Integer[] order = MainIndex.inDocOrder(docs);
    String[] out = new String[docs.length];
    int leafIndex = -1;
    LeafReaderContext leaf = null;
    BinaryDocValues content = null;
    for (int i : order) {
      int doc = docs[i];
      int li = ReaderUtil.subIndex(doc, leaves);
      if (li != leafIndex || content == null || content.docID() > doc - leaf.docBase) {
        leafIndex = li;
        leaf = leaves.get(li);
        content = leaf.reader().getBinaryDocValues(H_CONTENT);
      }
      int d = doc - leaf.docBase;
      out[i] =
          content != null && content.advanceExact(d) ? content.binaryValue().utf8ToString() : "";
    }
    return out;
  }

  /** The {@link Meta} of each of {@code docs} of the current view, read in doc order. */
  Meta[] meta(int[] docs) throws IOException {
    IndexReader r = view();
    List<LeafReaderContext> leaves = r.leaves();
    Integer[] order = MainIndex.inDocOrder(docs);
    Meta[] out = new Meta[docs.length];
    int leafIndex = -1;
    LeafReaderContext leaf = null;
    NumericDocValues ts = null;
    SortedDocValues id = null;
    SortedDocValues pos = null;
    SortedDocValues role = null;
    SortedDocValues name = null;
    NumericDocValues asks = null;
    int previous = -1;
    for (int i : order) {
      int doc = docs[i];
      if (doc == previous) {
        out[i] = copyOf(out, docs, doc);
        continue;
      }
      previous = doc;
      int li = ReaderUtil.subIndex(doc, leaves);
      if (li != leafIndex) {
        leafIndex = li;
        leaf = leaves.get(li);
        LeafReader lr = leaf.reader();
        ts = lr.getNumericDocValues(H_TS);
        id = lr.getSortedDocValues(H_ID);
        pos = lr.getSortedDocValues(H_POS);
        role = lr.getSortedDocValues(H_ROLE);
        name = lr.getSortedDocValues(H_NAME);
        asks = lr.getNumericDocValues(H_QUESTION);
      }
      int d = doc - leaf.docBase;
      String p = string(pos, d);
      int hash = p == null ? -1 : p.lastIndexOf('#');
      out[i] =
          new Meta(
              ts != null && ts.advanceExact(d) ? ts.longValue() : 0,
              string(id, d),
              hash < 0 ? "" : p.substring(0, hash),
              hash < 0 ? -1 : Long.parseLong(p.substring(hash + 1)),
              string(role, d),
              string(name, d),
              asks != null && asks.advanceExact(d));
    }
    return out;
  }

  private static Meta copyOf(Meta[] out, int[] docs, int doc) {
    for (int j = 0; j < docs.length; j++) {
      if (docs[j] == doc && out[j] != null) {
        return out[j];
      }
    }
    return null;
  }

  private static String string(SortedDocValues v, int doc) throws IOException {
    return v != null && v.advanceExact(doc) ? v.lookupOrd(v.ordValue()).utf8ToString() : null;
  }

  /**
   * The neighbours of a ranking's records (see {@link Places#neighbours}): slot {@code i * 2w + k}
   * for record i and the k-th offset.
   */
  record Neighbours(int[] docs, Meta[] metas) {}

  /** Looks records up by their place, for the neighbours of one ranking. */
  final class Places {
    private final List<LeafReaderContext> leaves = view().leaves();
    private final TermsEnum[] terms = new TermsEnum[leaves.size()];
    private final boolean[] opened = new boolean[leaves.size()];

    /**
     * The document of the record at {@code ordinal} of {@code segment}, or -1. The leaf of {@code
     * near} (a document next to it, usually written with it) is tried first; a guest's committed
     * documents of a segment it read again are not its records any more.
     */
    int find(String segment, long ordinal, int near) throws IOException {
      if (ordinal < 0) {
        return -1;
      }
      BytesRef key = new BytesRef(segment + "#" + ordinal);
      int own = ReaderUtil.subIndex(near, leaves);
      int found = findIn(own, key, segment);
      for (int i = leaves.size() - 1; found < 0 && i >= 0; i--) {
        if (i != own) {
          found = findIn(i, key, segment);
        }
      }
      return found;
    }

    /**
     * The neighbours of each of {@code docs}: for {@code docs[i]} and each offset {@code d} from
     * {@code -w} to {@code w} but 0, in that order, slot {@code i * 2w + k} of the result holds the
     * document of the record at its ordinal + d in its segment and that record's {@link Meta}, or
     * -1 and null. Records are indexed in order, so the record at ordinal + d is nearly always
     * document + d of the same leaf: that guess is checked through doc values (its place, and that
     * it is live) before the record is looked up by its place in the terms, which costs a seek and
     * a postings list per neighbour. The result is what {@link #find} gives: in one leaf a place is
     * held by one live document at most (a record is re-indexed by {@code updateDocument}, a
     * segment read again after its documents were deleted).
     *
     * @param metas the {@link Meta} of each of {@code docs}
     */
    Neighbours neighbours(int[] docs, Meta[] metas, int w) throws IOException {
      int per = 2 * w;
      int[] out = new int[docs.length * per];
      Meta[] outMeta = new Meta[out.length];
      Arrays.fill(out, -1);
      int[] guess = new int[out.length];
      int[] guessSlot = new int[out.length];
      int guesses = 0;
      for (int i = 0; i < docs.length; i++) {
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(docs[i], leaves));
        int end = leaf.docBase + leaf.reader().maxDoc();
        for (int k = 0; k < per; k++) {
          int d = offset(k, w);
          int g = docs[i] + d;
          if (metas[i].ordinal() + d >= 0 && g >= leaf.docBase && g < end) {
            guess[guesses] = g;
            guessSlot[guesses++] = i * per + k;
          }
        }
      }
      Meta[] guessed = meta(Arrays.copyOf(guess, guesses));
      for (int j = 0; j < guesses; j++) {
        int slot = guessSlot[j];
        Meta c = metas[slot / per];
        Meta x = guessed[j];
        if (x != null
            && x.ordinal() == c.ordinal() + offset(slot % per, w)
            && x.segment().equals(c.segment())
            && live(guess[j], x.segment())) {
          out[slot] = guess[j];
          outMeta[slot] = x;
        }
      }
      int[] missed = new int[out.length];
      int[] missedSlot = new int[out.length];
      int misses = 0;
      for (int slot = 0; slot < out.length; slot++) {
        if (out[slot] < 0) {
          Meta c = metas[slot / per];
          int doc = find(c.segment(), c.ordinal() + offset(slot % per, w), docs[slot / per]);
          if (doc >= 0) {
            missed[misses] = doc;
            missedSlot[misses++] = slot;
          }
        }
      }
      Meta[] found = meta(Arrays.copyOf(missed, misses));
      for (int j = 0; j < misses; j++) {
        out[missedSlot[j]] = missed[j];
        outMeta[missedSlot[j]] = found[j];
      }
      return new Neighbours(out, outMeta);
    }

    /** The offset of slot {@code k} of a record's {@code 2w}: -w … -1, then 1 … w. */
    private static int offset(int k, int w) {
      return k < w ? k - w : k - w + 1;
    }

    /** Whether {@code doc} is live and not a guest's out-of-date copy of {@code segment}. */
    private boolean live(int doc, String segment) {
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
      if (leaf.docBase < committedDocs && stale.contains(segment)) {
        return false;
      }
      Bits live = leaf.reader().getLiveDocs();
      return live == null || live.get(doc - leaf.docBase);
    }

    private int findIn(int i, BytesRef key, String segment) throws IOException {
      LeafReaderContext leaf = leaves.get(i);
      if (leaf.docBase < committedDocs && stale.contains(segment)) {
        return -1;
      }
      if (!opened[i]) {
        opened[i] = true;
        Terms t = leaf.reader().terms(H_POS);
        terms[i] = t == null ? null : t.iterator();
      }
      TermsEnum te = terms[i];
      if (te == null || !te.seekExact(key)) {
        return -1;
      }
      PostingsEnum pe = te.postings(null, PostingsEnum.NONE);
      Bits live = leaf.reader().getLiveDocs();
      for (int d = pe.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = pe.nextDoc()) {
        if (live == null || live.get(d)) {
          return leaf.docBase + d;
        }
      }
      return -1;
    }
  }

  /** The record's content, and for a tool call the tool's name and arguments. */
  private static String searchable(Record r) {
    StringBuilder sb = new StringBuilder(r.content());
    r.toolCalls()
        .ifPresent(
            calls -> {
              for (JsonNode c : calls) {
                JsonNode f = c.path("function");
                sb.append('\n').append(f.path("name").asText("")).append(' ');
                sb.append(f.path("arguments").asText(""));
              }
            });
    return sb.toString();
  }

  /** The segments of {@code history/} with their size and time: one listing, one stat each. */
  private Map<String, Position> stat() {
    Map<String, Position> out = new TreeMap<>();
    Path dir = layout.historyDir();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.jsonl")) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!SEGMENT.matcher(name).matches()) {
          continue;
        }
        try {
          BasicFileAttributes a =
              Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile()) {
            out.put(
                name, new Position(-1, a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
          }
        } catch (IOException e) {
          // Gone since the listing.
        }
      }
    } catch (IOException e) {
      throw new MemdirException("cannot list history/: " + e.getMessage(), e);
    }
    return out;
  }

  private void loadPositions(Map<String, String> userData) {
    positions.clear();
    String json = userData.get(POSITIONS_KEY);
    if (json == null) {
      return;
    }
    try {
      JsonNode n = JSON.readTree(json);
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        long[] tail = new long[v.path("tail").size()];
        for (int i = 0; i < tail.length; i++) {
          tail[i] = v.path("tail").get(i).asLong();
        }
        positions.put(
            e.getKey(),
            new Position(
                v.path("end").asLong(),
                v.path("size").asLong(),
                v.path("mtime").asLong(),
                v.path("count").asLong(),
                tail,
                v.path("head").asLong(-1),
                v.path("edge").asLong(-1)));
      }
    } catch (IOException e) {
      positions.clear();
    }
  }

  private String positionsJson() {
    ObjectNode n = JSON.createObjectNode();
    for (Map.Entry<String, Position> e : positions.entrySet()) {
      ObjectNode o =
          n.putObject(e.getKey())
              .put("end", e.getValue().end())
              .put("size", e.getValue().size())
              .put("mtime", e.getValue().mtimeNanos())
              .put("count", e.getValue().count())
              .put("head", e.getValue().head())
              .put("edge", e.getValue().edge());
      for (long t : e.getValue().tail()) {
        o.withArray("tail").add(t);
      }
    }
    return n.toString();
  }

  /** The number of records indexed. */
  int size() {
    return ready ? view().numDocs() : 0;
  }

  /** Drops everything uncommitted and lets go of the lock, as a killed process would. */
  void abandon() {
    discard();
    release();
  }

  @Override
  public void close() {
    if (hold != null && dirty && writer != null) {
      try {
        commit();
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "cannot commit " + DISPLAY + ": " + e.getMessage());
      }
    }
    discard();
    release();
  }
}
