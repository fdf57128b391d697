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
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.util.BytesRef;

/**
 * The index of {@code history/} ({@code .memdir/index/history/}): one document per record, kept
 * apart from the index of files so that appending a message never touches it. It remembers, per
 * segment, the offset after the last line it read, with the segment's size and time; a check costs
 * one listing of {@code history/} and one {@code stat} per segment, and a segment that grew is read
 * from that offset on. A segment that shrank or changed in place (a torn line cut off, a hand edit)
 * is read again from its start.
 */
final class HistoryIndex implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HistoryIndex.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SEGMENT = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])\\.jsonl");

  static final String POSITIONS_KEY = "memdir.history.positions";

  static final String H_ID = "hid";
  static final String H_SEGMENT = "hseg";
  static final String H_TS = "hts";
  static final String H_ROLE = "hrole";
  static final String H_BODY = "htext";
  static final String H_CONTENT = "hcontent";

  /** Where reading of one segment stopped, and the segment's size and time then. */
  record Position(long end, long size, long mtimeNanos) {}

  private final Layout layout;
  private final SearchSettings settings;
  private final HistoryLog log;
  private final IndexStore store;
  private final Map<String, Position> positions = new TreeMap<>();
  private IndexSearcher searcher;

  HistoryIndex(Layout layout, SearchSettings settings, SearchAnalyzer analyzer, HistoryLog log) {
    this.layout = layout;
    this.settings = settings;
    this.log = log;
    this.store =
        new IndexStore(
            layout.derivedDir().resolve("index").resolve("history"),
            ".memdir/index/history",
            analyzer,
            // Only what changes how words are analysed; passages and windows are not history's.
            "stemmer="
                + SearchSettings.word(settings.stemmer())
                + " stop_words="
                + SearchSettings.word(settings.stopWords()));
  }

  IndexSearcher searcher() {
    DirectoryReader r = store.reader().orElseThrow();
    if (searcher == null || searcher.getIndexReader() != r) {
      searcher = new IndexSearcher(r);
      searcher.setSimilarity(new BM25Similarity((float) settings.k1(), (float) settings.b()));
      searcher.setQueryCache(null);
    }
    return searcher;
  }

  /** Opens the index, rebuilding it when it must be, then indexes what was appended since. */
  void freshen(List<String> notes) {
    Optional<String> why = store.checkStillThere();
    if (why.isEmpty() && store.reader().isEmpty()) {
      why = store.open();
      if (why.isEmpty()) {
        loadPositions();
      }
    }
    if (why.isPresent()) {
      rebuild(why.get(), notes);
      return;
    }
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
        changed.add(e.getKey());
      }
    }
    List<String> gone = new ArrayList<>();
    for (String name : positions.keySet()) {
      if (!seen.containsKey(name)) {
        gone.add(name);
      }
    }
    if (changed.isEmpty() && reread.isEmpty() && gone.isEmpty()) {
      return;
    }
    Optional<String> failed =
        store.update(
            w -> {
              for (String name : gone) {
                w.deleteDocuments(new Term(H_SEGMENT, name));
                positions.remove(name);
              }
              for (String name : reread) {
                w.deleteDocuments(new Term(H_SEGMENT, name));
                positions.remove(name);
                read(w, name, 0, seen.get(name), true);
              }
              for (String name : changed) {
                Position old = positions.get(name);
                read(w, name, old == null ? 0 : old.end(), seen.get(name), true);
              }
              return Map.of(POSITIONS_KEY, positionsJson());
            });
    if (failed.isPresent()) {
      positions.clear();
      rebuild(failed.get(), notes);
    }
  }

  /** Rebuilds the history index from the segments and says so in {@code notes}. */
  long rebuild(String why, List<String> notes) {
    String note = "rebuilding the history index: " + why;
    LOG.log(
        why.endsWith("is missing") || why.equals("asked for") ? Level.DEBUG : Level.WARNING, note);
    notes.add(note);
    positions.clear();
    long[] count = new long[1];
    Map<String, Position> seen = stat();
    Optional<String> memory =
        store.rebuild(
            w -> {
              for (Map.Entry<String, Position> e : seen.entrySet()) {
                count[0] += read(w, e.getKey(), 0, e.getValue(), false);
              }
              return Map.of(POSITIONS_KEY, positionsJson());
            });
    memory.ifPresent(notes::add);
    return count[0];
  }

  /** Indexes the records of {@code segment} from {@code offset}; returns how many. */
  private long read(IndexWriter w, String segment, long offset, Position stat, boolean update)
      throws IOException {
    long[] n = new long[1];
    IOException[] failure = new IOException[1];
    long end =
        log.readSegment(
            segment,
            offset,
            (record, after) -> {
              if (failure[0] != null) {
                return;
              }
              try {
                Document d = document(segment, record);
                if (update) {
                  w.updateDocument(new Term(H_ID, record.id()), d);
                } else {
                  w.addDocument(d);
                }
                n[0]++;
              } catch (IOException e) {
                failure[0] = e;
              }
            });
    if (failure[0] != null) {
      throw failure[0];
    }
    positions.put(segment, new Position(end, stat.size(), stat.mtimeNanos()));
    return n[0];
  }

  private static Document document(String segment, Record r) {
    Document d = new Document();
    d.add(new StringField(H_ID, r.id(), Field.Store.YES));
    d.add(new StringField(H_SEGMENT, segment, Field.Store.NO));
    long ts = r.ts().toEpochMilli();
    d.add(new LongPoint(H_TS, ts));
    d.add(new NumericDocValuesField(H_TS, ts));
    d.add(new StoredField(H_TS, ts));
    d.add(new StringField(H_ROLE, r.role(), Field.Store.YES));
    d.add(new SortedDocValuesField(H_ID, new BytesRef(r.id())));
    String text = searchable(r);
    d.add(new TextField(H_BODY, text, Field.Store.NO));
    d.add(new StoredField(H_CONTENT, Passages.shownText(r.content())));
    return d;
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

  private void loadPositions() {
    positions.clear();
    String json = store.userData().get(POSITIONS_KEY);
    if (json == null) {
      return;
    }
    try {
      JsonNode n = JSON.readTree(json);
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        positions.put(
            e.getKey(),
            new Position(
                v.path("end").asLong(), v.path("size").asLong(), v.path("mtime").asLong()));
      }
    } catch (IOException e) {
      positions.clear();
    }
  }

  private String positionsJson() {
    ObjectNode n = JSON.createObjectNode();
    for (Map.Entry<String, Position> e : positions.entrySet()) {
      n.putObject(e.getKey())
          .put("end", e.getValue().end())
          .put("size", e.getValue().size())
          .put("mtime", e.getValue().mtimeNanos());
    }
    return n.toString();
  }

  /** The number of records indexed. */
  int size() {
    return store.reader().map(DirectoryReader::numDocs).orElse(0);
  }

  @Override
  public void close() {
    store.close();
  }
}
