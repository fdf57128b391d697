package dev.memdir.search;

import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.archival.Fact;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import dev.memdir.format.TextFiles;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The index of {@code files/} and {@code archival/} ({@code .memdir/index/main/}): one document per
 * passage and per fact, one state document per source file, and the freshness check that brings it
 * up to date with the files before each search.
 */
final class MainIndex implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(MainIndex.class.getName());

  /** Files larger than this are not indexed or grepped. */
  static final long MAX_FILE_BYTES = 64L << 20;

  // Passage fields.
  static final String F_PATH = "fpath";
  static final String F_ORD = "ord";
  static final String F_LINE = "line";
  static final String F_END = "end";
  static final String F_SPEAKER = "speaker";
  static final String F_SPEAKER_KEY = "speaker_key";
  static final String F_DATE = "date";
  static final String F_TEXT = "text";
  static final String F_HEADINGS = "headings";
  static final String F_BODY = "ftext";

  /** 1 on a conversation turn that ends with a question ({@link Passages#isQuestion}). */
  static final String F_QUESTION = "question";

  /** A conversation turn's own words (its {@link #F_BODY} holds its neighbours' too). */
  static final String F_OWN = "fown";

  /**
   * The WordNet hypernyms of a passage's own nouns ({@link Hypernyms}), when {@code
   * hypernym_weight} is above 0.
   */
  static final String F_HYP = "fhyp";

  /**
   * The searched text fields: terms with their frequencies and the field's length (all BM25 reads),
   * no positions, since no query here asks for words in sequence; a smaller, faster index than
   * {@code TextField}'s with the same scores.
   */
  static final FieldType SCORED = scored();

  private static FieldType scored() {
    FieldType t = new FieldType(TextField.TYPE_NOT_STORED);
    t.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
    t.freeze();
    return t;
  }

  // Fact fields.
  static final String A_PATH = "apath";
  static final String A_ID = "id";
  static final String A_TAG = "tag";
  static final String A_TAGS = "tags";
  static final String A_CREATED = "created";
  static final String A_BODY = "atext";
  static final String A_TEXT = "fact";

  private final Layout layout;
  private final SearchSettings settings;
  private final SearchAnalyzer analyzer;
  private final FilesRoot files;
  private final ArchivalStore archival;
  private final IndexStore store;
  private final Map<String, SourceState> states = new HashMap<>();
  private List<String> skipped = List.of();
  private PassageTable table;
  private IndexSearcher searcher;
  private final FilesScanner scanner;
  private final FilesScanner factScanner;

  /** The listing the states of files/ last matched with nothing to update. */
  private FilesRoot.Listing compared;

  /** The same for archival/. */
  private FilesRoot.Listing factsCompared;

  MainIndex(Layout layout, SearchSettings settings, ArchivalStore archival) {
    this.layout = layout;
    this.settings = settings;
    this.analyzer = new SearchAnalyzer(settings);
    this.files = new FilesRoot(layout);
    this.scanner =
        new FilesScanner(layout.filesDir(), Optional.of(layout.derivedDir().resolve("watch")));
    this.factScanner =
        FilesScanner.flat(layout.archivalDir(), Optional.of(layout.derivedDir().resolve("watch")));
    this.archival = archival;
    this.store =
        new IndexStore(
            layout.derivedDir().resolve("index").resolve("main"),
            ".memdir/index/main",
            analyzer,
            // The passage rules are part of what the documents hold: "sections" marks the
            // Markdown heading cut (#18), so an index written before it is rebuilt.
            settings.analysisSignature() + " passages=sections");
  }

  SearchAnalyzer analyzer() {
    return analyzer;
  }

  FilesRoot files() {
    return files;
  }

  /** What the last walk of {@code files/} left out, and why. */
  List<String> skipped() {
    List<String> out = new ArrayList<>(skipped);
    for (SourceState s : new TreeMap<>(states).values()) {
      s.skipped().ifPresent(why -> out.add(s.key() + ": " + why));
    }
    return out;
  }

  /** The searcher over the current index; {@link #ensureOpen} first. */
  IndexSearcher searcher() {
    DirectoryReader r = store.reader().orElseThrow();
    if (searcher == null || searcher.getIndexReader() != r) {
      searcher = new IndexSearcher(r);
      searcher.setSimilarity(
          new org.apache.lucene.search.similarities.BM25Similarity(
              (float) settings.k1(), (float) settings.b()));
      searcher.setQueryCache(null);
    }
    return searcher;
  }

  /** The indexes of {@code docs} in increasing document order, for forward doc-values reads. */
  static Integer[] inDocOrder(int[] docs) {
    Integer[] order = new Integer[docs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(docs[a], docs[b]));
    return order;
  }

  /**
   * The hits for passages {@code docs} of the current reader, read from doc values in document
   * order (doc-value iterators only move forward), returned in the order given.
   */
  List<FileHit> hits(int[] docs, double[] scores) throws IOException {
    DirectoryReader r = store.reader().orElseThrow();
    List<LeafReaderContext> leaves = r.leaves();
    Integer[] order = inDocOrder(docs);
    FileHit[] out = new FileHit[docs.length];
    int leafIndex = -1;
    LeafReaderContext ctx = null;
    NumericDocValues end = null;
    BinaryDocValues text = null;
    SortedDocValues date = null;
    SortedDocValues speaker = null;
    SortedDocValues headings = null;
    for (int i : order) {
      int doc = docs[i];
      int li = ReaderUtil.subIndex(doc, leaves);
      if (li != leafIndex) {
        leafIndex = li;
        ctx = leaves.get(li);
        LeafReader leaf = ctx.reader();
        end = leaf.getNumericDocValues(F_END);
        text = leaf.getBinaryDocValues(F_TEXT);
        date = leaf.getSortedDocValues(F_DATE);
        speaker = leaf.getSortedDocValues(F_SPEAKER);
        headings = leaf.getSortedDocValues(F_HEADINGS);
      }
      int d = doc - ctx.docBase;
      out[i] =
          new FileHit(
              table.file(doc).substring("files/".length()),
              table.line(doc),
              end != null && end.advanceExact(d) ? (int) end.longValue() : table.line(doc),
              scores[i],
              sorted(date, d),
              sorted(speaker, d),
              text != null && text.advanceExact(d) ? text.binaryValue().utf8ToString() : "",
              sorted(headings, d).map(h -> List.of(h.split("\n"))).orElse(List.of()));
    }
    return List.of(out);
  }

  private static Optional<String> sorted(SortedDocValues dv, int d) throws IOException {
    return dv != null && dv.advanceExact(d)
        ? Optional.of(dv.lookupOrd(dv.ordValue()).utf8ToString())
        : Optional.empty();
  }

  PassageTable table() {
    return table;
  }

  /** Opens the index, rebuilding it when missing, corrupt or of another format. */
  void ensureOpen(List<String> notes) {
    Optional<String> deleted = store.checkStillThere();
    if (deleted.isPresent()) {
      rebuild(deleted.get(), notes);
      return;
    }
    if (store.reader().isPresent()) {
      return;
    }
    Optional<String> why = store.open();
    if (why.isPresent()) {
      rebuild(why.get(), notes);
      return;
    }
    loadStates();
    refreshTable();
  }

  /** Rebuilds everything from the files and says so in {@code notes}. */
  ReindexReport rebuild(String why, List<String> notes) {
    long t0 = System.nanoTime();
    String note = "rebuilding the search index: " + why;
    // A first build is routine; anything else means the cache was damaged or outdated.
    LOG.log(
        why.endsWith("is missing") || why.equals("asked for") ? Level.DEBUG : Level.WARNING, note);
    notes.add(note);
    Map<String, SourceState> built = new HashMap<>();
    int[] counts = new int[3];
    Optional<String> memory =
        store.rebuild(
            w -> {
              FilesRoot.Listing listing = files.list(false);
              skipped = listing.skipped();
              for (FilesRoot.Entry e : listing.files()) {
                SourceState s = indexFile(w, e, false);
                built.put(s.key(), s);
                if (s.skipped().isEmpty()) {
                  counts[0]++;
                }
              }
              for (Path p : factFiles()) {
                SourceState s = indexFact(w, p, false);
                built.put(s.key(), s);
                if (s.skipped().isEmpty()) {
                  counts[2]++;
                }
              }
              return Map.of();
            });
    memory.ifPresent(notes::add);
    states.clear();
    states.putAll(built);
    compared = null;
    factsCompared = null;
    refreshTable();
    counts[1] = table.passageCount();
    return new ReindexReport(
        counts[0],
        counts[1],
        counts[2],
        0,
        skipped(),
        java.time.Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Brings the passages of {@code files/} up to date with the files. */
  void freshenFiles(List<String> notes) {
    ensureOpen(notes);
    FilesRoot.Listing listing = scanner.scan();
    if (listing == compared && !anyRacy("files/")) {
      // Nothing under files/ changed since the listing these states were last compared with.
      return;
    }
    compared = null;
    skipped = listing.skipped();
    Set<String> seen = new HashSet<>();
    List<FilesRoot.Entry> changed = new ArrayList<>();
    for (FilesRoot.Entry e : listing.files()) {
      String key = "files/" + e.name();
      seen.add(key);
      if (needsRead(key, e.size(), e.mtimeNanos(), e.path())) {
        changed.add(e);
      }
    }
    List<String> deleted = gone("files/", seen);
    if (changed.isEmpty() && deleted.isEmpty()) {
      compared = listing;
      return;
    }
    Optional<String> failed =
        store.update(
            w -> {
              for (String key : deleted) {
                w.deleteDocuments(new Term(F_PATH, key), new Term(SourceState.STATE, key));
                states.remove(key);
              }
              for (FilesRoot.Entry e : changed) {
                SourceState s = indexFile(w, e, true);
                states.put(s.key(), s);
              }
              return Map.of();
            });
    afterUpdate(failed, notes);
  }

  /** Brings the facts of {@code archival/} up to date with the files. */
  void freshenFacts(List<String> notes) {
    ensureOpen(notes);
    FilesRoot.Listing listing = factScanner.scan();
    if (listing == factsCompared && !anyRacy("archival/")) {
      // Nothing in archival/ changed since the listing these states were last compared with.
      return;
    }
    factsCompared = null;
    Set<String> seen = new HashSet<>();
    List<Path> changed = new ArrayList<>();
    for (FilesRoot.Entry e : listing.files()) {
      if (!isFact(e.name())) {
        continue;
      }
      String key = "archival/" + e.name();
      seen.add(key);
      if (needsRead(key, e.size(), e.mtimeNanos(), e.path())) {
        changed.add(e.path());
      }
    }
    List<String> deleted = gone("archival/", seen);
    if (changed.isEmpty() && deleted.isEmpty()) {
      factsCompared = listing;
      return;
    }
    Optional<String> failed =
        store.update(
            w -> {
              for (String key : deleted) {
                w.deleteDocuments(new Term(A_PATH, key), new Term(SourceState.STATE, key));
                states.remove(key);
              }
              for (Path p : changed) {
                SourceState s = indexFact(w, p, true);
                states.put(s.key(), s);
              }
              return Map.of();
            });
    afterUpdate(failed, notes);
  }

  /** Whether some source under {@code prefix} was indexed too close to its last change to trust. */
  private boolean anyRacy(String prefix) {
    for (SourceState s : states.values()) {
      if (s.racy() && s.key().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private void afterUpdate(Optional<String> failed, List<String> notes) {
    if (failed.isPresent()) {
      // The states describe documents that may be lost with the index: start from the files.
      states.clear();
      compared = null;
      factsCompared = null;
      rebuild(failed.get(), notes);
    } else {
      refreshTable();
    }
  }

  /**
   * Whether a file must be read again: it is new, its size or time changed, or its time is too
   * close to when it was read to be trusted and its hash now differs.
   */
  private boolean needsRead(String key, long size, long mtime, Path path) {
    SourceState s = states.get(key);
    if (s == null || !s.sameStat(size, mtime)) {
      return true;
    }
    if (!s.racy()) {
      return false;
    }
    long now = nowNanos();
    Optional<byte[]> bytes = readNow(key, path);
    if (bytes.isEmpty() || !TextFiles.sha256(bytes.get()).equals(s.hash())) {
      return true;
    }
    if (now - mtime > SourceState.RACY_NANOS) {
      states.put(key, s.reread(size, mtime, now));
    }
    return false;
  }

  /** The bytes of a source file within its cap, or empty when it cannot be read now. */
  private Optional<byte[]> readNow(String key, Path path) {
    try {
      if (key.startsWith("files/")) {
        return Optional.of(files.read(key.substring("files/".length()), MAX_FILE_BYTES));
      }
      return Optional.of(TextFiles.readBytes(path, key, Layout.MAX_MARKDOWN_BYTES));
    } catch (IOException | FilesRoot.Unreadable | MemdirException e) {
      return Optional.empty();
    }
  }

  private List<String> gone(String prefix, Set<String> seen) {
    List<String> out = new ArrayList<>();
    for (String key : states.keySet()) {
      if (key.startsWith(prefix) && !seen.contains(key)) {
        out.add(key);
      }
    }
    out.sort(null);
    return out;
  }

  private SourceState indexFile(IndexWriter w, FilesRoot.Entry e, boolean replace)
      throws IOException {
    String key = "files/" + e.name();
    long readAt = nowNanos();
    if (replace) {
      w.deleteDocuments(new Term(F_PATH, key));
    }
    SourceState state;
    byte[] bytes = null;
    String why = null;
    try {
      bytes = files.read(e.name(), MAX_FILE_BYTES);
    } catch (FilesRoot.Unreadable ex) {
      why = ex.getMessage() + (ex.getMessage().startsWith("over ") ? "; not searched" : "");
    } catch (NoSuchFileException ex) {
      why = "deleted while indexing";
    }
    String hash = bytes == null ? "" : TextFiles.sha256(bytes);
    if (bytes != null && Binary.looksBinary(bytes)) {
      why = "binary; not searched";
    }
    String text = null;
    if (why == null) {
      try {
        text = TextFiles.decode(bytes, key);
      } catch (FormatException ex) {
        why = "not UTF-8 text (" + ex.detail() + "); not searched";
      }
    }
    if (why != null) {
      state = new SourceState(key, e.size(), e.mtimeNanos(), hash, readAt, false, Optional.of(why));
    } else {
      Passages.Split split = Passages.split(text, key, settings);
      for (Passages.Passage p : split.passages()) {
        w.addDocument(passageDocument(key, p, split.conversation()));
      }
      split.problems().forEach(pr -> LOG.log(Level.DEBUG, pr.toString()));
      state =
          new SourceState(
              key, e.size(), e.mtimeNanos(), hash, readAt, split.conversation(), Optional.empty());
    }
    w.updateDocument(new Term(SourceState.STATE, key), state.toDocument());
    return state;
  }

  /**
   * A passage document. What a hit shows is kept in doc values rather than stored fields: a
   * stored-field read decompresses a whole block of documents, which cost more than the search.
   */
  private Document passageDocument(String key, Passages.Passage p, boolean conversation) {
    Document d = new Document();
    d.add(new StringField(F_PATH, key, Field.Store.NO));
    d.add(new SortedDocValuesField(F_PATH, new BytesRef(key)));
    d.add(new NumericDocValuesField(F_ORD, p.ordinal()));
    d.add(new NumericDocValuesField(F_LINE, p.startLine()));
    d.add(new NumericDocValuesField(F_END, p.endLine()));
    p.speaker()
        .ifPresent(
            s -> {
              d.add(new SortedDocValuesField(F_SPEAKER, new BytesRef(s)));
              d.add(new SortedDocValuesField(F_SPEAKER_KEY, new BytesRef(speakerKey(s))));
            });
    p.date().ifPresent(dt -> d.add(new SortedDocValuesField(F_DATE, new BytesRef(dt.toString()))));
    if (p.question()) {
      d.add(new NumericDocValuesField(F_QUESTION, 1));
    }
    d.add(new BinaryDocValuesField(F_TEXT, new BytesRef(p.text())));
    if (!p.headings().isEmpty()) {
      // Heading titles never hold a line break: Passages collapses white space in them.
      d.add(new SortedDocValuesField(F_HEADINGS, new BytesRef(String.join("\n", p.headings()))));
    }
    d.add(new Field(F_BODY, p.indexText(), SCORED));
    if (conversation) {
      d.add(new Field(F_OWN, p.text(), OwnText.TYPE));
    }
    if (settings.hypernyms()) {
      TokenStream hypernyms = Hypernyms.stream(analyzer, F_HYP, p.text());
      if (hypernyms != null) {
        d.add(new Field(F_HYP, hypernyms, SCORED));
      }
    }
    return d;
  }

  private SourceState indexFact(IndexWriter w, Path p, boolean replace) throws IOException {
    String name = p.getFileName().toString();
    String key = "archival/" + name;
    long readAt = nowNanos();
    if (replace) {
      w.deleteDocuments(new Term(A_PATH, key));
    }
    FilesRoot.Entry e;
    byte[] bytes;
    Optional<String> why = Optional.empty();
    try {
      e = FilesRoot.stat(key, p);
    } catch (NoSuchFileException ex) {
      w.deleteDocuments(new Term(SourceState.STATE, key));
      return new SourceState(key, -1, -1, "", readAt, false, Optional.of("deleted"));
    }
    try {
      // Capped before anything is read: a 3 GB file here once filled the heap.
      bytes = TextFiles.readBytes(p, key, Layout.MAX_MARKDOWN_BYTES);
    } catch (MemdirException ex) {
      String detail = ex instanceof FormatException f ? f.detail() : ex.getMessage();
      SourceState state =
          new SourceState(key, e.size(), e.mtimeNanos(), "", readAt, false, Optional.of(detail));
      w.updateDocument(new Term(SourceState.STATE, key), state.toDocument());
      return state;
    }
    String hash = TextFiles.sha256(bytes);
    try {
      Optional<Fact> fact = archival.find(name);
      if (fact.isPresent()) {
        w.addDocument(factDocument(key, fact.get()));
      } else {
        why = Optional.of("not a fact");
      }
    } catch (MemdirException ex) {
      why = Optional.of(ex.getMessage());
    }
    SourceState state = new SourceState(key, e.size(), e.mtimeNanos(), hash, readAt, false, why);
    w.updateDocument(new Term(SourceState.STATE, key), state.toDocument());
    return state;
  }

  private Document factDocument(String key, Fact f) {
    Document d = new Document();
    d.add(new StringField(A_PATH, key, Field.Store.YES));
    d.add(new SortedDocValuesField(A_PATH, new BytesRef(key)));
    d.add(new StoredField(A_ID, f.id()));
    long created = f.created().getEpochSecond();
    d.add(new LongPoint(A_CREATED, created));
    d.add(new NumericDocValuesField(A_CREATED, created));
    d.add(new StoredField(A_CREATED, created));
    for (String t : f.tags()) {
      d.add(new StringField(A_TAG, tagKey(t), Field.Store.NO));
      d.add(new StoredField(A_TAGS, t));
    }
    d.add(new StoredField(A_TEXT, f.text()));
    d.add(new Field(A_BODY, f.text(), SCORED));
    return d;
  }

  /**
   * Whether a file of {@code archival/}, named relative to it, is a fact: an unhidden Markdown file
   * directly in the folder (the freshness check's scanner lists no subfolder either).
   */
  private static boolean isFact(String name) {
    return name.endsWith(".md") && !name.startsWith(".") && !name.contains("/");
  }

  /** The fact files of {@code archival/}: regular files that {@link #isFact} names. */
  private List<Path> factFiles() {
    Path dir = layout.archivalDir();
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (isFact(p.getFileName().toString())
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new MemdirException("cannot list archival/: " + e.getMessage(), e);
    }
    out.sort(null);
    return out;
  }

  private void loadStates() {
    compared = null;
    factsCompared = null;
    states.clear();
    DirectoryReader r = store.reader().orElseThrow();
    try {
      for (LeafReaderContext ctx : r.leaves()) {
        PostingsEnum pe = ctx.reader().postings(new Term(SourceState.KIND, SourceState.STATE_KIND));
        if (pe == null) {
          continue;
        }
        Bits live = ctx.reader().getLiveDocs();
        StoredFields stored = ctx.reader().storedFields();
        for (int doc = pe.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = pe.nextDoc()) {
          if (live == null || live.get(doc)) {
            SourceState st = SourceState.fromDocument(stored.document(doc));
            states.put(st.key(), st);
          }
        }
      }
    } catch (IOException e) {
      throw new MemdirException("cannot read .memdir/index/main: " + e.getMessage(), e);
    }
  }

  private void refreshTable() {
    Set<String> conversations = new HashSet<>();
    for (SourceState s : states.values()) {
      if (s.conversation()) {
        conversations.add(s.key());
      }
    }
    table = PassageTable.build(store.reader().orElseThrow(), conversations);
  }

  /** Whether the index is missing from disk (kept in memory). */
  boolean inMemory() {
    return store.inMemory();
  }

  static String speakerKey(String speaker) {
    return speaker.strip().toLowerCase(Locale.ROOT);
  }

  static String tagKey(String tag) {
    return tag.strip().toLowerCase(Locale.ROOT);
  }

  private static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public void close() {
    scanner.close();
    factScanner.close();
    store.close();
  }
}
