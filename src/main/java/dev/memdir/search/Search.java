package dev.memdir.search;

import dev.memdir.MemdirException;
import dev.memdir.ToolException;
import dev.memdir.archival.ArchivalStore;
import dev.memdir.format.Layout;
import dev.memdir.format.SearchSettings;
import dev.memdir.history.HistoryLog;
import dev.memdir.history.Role;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;

/**
 * The search tools over one agent directory: {@code search_files}, {@code grep_files}, {@code
 * open_files} / {@code close_files}, {@code archival_memory_search} and {@code
 * conversation_search}. Arguments are treated as untrusted: paths are confined to {@code files/},
 * sizes capped, regular expressions linear.
 *
 * <p>Freshness: each search first brings the index up to date with the part of the directory it
 * searches. {@link #searchFiles} lists {@code files/} and compares each file's size and
 * modification time (and, for a file modified within two seconds of when it was indexed, its hash)
 * with the index, skipping that walk while the operating system reports no change under {@code
 * files/} (up to five seconds; docs/SEARCH.md says exactly what that guarantees); {@link
 * #archivalMemorySearch} does the same for {@code archival/}; changed files are re-indexed before
 * the query runs. {@link #conversationSearch} indexes what was appended to {@code history/}, read
 * forward from where it stopped. A missing, corrupt or outdated index is rebuilt, and the result's
 * notes say so (docs/SEARCH.md). Methods are synchronized; one instance serves one agent.
 */
public final class Search implements AutoCloseable {
  /** The most hits one search returns. */
  public static final int MAX_LIMIT = 100;

  /** Hits returned when no limit is given. */
  public static final int DEFAULT_LIMIT = 10;

  /** The longest query read; the rest is dropped with a note. */
  public static final int MAX_QUERY_CHARS = 4_000;

  /** The most distinct query terms used. */
  static final int MAX_TERMS = 256;

  /** Grep matches per page. */
  public static final int GREP_PAGE = 20;

  private static final int MIN_CANDIDATES = 50;
  private static final int MAX_CANDIDATES = 2_000;

  /**
   * The score factor of a {@code conversation_search} record or {@code search_files} conversation
   * turn whose own text has none of the query's terms (it matched through the neighbours indexed
   * with it, or was lent a neighbour's score). Chosen on the LoCoMo dev file (history layout; 0.95
   * / 0.9 / 0.85 / 0.7 measured): R@5 69.6 → 70.1, R@10 79.7 → 79.8, multi-hop R@10 44.0 → 44.9;
   * files layout R@5 69.3 → 69.6, R@10 unchanged (benchmarks/RESULTS.md, "own text").
   */
  static final double OWN_TEXT_MISS = 0.9;

  private final Layout layout;
  private final SearchSettings settings;
  private final MainIndex index;
  private final Optional<HistoryIndex> history;
  private final Grep grep;
  private final Windows windows;
  private Feedback feedback = Feedback.OFF;
  private double sessionWeight = 0;
  private int hopSlots = 0;

  /** How {@code tags} must match in {@link #archivalMemorySearch}. */
  public enum TagMatch {
    /** A fact with at least one of the tags. */
    ANY,
    /** A fact with every tag. */
    ALL
  }

  private Search(
      Layout layout, SearchSettings settings, ArchivalStore archival, Optional<HistoryLog> log) {
    this.layout = layout;
    this.settings = settings;
    this.index = new MainIndex(layout, settings, archival);
    this.history = log.map(l -> new HistoryIndex(layout, settings, index.analyzer(), l));
    this.grep = new Grep(index.files());
    this.windows = new Windows(layout, index.files(), settings.maxOpenFiles());
  }

  /** The search tools of the agent at {@code layout}; the indexes open on first use. */
  public static Search open(
      Layout layout, SearchSettings settings, ArchivalStore archival, HistoryLog history) {
    return new Search(layout, settings, archival, Optional.of(history));
  }

  /** The search tools over files and archival facts only: {@code conversation_search} refuses. */
  public static Search open(Layout layout, SearchSettings settings, ArchivalStore archival) {
    return new Search(layout, settings, archival, Optional.empty());
  }

  /** The settings in use. */
  /**
   * Sets the pseudo-relevance feedback of {@code search_files}; {@link Feedback#OFF} by default.
   */
  public synchronized void feedback(Feedback f) {
    feedback = java.util.Objects.requireNonNull(f, "feedback");
  }

  /**
   * Session routing of {@code search_files}: each passage's score is multiplied by {@code 1 +
   * weight x s / max}, s being the sum of the two best own scores in its file; 0 (the default)
   * switches it off.
   */
  public synchronized void sessionWeight(double weight) {
    if (!(weight >= 0 && weight <= 10)) {
      throw new IllegalArgumentException("session weight must be 0 to 10, got " + weight);
    }
    sessionWeight = weight;
  }

  /**
   * Second-hop interleaving of {@code search_files}: with feedback on and {@code slots > 0}, the
   * expanded query does not replace the first ranking; after every {@code slots} passages of the
   * first ranking comes the best passage of the expanded query not yet listed.
   */
  public synchronized void hopSlots(int slots) {
    if (slots < 0 || slots > MAX_LIMIT) {
      throw new IllegalArgumentException("hop slots must be 0 to " + MAX_LIMIT + ", got " + slots);
    }
    hopSlots = slots;
  }

  /** The pseudo-relevance feedback of {@code search_files}. */
  public synchronized Feedback feedback() {
    return feedback;
  }

  public SearchSettings settings() {
    return settings;
  }

  /**
   * {@code search_files}: BM25-ranked passages of the files under {@code files/}.
   *
   * <p>Each hit in a conversation log brings its neighbouring turns ({@code neighbours} either
   * side, scored {@code neighbour_weight} x the hit, or {@code reply_weight} x for the turn after a
   * hit that ends with a question), all within {@code limit}; then a turn that ends with a question
   * scores {@code question_weight} x. With a {@code speaker}, turns spoken by that person score
   * {@code speaker_boost} x more, unless that person's best turn scores under {@code speaker_gate}
   * x the best turn by anyone else. Among the first 3 x {@code limit}, a conversation turn whose
   * own text has none of the query's terms scores {@link #OWN_TEXT_MISS} x less. Equal scores are
   * ordered by file, then line.
   *
   * @param query words to look for
   * @param limit the most passages returned, 1 to {@link #MAX_LIMIT}
   * @param speaker prefer passages spoken by this person
   */
  public synchronized Results<FileHit> searchFiles(
      String query, int limit, Optional<String> speaker) {
    List<String> notes = new ArrayList<>();
    int lim = limit(limit, "limit", notes);
    String q = query(query, notes);
    Map<String, Integer> terms = terms(MainIndex.F_BODY, q);
    if (terms.isEmpty()) {
      notes.add(emptyQuery(q));
      return new Results<>(List.of(), notes);
    }
    index.freshenFiles(notes);
    try {
      Optional<String> who = speaker.map(String::strip);
      Query q0 = withHypernyms(termsQuery(MainIndex.F_BODY, terms), MainIndex.F_HYP, terms);
      if (!feedback.on()) {
        return new Results<>(rankPassages(q0, terms.keySet(), lim, who, notes), notes);
      }
      List<FileHit> first =
          rankPassages(q0, terms.keySet(), Math.max(lim, feedback.docs()), who, new ArrayList<>());
      Map<String, Double> extra = feedbackTerms(terms, first);
      if (hopSlots == 0) {
        return new Results<>(
            rankPassages(expandedQuery(terms, extra), terms.keySet(), lim, who, notes), notes);
      }
      List<FileHit> second =
          rankPassages(expandedQuery(terms, extra), terms.keySet(), lim, who, notes);
      // Every (slots + 1)th place goes to the best second-query passage not yet listed.
      List<FileHit> out = new ArrayList<>();
      java.util.Set<String> seen = new java.util.HashSet<>();
      int i1 = 0;
      int i2 = 0;
      while (out.size() < lim && (i1 < first.size() || i2 < second.size())) {
        boolean fromSecond = (out.size() + 1) % (hopSlots + 1) == 0 || i1 >= first.size();
        List<FileHit> src = fromSecond && i2 < second.size() ? second : first;
        while (src == second ? i2 < second.size() : i1 < first.size()) {
          FileHit h = src == second ? second.get(i2++) : first.get(i1++);
          if (seen.add(h.location())) {
            out.add(h);
            break;
          }
        }
      }
      return new Results<>(out, notes);
    } catch (IOException e) {
      throw new MemdirException("cannot search .memdir/index/main: " + e.getMessage(), e);
    }
  }

  /**
   * Pseudo-relevance feedback: the terms of the top {@code feedback.docs()} passages, weighted by
   * each passage's share of the top score, their frequency in it and their IDF, the best {@code
   * feedback.terms()} of those not in the query, with weights scaled so the best is {@code
   * feedback.weight()} (a query term weighs 1 per occurrence).
   */
  Map<String, Double> feedbackTerms(Map<String, Integer> query, List<FileHit> top)
      throws IOException {
    Map<String, Double> w = new HashMap<>();
    if (top.isEmpty()) {
      return Map.of();
    }
    IndexReader reader = index.searcher().getIndexReader();
    int docs = Math.max(1, reader.numDocs());
    double best = top.get(0).score();
    for (int i = 0; i < Math.min(feedback.docs(), top.size()); i++) {
      FileHit h = top.get(i);
      List<String> ts = index.analyzer().terms(MainIndex.F_BODY, h.text());
      if (ts.isEmpty() || best <= 0) {
        continue;
      }
      double share = h.score() / best / ts.size();
      for (String t : ts) {
        if (!query.containsKey(t)) {
          w.merge(t, share, Double::sum);
        }
      }
    }
    Map<String, Double> scored = new HashMap<>();
    for (Map.Entry<String, Double> e : w.entrySet()) {
      int df = reader.docFreq(new Term(MainIndex.F_BODY, e.getKey()));
      if (df > 0) {
        scored.put(e.getKey(), e.getValue() * Math.log(1 + (docs - df + 0.5) / (df + 0.5)));
      }
    }
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(scored.entrySet());
    sorted.sort(
        (a, b) -> {
          int c = Double.compare(b.getValue(), a.getValue());
          return c != 0 ? c : a.getKey().compareTo(b.getKey());
        });
    Map<String, Double> out = new LinkedHashMap<>();
    double max = sorted.isEmpty() ? 0 : sorted.get(0).getValue();
    for (int i = 0; i < Math.min(feedback.terms(), sorted.size()); i++) {
      out.put(sorted.get(i).getKey(), feedback.weight() * sorted.get(i).getValue() / max);
    }
    return out;
  }

  /** The indexed terms of {@code text}, for tests. */
  List<String> feedbackIndexTerms(String text) {
    return index.analyzer().terms(MainIndex.F_BODY, text);
  }

  private static Query expandedQuery(Map<String, Integer> terms, Map<String, Double> extra) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(termsQuery(MainIndex.F_BODY, terms), BooleanClause.Occur.SHOULD);
    for (Map.Entry<String, Double> e : extra.entrySet()) {
      Query tq = new TermQuery(new Term(MainIndex.F_BODY, e.getKey()));
      b.add(new BoostQuery(tq, e.getValue().floatValue()), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  private List<FileHit> rankPassages(
      Query query,
      java.util.Set<String> queryTerms,
      int limit,
      Optional<String> speaker,
      List<String> notes)
      throws IOException {
    IndexSearcher searcher = index.searcher();
    PassageTable table = index.table();
    int n = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, limit * 5));
    // Top scores only, so Lucene may skip documents that cannot enter them; equal scores are
    // put in file and line order below.
    TopDocs top = searcher.search(query, new TopScoreDocCollectorManager(n, null, n));
    Ranked ranked = new Ranked(top.scoreDocs.length * (1 + 2 * settings.neighbours()));
    for (ScoreDoc sd : top.scoreDocs) {
      if (table.isPassage(sd.doc)) {
        ranked.own(sd.doc, sd.score);
      }
    }
    int owned = ranked.size;
    // Lend from the scores the passages earned themselves, never from what they were lent.
    double[] own = Arrays.copyOf(ranked.scores, owned);
    if (settings.neighbours() > 0) {
      for (int i = 0; i < owned; i++) {
        int doc = ranked.docs[i];
        if (!table.inConversation(doc)) {
          continue;
        }
        for (int d = 1; d <= settings.neighbours(); d++) {
          lend(ranked, table.neighbour(doc, -d), own[i], settings.neighbourWeight());
          lend(ranked, table.neighbour(doc, d), own[i], weight(d, table.isQuestion(doc)));
        }
      }
    }
    if (settings.questionWeight() < 1) {
      // A turn that asks is seldom the answer (after it has lent its score to its reply).
      for (int i = 0; i < ranked.size; i++) {
        if (table.isQuestion(ranked.docs[i])) {
          ranked.scores[i] *= settings.questionWeight();
        }
      }
    }
    if (sessionWeight > 0) {
      routeSessions(ranked, own, table);
    }
    if (speaker.isPresent() && !speaker.get().isEmpty()) {
      applySpeaker(MainIndex.speakerKey(speaker.get()), speaker.get(), ranked, own, table, notes);
    }
    Integer[] order = new Integer[ranked.size];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Comparator<Integer> byScore =
        (a, b) -> {
          int c = Double.compare(ranked.scores[b], ranked.scores[a]);
          return c != 0 ? c : table.compareByPosition(ranked.docs[a], ranked.docs[b]);
        };
    Arrays.sort(order, byScore);
    // A turn is indexed with its neighbours' words: see ownText.
    ownText(
        searcher,
        MainIndex.F_OWN,
        queryTerms,
        ranked,
        order,
        limit,
        byScore,
        table::inConversation);
    int k = Math.min(limit, order.length);
    int[] docs = new int[k];
    double[] scores = new double[k];
    for (int i = 0; i < k; i++) {
      docs[i] = ranked.docs[order[i]];
      scores[i] = round(ranked.scores[order[i]]);
    }
    List<FileHit> hits = index.hits(docs, scores);
    return hits;
  }

  /**
   * The own-text rule of both searches: a passage or record is indexed with its neighbours' words,
   * so one that matches only through a neighbour (or was lent a neighbour's score) could rank above
   * the one that says the words. Among the first 3 x {@code limit} of {@code order}, each document
   * {@code applies} to whose own-text {@code field} holds none of {@code queryTerms} scores {@link
   * #OWN_TEXT_MISS} x less; that part of {@code order} is sorted again. The terms are looked up in
   * the postings ({@link OwnText}), not in the documents' text.
   */
  private static void ownText(
      IndexSearcher searcher,
      String field,
      java.util.Set<String> queryTerms,
      Ranked ranked,
      Integer[] order,
      int limit,
      Comparator<Integer> byScore,
      java.util.function.IntPredicate applies)
      throws IOException {
    int window = Math.min(order.length, limit * 3);
    int[] docs = new int[window];
    for (int i = 0; i < window; i++) {
      docs[i] = ranked.docs[order[i]];
    }
    java.util.BitSet says = OwnText.saying(searcher.getIndexReader(), field, docs, queryTerms);
    boolean changed = false;
    for (int i = 0; i < window; i++) {
      if (applies.test(docs[i]) && !says.get(i)) {
        ranked.scores[order[i]] *= OWN_TEXT_MISS;
        changed = true;
      }
    }
    if (changed) {
      Arrays.sort(order, 0, window, byScore);
    }
  }

  /**
   * The fraction of a hit's score lent to its neighbour {@code offset} turns later: {@code
   * reply_weight} for the turn right after a hit that asks a question (its likely answer), {@code
   * neighbour_weight} otherwise.
   */
  private double weight(int offset, boolean question) {
    return offset == 1 && question ? settings.replyWeight() : settings.neighbourWeight();
  }

  /** Lends {@code weight} x {@code score} to {@code doc} (none when -1 or the weight is 0). */
  private static void lend(Ranked ranked, int doc, double score, double weight) {
    if (weight > 0) {
      ranked.lend(doc, score * weight);
    }
  }

  /** Candidate passages and their scores, in arrays: the ranking runs on every search. */
  private static final class Ranked {
    int[] docs;
    double[] scores;
    int size;
    private final Map<Integer, Integer> slots;

    Ranked(int capacity) {
      docs = new int[Math.max(16, capacity)];
      scores = new double[docs.length];
      slots = new HashMap<>(docs.length * 2);
    }

    void own(int doc, double score) {
      slots.put(doc, size);
      add(doc, score);
    }

    /** Raises {@code doc}'s score to {@code score} if lower, adding it if new. */
    void lend(int doc, double score) {
      if (doc < 0) {
        return;
      }
      Integer slot = slots.get(doc);
      if (slot == null) {
        slots.put(doc, size);
        add(doc, score);
      } else if (scores[slot] < score) {
        scores[slot] = score;
      }
    }

    private void add(int doc, double score) {
      if (size == docs.length) {
        docs = Arrays.copyOf(docs, size * 2);
        scores = Arrays.copyOf(scores, size * 2);
      }
      docs[size] = doc;
      scores[size] = score;
      size++;
    }
  }

  private void routeSessions(Ranked ranked, double[] own, PassageTable table) {
    Map<String, double[]> best = new HashMap<>();
    for (int i = 0; i < own.length; i++) {
      double[] b = best.computeIfAbsent(table.file(ranked.docs[i]), f -> new double[2]);
      if (own[i] > b[0]) {
        b[1] = b[0];
        b[0] = own[i];
      } else if (own[i] > b[1]) {
        b[1] = own[i];
      }
    }
    double max = 0;
    for (double[] b : best.values()) {
      max = Math.max(max, b[0] + b[1]);
    }
    if (max <= 0) {
      return;
    }
    for (int i = 0; i < ranked.size; i++) {
      double[] b = best.get(table.file(ranked.docs[i]));
      if (b != null) {
        ranked.scores[i] *= 1 + sessionWeight * (b[0] + b[1]) / max;
      }
    }
  }

  private void applySpeaker(
      String key,
      String name,
      Ranked ranked,
      double[] own,
      PassageTable table,
      List<String> notes) {
    double named = 0;
    double other = 0;
    for (int i = 0; i < own.length; i++) {
      String k = table.speakerKey(ranked.docs[i]);
      if (key.equals(k)) {
        named = Math.max(named, own[i]);
      } else if (k != null) {
        other = Math.max(other, own[i]);
      }
    }
    if (named == 0) {
      notes.add("no matching passage is spoken by " + name + "; ranked without speaker preference");
      return;
    }
    if (named < settings.speakerGate() * other) {
      notes.add(
          name
              + "'s best passage scores well under the best by others; ranked without speaker"
              + " preference");
      return;
    }
    for (int i = 0; i < ranked.size; i++) {
      if (key.equals(table.speakerKey(ranked.docs[i]))) {
        ranked.scores[i] *= settings.speakerBoost();
      }
    }
  }

  /**
   * {@code archival_memory_search}: facts ranked by BM25, filtered by tags and creation time.
   *
   * @param query words to look for; may be empty when a tag or time filter is given, which lists
   *     matching facts newest first
   * @param tags tags to filter by (compared without case)
   * @param tagMatch whether a fact needs any or all of the tags
   * @param start facts created at or after this time
   * @param end facts created at or before this time
   * @param topK the most facts returned, 1 to {@link #MAX_LIMIT}
   */
  public synchronized Results<FactHit> archivalMemorySearch(
      String query,
      Collection<String> tags,
      TagMatch tagMatch,
      Optional<Instant> start,
      Optional<Instant> end,
      int topK) {
    List<String> notes = new ArrayList<>();
    int k = limit(topK, "top_k", notes);
    String q = query(query, notes);
    Map<String, Integer> terms = terms(MainIndex.A_BODY, q);
    boolean filtered = !tags.isEmpty() || start.isPresent() || end.isPresent();
    if (terms.isEmpty() && !filtered) {
      notes.add(emptyQuery(q));
      return new Results<>(List.of(), notes);
    }
    index.freshenFacts(notes);
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    if (!terms.isEmpty()) {
      b.add(termsQuery(MainIndex.A_BODY, terms), BooleanClause.Occur.MUST);
    } else {
      b.add(new MatchAllDocsQuery(), BooleanClause.Occur.MUST);
      b.add(
          new TermQuery(new Term(SourceState.KIND, SourceState.STATE_KIND)),
          BooleanClause.Occur.MUST_NOT);
    }
    if (!tags.isEmpty()) {
      BooleanQuery.Builder t = new BooleanQuery.Builder();
      for (String tag : tags) {
        t.add(
            new TermQuery(new Term(MainIndex.A_TAG, MainIndex.tagKey(tag))),
            tagMatch == TagMatch.ALL ? BooleanClause.Occur.MUST : BooleanClause.Occur.SHOULD);
      }
      b.add(t.build(), BooleanClause.Occur.FILTER);
    }
    if (start.isPresent() || end.isPresent()) {
      long from = start.map(Instant::getEpochSecond).orElse(Long.MIN_VALUE);
      long to = end.map(Instant::getEpochSecond).orElse(Long.MAX_VALUE);
      if (from > to) {
        throw new ToolException(
            "start_datetime " + start.get() + " is after end_datetime " + end.get());
      }
      b.add(LongPoint.newRangeQuery(MainIndex.A_CREATED, from, to), BooleanClause.Occur.FILTER);
    }
    // Only facts have an apath; the filter keeps file passages out of a filters-only search.
    b.add(
        new org.apache.lucene.search.FieldExistsQuery(MainIndex.A_PATH),
        BooleanClause.Occur.FILTER);
    Sort sort =
        new Sort(
            SortField.FIELD_SCORE,
            new SortField(MainIndex.A_CREATED, SortField.Type.LONG, true),
            new SortField(MainIndex.A_PATH, SortField.Type.STRING));
    try {
      IndexSearcher searcher = index.searcher();
      TopDocs top = searcher.search(b.build(), k, sort, true);
      StoredFields stored = searcher.getIndexReader().storedFields();
      List<FactHit> hits = new ArrayList<>();
      for (ScoreDoc sd : top.scoreDocs) {
        Document d = stored.document(sd.doc);
        hits.add(
            new FactHit(
                d.get(MainIndex.A_ID),
                Instant.ofEpochSecond(d.getField(MainIndex.A_CREATED).numericValue().longValue()),
                List.of(d.getValues(MainIndex.A_TAGS)),
                d.get(MainIndex.A_TEXT),
                terms.isEmpty() ? 0 : round(sd.score),
                d.get(MainIndex.A_PATH)));
      }
      if (hits.isEmpty() && filtered) {
        String what = filters(tags.isEmpty() ? "" : "tag", tags, tagMatch, start, end);
        notes.add(noHitNote(searcher, b.build(), "fact", what, !terms.isEmpty()));
      }
      return new Results<>(hits, notes);
    } catch (IOException e) {
      throw new MemdirException("cannot search .memdir/index/main: " + e.getMessage(), e);
    }
  }

  /**
   * {@code grep_files}: lines of files under {@code files/} that match a regular expression, {@link
   * #GREP_PAGE} per page, by file then line. Binary and non-UTF-8 files are skipped with a note.
   *
   * @param pattern an RE2 regular expression (a plain word works too)
   * @param include a file-name glob such as {@code *.md} or {@code notes/**}
   * @param contextLines lines shown before and after each match, 0 to 10
   * @param offset the index of the first match to return: 0, or a previous page's next offset
   * @param ignoreCase whether letters match regardless of case
   */
  public GrepPage grepFiles(
      String pattern, Optional<String> include, int contextLines, int offset, boolean ignoreCase) {
    return grep.run(pattern, include, contextLines, offset, ignoreCase);
  }

  /**
   * {@code open_files}: opens windows on files, kept open between turns, at most {@code
   * max_open_files} at once (the least recently used close first).
   *
   * @param requests the files and line ranges to open
   * @param closeAllOthers whether every other window closes
   */
  public synchronized OpenResult openFiles(List<FileRequest> requests, boolean closeAllOthers) {
    try {
      return windows.open(requests, closeAllOthers);
    } catch (ToolException e) {
      if (e.getMessage().startsWith("no file")) {
        // The index may still list the file; bring it up to date so searches stop offering it.
        index.freshenFiles(new ArrayList<>());
      }
      throw e;
    }
  }

  /** {@code close_files}: closes the windows of these files; returns those closed. */
  public synchronized Results<String> closeFiles(List<String> fileNames) {
    return windows.close(fileNames);
  }

  /** The open windows, read fresh from their files, least recently used first. */
  public synchronized Results<FileWindow> openWindows() {
    Results<FileWindow> r = windows.current();
    if (!r.notes().isEmpty()) {
      index.freshenFiles(new ArrayList<>());
    }
    return r;
  }

  /** Rebuilds the indexes from the files and says what they indexed. */
  public synchronized ReindexReport reindex() {
    long t0 = System.nanoTime();
    ReindexReport r = index.rebuild("asked for", new ArrayList<>());
    long messages = history.map(h -> h.rebuild("asked for", new ArrayList<>())).orElse(0L);
    return new ReindexReport(
        r.files(),
        r.passages(),
        r.facts(),
        messages,
        r.skipped(),
        java.time.Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * {@code conversation_search}: history records ranked by BM25, filtered by role and time; equal
   * scores put the newer record first. Before it runs, what was appended to {@code history/} since
   * the last search is indexed, read forward from where reading stopped.
   *
   * @param query words to look for; may be empty when a role or time filter is given, which lists
   *     matching records newest first
   * @param roles roles to keep ({@code user}, {@code assistant}, ...); empty for all
   * @param start records written at or after this time
   * @param end records written at or before this time
   * @param limit the most records returned, 1 to {@link #MAX_LIMIT}
   * @throws ToolException for an unknown role
   * @throws IllegalStateException when this was opened without a history
   */
  public Results<MessageHit> conversationSearch(
      String query,
      Collection<String> roles,
      Optional<Instant> start,
      Optional<Instant> end,
      int limit) {
    return conversationSearch(query, roles, start, end, limit, Optional.empty());
  }

  /**
   * {@code conversation_search} with a preferred speaker. Records are ranked as turns of {@code
   * search_files} are: each is indexed with {@code search.window} records either side (of the same
   * monthly segment, written within an hour of it) and its date, and each candidate lends {@code
   * search.neighbour_weight} x its score to the {@code search.neighbours} records either side that
   * pass the filters ({@code search.reply_weight} x to the record after one that ends with a
   * question, which then scores {@code search.question_weight} x). With a {@code speaker}, records
   * whose {@code name} is that person score {@code search.speaker_boost} x more, unless that
   * person's best record scores under {@code search.speaker_gate} x the best by anyone else. Among
   * the first 3 x {@code limit}, a record whose own text has none of the query's terms scores
   * {@link #OWN_TEXT_MISS} x less. Equal scores put the newer record first.
   *
   * @param speaker prefer records whose {@code name} is this person (compared without case)
   */
  public synchronized Results<MessageHit> conversationSearch(
      String query,
      Collection<String> roles,
      Optional<Instant> start,
      Optional<Instant> end,
      int limit,
      Optional<String> speaker) {
    HistoryIndex h =
        history.orElseThrow(() -> new IllegalStateException("opened without a history log"));
    List<String> notes = new ArrayList<>();
    int k = limit(limit, "limit", notes);
    List<String> roleWords = new ArrayList<>();
    for (String r : roles) {
      String w = r.strip().toLowerCase(java.util.Locale.ROOT);
      if (Role.of(w).isEmpty()) {
        throw new ToolException(
            "unknown role '" + r.replace("\0", "\\0") + "'; roles are " + Role.known());
      }
      roleWords.add(w);
    }
    String q = query(query, notes);
    Map<String, Integer> terms = terms(HistoryIndex.H_BODY, q);
    boolean filtered = !roleWords.isEmpty() || start.isPresent() || end.isPresent();
    if (terms.isEmpty() && !filtered) {
      notes.add(emptyQuery(q));
      return new Results<>(List.of(), notes);
    }
    h.freshen(notes);
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(
        terms.isEmpty()
            ? new MatchAllDocsQuery()
            : withHypernyms(termsQuery(HistoryIndex.H_BODY, terms), HistoryIndex.H_HYP, terms),
        BooleanClause.Occur.MUST);
    if (!roleWords.isEmpty()) {
      BooleanQuery.Builder rb = new BooleanQuery.Builder();
      for (String w : roleWords) {
        rb.add(new TermQuery(new Term(HistoryIndex.H_ROLE, w)), BooleanClause.Occur.SHOULD);
      }
      b.add(rb.build(), BooleanClause.Occur.FILTER);
    }
    if (start.isPresent() || end.isPresent()) {
      long from = start.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
      long to = end.map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
      if (from > to) {
        throw new ToolException("start_date " + start.get() + " is after end_date " + end.get());
      }
      b.add(LongPoint.newRangeQuery(HistoryIndex.H_TS, from, to), BooleanClause.Occur.FILTER);
    }
    h.excluded().ifPresent(x -> b.add(x, BooleanClause.Occur.MUST_NOT));
    Sort sort =
        new Sort(
            SortField.FIELD_SCORE,
            new SortField(HistoryIndex.H_TS, SortField.Type.LONG, true),
            new SortField(HistoryIndex.H_ID, SortField.Type.STRING));
    try {
      IndexSearcher searcher = h.searcher();
      if (!terms.isEmpty()) {
        long from = start.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        long to = end.map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        List<MessageHit> ranked =
            rankRecords(
                h,
                searcher,
                b.build(),
                sort,
                k,
                roleWords,
                from,
                to,
                speaker.map(String::strip),
                terms.keySet(),
                notes);
        if (ranked.isEmpty() && filtered) {
          String what = filters("role", roleWords, TagMatch.ANY, start, end);
          notes.add(noHitNote(searcher, b.build(), "message", what, true));
        }
        return new Results<>(ranked, notes);
      }
      TopDocs top = searcher.search(b.build(), k, sort, true);
      int[] docs = new int[top.scoreDocs.length];
      double[] scores = new double[docs.length];
      for (int i = 0; i < docs.length; i++) {
        docs[i] = top.scoreDocs[i].doc;
        scores[i] = terms.isEmpty() ? 0 : round(((FieldDoc) top.scoreDocs[i]).score);
      }
      List<MessageHit> hits = messageHits(h, docs, h.meta(docs), scores);
      if (hits.isEmpty() && filtered) {
        String what = filters("role", roleWords, TagMatch.ANY, start, end);
        notes.add(noHitNote(searcher, b.build(), "message", what, !terms.isEmpty()));
      }
      return new Results<>(hits, notes);
    } catch (IOException e) {
      throw new MemdirException("cannot search .memdir/index/history: " + e.getMessage(), e);
    }
  }

  private List<MessageHit> rankRecords(
      HistoryIndex h,
      IndexSearcher searcher,
      Query query,
      Sort sort,
      int limit,
      List<String> roles,
      long from,
      long to,
      Optional<String> speaker,
      java.util.Set<String> queryTerms,
      List<String> notes)
      throws IOException {
    int n = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, limit * 5));
    TopDocs top = searcher.search(query, n, sort, true);
    int m = top.scoreDocs.length;
    int[] candidates = new int[m];
    Ranked ranked = new Ranked(m * (1 + 2 * settings.neighbours()));
    for (int i = 0; i < m; i++) {
      candidates[i] = top.scoreDocs[i].doc;
      ranked.own(candidates[i], ((FieldDoc) top.scoreDocs[i]).score);
    }
    Map<Integer, HistoryIndex.Meta> meta = new HashMap<>();
    HistoryIndex.Meta[] own = h.meta(candidates);
    for (int i = 0; i < m; i++) {
      meta.put(candidates[i], own[i]);
    }
    double[] ownScores = Arrays.copyOf(ranked.scores, m);
    if (settings.neighbours() > 0
        && (settings.neighbourWeight() > 0 || settings.replyWeight() > 0)
        && m > 0) {
      // Lend from the scores the records earned themselves, never from what they were lent.
      int w = settings.neighbours();
      HistoryIndex.Neighbours near = h.new Places().neighbours(candidates, own, w);
      for (int slot = 0; slot < near.docs().length; slot++) {
        HistoryIndex.Meta x = near.metas()[slot];
        HistoryIndex.Meta c = own[slot / (2 * w)];
        if (near.docs()[slot] < 0
            || x == null
            || Math.abs(x.ts() - c.ts()) > HistoryIndex.SESSION_GAP_MILLIS
            || x.ts() < from
            || x.ts() > to
            || (!roles.isEmpty() && !roles.contains(x.role()))) {
          continue;
        }
        // Slot k of a record's 2w is the neighbour at k - w (k < w) or k - w + 1: k == w is the
        // next.
        double weight = weight(slot % (2 * w) == w ? 1 : -1, c.question());
        if (weight > 0) {
          meta.putIfAbsent(near.docs()[slot], x);
          ranked.lend(near.docs()[slot], ownScores[slot / (2 * w)] * weight);
        }
      }
    }
    if (settings.questionWeight() < 1) {
      // A record that asks is seldom the answer (after it has lent its score to its reply).
      for (int i = 0; i < ranked.size; i++) {
        if (meta.get(ranked.docs[i]).question()) {
          ranked.scores[i] *= settings.questionWeight();
        }
      }
    }
    if (speaker.isPresent() && !speaker.get().isEmpty()) {
      String key = MainIndex.speakerKey(speaker.get());
      double named = 0;
      double other = 0;
      for (int i = 0; i < m; i++) {
        String k = own[i].name();
        if (key.equals(k)) {
          named = Math.max(named, ownScores[i]);
        } else if (k != null) {
          other = Math.max(other, ownScores[i]);
        }
      }
      if (named == 0) {
        notes.add(
            "no matching message is spoken by "
                + speaker.get()
                + "; ranked without speaker preference");
      } else if (named < settings.speakerGate() * other) {
        notes.add(
            speaker.get()
                + "'s best message scores well under the best by others; ranked without speaker"
                + " preference");
      } else {
        for (int i = 0; i < ranked.size; i++) {
          if (key.equals(meta.get(ranked.docs[i]).name())) {
            ranked.scores[i] *= settings.speakerBoost();
          }
        }
      }
    }
    Integer[] order = new Integer[ranked.size];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Comparator<Integer> byScore =
        (a, b) -> {
          int c = Double.compare(ranked.scores[b], ranked.scores[a]);
          if (c != 0) {
            return c;
          }
          HistoryIndex.Meta x = meta.get(ranked.docs[a]);
          HistoryIndex.Meta y = meta.get(ranked.docs[b]);
          c = Long.compare(y.ts(), x.ts());
          return c != 0 ? c : x.id().compareTo(y.id());
        };
    Arrays.sort(order, byScore);
    // A record is indexed with its neighbours' words: see ownText (a lone record keeps its score).
    if (order.length > 1) {
      ownText(searcher, HistoryIndex.H_OWN, queryTerms, ranked, order, limit, byScore, doc -> true);
    }
    int[] docs = new int[Math.min(limit, order.length)];
    double[] scores = new double[docs.length];
    int shown = 0;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < order.length && shown < limit; i++) {
      int doc = ranked.docs[order[i]];
      // A guest may hold a record twice (its committed copy and a newer one in memory).
      if (!seen.add(meta.get(doc).id())) {
        continue;
      }
      docs[shown] = doc;
      scores[shown++] = round(ranked.scores[order[i]]);
    }
    int[] hitDocs = Arrays.copyOf(docs, shown);
    // Every hit's Meta was read when it was a candidate or lent a score: not read again.
    HistoryIndex.Meta[] hitMeta = new HistoryIndex.Meta[shown];
    for (int i = 0; i < shown; i++) {
      hitMeta[i] = meta.get(hitDocs[i]);
    }
    return messageHits(h, hitDocs, hitMeta, Arrays.copyOf(scores, shown));
  }

  /**
   * The hits for {@code docs} of the history index, in that order, with their {@code meta}; the
   * shown text is read from doc values.
   */
  private static List<MessageHit> messageHits(
      HistoryIndex h, int[] docs, HistoryIndex.Meta[] meta, double[] scores) throws IOException {
    String[] content = h.contents(docs);
    List<MessageHit> hits = new ArrayList<>(docs.length);
    for (int i = 0; i < docs.length; i++) {
      hits.add(
          new MessageHit(
              meta[i].id(),
              Instant.ofEpochMilli(meta[i].ts()),
              meta[i].role(),
              content[i],
              scores[i]));
    }
    return hits;
  }

  /** Problems that keep files out of the index (binary, too large, links), one line each. */
  public synchronized List<String> skipped() {
    index.freshenFiles(new ArrayList<>());
    index.freshenFacts(new ArrayList<>());
    return index.skipped();
  }

  /**
   * Parses a time argument: {@code 2026-11-26}, {@code 2026-11-26T08:30}, or with seconds and an
   * offset ({@code 2026-11-26T08:30:00Z}); times without an offset are UTC. A date alone means its
   * first second, or, for an end bound, its last.
   *
   * @param name the argument's name, for the message
   * @throws ToolException naming the argument and the accepted forms
   */
  public static Instant parseTime(String name, String value, boolean endOfRange) {
    String v = value == null ? "" : value.strip();
    try {
      if (v.length() == 10) {
        LocalDate d = LocalDate.parse(v);
        return endOfRange
            ? d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1)
            : d.atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      try {
        return OffsetDateTime.parse(v).toInstant();
      } catch (DateTimeParseException e) {
        return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
      }
    } catch (DateTimeParseException e) {
      throw new ToolException(
          name
              + " must be an ISO-8601 date or time like 2026-11-26 or 2026-11-26T08:30:00Z, got \""
              + (v.length() > 60 ? v.substring(0, 60) + "…" : v)
              + "\"");
    }
  }

  private static int limit(int value, String name, List<String> notes) {
    if (value < 1) {
      throw new ToolException(name + " must be 1 or more, got " + value);
    }
    if (value > MAX_LIMIT) {
      notes.add(name + " " + value + " capped at " + MAX_LIMIT);
      return MAX_LIMIT;
    }
    return value;
  }

  private static String query(String query, List<String> notes) {
    String q = query == null ? "" : query.replace('\0', ' ').strip();
    if (q.length() > MAX_QUERY_CHARS) {
      notes.add("the query was cut to its first " + MAX_QUERY_CHARS + " chars");
      q = q.substring(0, MAX_QUERY_CHARS);
    }
    return q;
  }

  private Map<String, Integer> terms(String field, String q) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String t : index.analyzer().terms(field, q)) {
      if (counts.size() >= MAX_TERMS && !counts.containsKey(t)) {
        continue;
      }
      counts.merge(t, 1, Integer::sum);
    }
    return counts;
  }

  /**
   * {@code words} or the same terms among the passages' hypernyms ({@code field}) at {@code
   * hypernym_weight}; {@code words} alone when hypernyms are off.
   */
  private Query withHypernyms(Query words, String field, Map<String, Integer> terms) {
    if (!settings.hypernyms()) {
      return words;
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(words, BooleanClause.Occur.SHOULD);
    b.add(
        new BoostQuery(termsQuery(field, terms), (float) settings.hypernymWeight()),
        BooleanClause.Occur.SHOULD);
    return b.build();
  }

  private static Query termsQuery(String field, Map<String, Integer> terms) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Map.Entry<String, Integer> e : terms.entrySet()) {
      Query tq = new TermQuery(new Term(field, e.getKey()));
      b.add(e.getValue() > 1 ? new BoostQuery(tq, e.getValue()) : tq, BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  private static String emptyQuery(String q) {
    if (q.isEmpty()) {
      return "the query is empty; give words to search for, such as names, places or topics";
    }
    return "the query \""
        + (q.length() > 80 ? q.substring(0, 80) + "…" : q)
        + "\" has only common words that are not indexed (like 'the', 'what', 'did');"
        + " add names, places or other content words";
  }

  private static double round(double score) {
    return Math.round(score * 10_000) / 10_000.0;
  }

  /** The history index, for tests. */
  Optional<HistoryIndex> historyIndex() {
    return history;
  }

  /** Where the index lives, for messages. */
  public String indexLocation() {
    return index.inMemory() ? "memory" : layout.display(layout.derivedDir().resolve("index"));
  }

  @Override
  public synchronized void close() {
    index.close();
    history.ifPresent(HistoryIndex::close);
  }

  /**
   * Why a filtered search found nothing: no item passes the filters, or some do and none of them
   * holds the query's words.
   */
  private static String noHitNote(
      IndexSearcher searcher, BooleanQuery query, String item, String filters, boolean words)
      throws IOException {
    BooleanQuery.Builder only = new BooleanQuery.Builder();
    only.add(new MatchAllDocsQuery(), BooleanClause.Occur.MUST);
    for (BooleanClause c : query.clauses()) {
      if (c.getOccur() != BooleanClause.Occur.MUST) {
        only.add(c);
      }
    }
    int n = words ? searcher.count(only.build()) : 0;
    if (n == 0) {
      return "no " + item + " matches " + filters;
    }
    return filters
        + " matched "
        + n
        + " "
        + item
        + (n == 1 ? "" : "s")
        + ", but none of "
        + (n == 1 ? "it" : "them")
        + " matches the query";
  }

  /** The filters of a search in words, like {@code tag people, from 2026-11-26T00:00:00Z}. */
  private static String filters(
      String kind,
      Collection<String> values,
      TagMatch match,
      Optional<Instant> start,
      Optional<Instant> end) {
    List<String> parts = new ArrayList<>();
    if (!values.isEmpty()) {
      String joiner = match == TagMatch.ALL ? " and " : " or ";
      parts.add(
          kind
              + (values.size() == 1 ? " " : "s ")
              + String.join(joiner, values.stream().map(v -> "'" + v + "'").toList()));
    }
    start.ifPresent(t -> parts.add("from " + t));
    end.ifPresent(t -> parts.add("until " + t));
    return "the filter" + (parts.size() == 1 ? " " : "s ") + String.join(", ", parts);
  }
}
