package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.Version;
import dev.memdir.format.AtomicFiles;
import dev.memdir.search.FileHit;
import dev.memdir.search.MessageHit;
import dev.memdir.search.Search;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One retrieval-mode LoCoMo run (no LLM): each conversation becomes an agent directory; every
 * question goes through the {@link QueryPolicy} to the agent's own search tool; the ranking of
 * turns is cut at each k and scored for evidence recall; then the report.
 *
 * <p>The run directory holds {@code manifest.json}, {@code agents/<sample_id>/}, {@code
 * ingest.json} (the conversations fully ingested, with their passage → dia_id maps), {@code
 * results.jsonl} (one line per question, appended and flushed as it completes) and {@code
 * report.md}, {@code report.json}, {@code recall.svg}. Starting again with the same directory
 * resumes: an interrupted ingest is redone, answered questions are skipped, and the report is built
 * from all lines, so it equals an uninterrupted run's. Another data file or other parameters are
 * refused.
 */
final class LocomoRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocomoData data;
  private final RunParams params;
  private final Path out;
  private final PrintWriter progress;
  private final boolean console;
  private final CompletableFuture<Encoding> tokenizer = startTokenizer();
  private final Map<String, Long> timings = new LinkedHashMap<>();

  /**
   * The outcome.
   *
   * @param report the aggregated numbers
   * @param questionsRun questions answered by this invocation (the rest were resumed)
   * @param reportJson the report as written
   */
  record Outcome(RunReport report, int questionsRun, ObjectNode reportJson) {}

  LocomoRun(LocomoData data, RunParams params, Path out, PrintWriter progress, boolean console) {
    this.data = data;
    this.params = params;
    this.out = out;
    this.progress = progress;
    this.console = console;
  }

  private static CompletableFuture<Encoding> cl100k;

  /**
   * Starts loading {@code cl100k_base} for the report's token counts, once per process, on a thread
   * of its own. It costs about half a second of CPU: {@code bench locomo} starts it before it reads
   * the data file, so that it runs while the parsing leaves the other core idle.
   */
  static synchronized CompletableFuture<Encoding> startTokenizer() {
    if (cl100k == null) {
      CompletableFuture<Encoding> f = new CompletableFuture<>();
      Thread t =
          new Thread(
              () -> {
                try {
                  f.complete(
                      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE));
                } catch (RuntimeException | Error e) {
                  f.completeExceptionally(e);
                }
              },
              "memdir-cl100k");
      t.setDaemon(true);
      t.start();
      cl100k = f;
    }
    return cl100k;
  }

  /** The default run folder: {@code runs/locomo-<UTC timestamp>}. */
  static Path defaultOut(Instant now) {
    return Path.of(
        "runs",
        "locomo-"
            + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC)
                .format(now));
  }

  Outcome run() {
    long t0 = System.nanoTime();
    checkManifest();
    ObjectNode ingestState = readIngestState();
    List<JsonNode> lines = readResults();
    Set<String> done = new HashSet<>();
    for (JsonNode l : lines) {
      done.add(RunFolder.key(l.get("sample_id").asText(), l.get("question_index").asInt()));
    }
    int total = data.questionCount();
    AtomicInteger finished = new AtomicInteger(done.size());
    AtomicInteger run = new AtomicInteger();
    AtomicLong ingestNanos = new AtomicLong();
    AtomicLong indexNanos = new AtomicLong();
    AtomicLong queryNanos = new AtomicLong();
    long startQueries = System.nanoTime();
    List<JsonNode> fresh = Collections.synchronizedList(new ArrayList<>());
    // Conversations are independent: one task each, as many at once as there are cores.
    int threads =
        Math.max(
            1,
            Math.min(
                Integer.getInteger(
                    "memdir.bench.threads", Runtime.getRuntime().availableProcessors()),
                data.conversations().size()));
    RunFolder.appendResults(
        out,
        threads,
        (pool, w) -> {
          List<Future<?>> tasks = new ArrayList<>();
          for (LocomoData.Conversation c : largestFirst(data.conversations())) {
            tasks.add(
                pool.submit(
                    () -> {
                      long i0 = System.nanoTime();
                      LocomoIngest.DiaMap map = ingestIfNeeded(c, ingestState);
                      ingestNanos.addAndGet(System.nanoTime() - i0);
                      if (c.questions().stream()
                          .allMatch(q -> done.contains(RunFolder.key(c.sampleId(), q.index())))) {
                        return null;
                      }
                      Map<String, String> turnText = turnTexts(c);
                      Map<String, Integer> tokenCounts = new HashMap<>();
                      try (Agent agent = Agent.open(out.resolve("agents").resolve(c.sampleId()))) {
                        long x0 = System.nanoTime();
                        Search search = agent.search();
                        search.feedback(params.feedback());
                        search.sessionWeight(RunParams.benchSession());
                        search.hopSlots(Integer.getInteger("memdir.bench.hop", 0));
                        // The first search brings the index its tool reads up to date (built
                        // here, as the agent was just written): only that one, not both.
                        warmUp(search);
                        indexNanos.addAndGet(System.nanoTime() - x0);
                        for (LocomoData.Question q : c.questions()) {
                          if (done.contains(RunFolder.key(c.sampleId(), q.index()))) {
                            continue;
                          }
                          long q0 = System.nanoTime();
                          ObjectNode line = answer(search, c, map, q, turnText, tokenCounts);
                          queryNanos.addAndGet(System.nanoTime() - q0);
                          RunFolder.appendLine(w, line);
                          fresh.add(line);
                          run.incrementAndGet();
                          showProgress(finished.incrementAndGet(), total, startQueries, run.get());
                        }
                      }
                      return null;
                    }));
          }
          return tasks;
        });
    endProgress();
    lines.addAll(fresh);
    RunFolder.sortLikeData(lines, data);
    timings.put("ingest_ms", ingestNanos.get() / 1_000_000);
    timings.put("index_ms", indexNanos.get() / 1_000_000);
    timings.put("questions_ms", queryNanos.get() / 1_000_000);
    long r0 = System.nanoTime();
    RunReport report = RunReport.of(params.ks(), lines);
    timings.put("report_ms", (System.nanoTime() - r0) / 1_000_000);
    timings.put("wall_ms", (System.nanoTime() - t0) / 1_000_000);
    ObjectNode json = report.toJson(reportHeader());
    json.set("timings_ms", JSON.valueToTree(timings));
    json.put("threads", threads);
    write("report.json", pretty(json));
    write("report.md", report.toMarkdown(markdownHeader(json)));
    write("recall.svg", report.toSvg());
    return new Outcome(report, run.get(), json);
  }

  /**
   * The conversations, the most work first (turns to ingest and index, and questions, each about
   * three turns' worth): the last to start are then the shortest, and neither thread waits long for
   * the other at the end. Results are written in the data's order whatever the order here.
   */
  static List<LocomoData.Conversation> largestFirst(List<LocomoData.Conversation> cs) {
    List<LocomoData.Conversation> out = new ArrayList<>(cs);
    out.sort(
        java.util.Comparator.comparingInt(
                (LocomoData.Conversation c) ->
                    c.sessions().stream().mapToInt(s -> s.turns().size()).sum()
                        + 3 * c.questions().size())
            .reversed());
    return out;
  }

  private ObjectNode answer(
      Search search,
      LocomoData.Conversation c,
      LocomoIngest.DiaMap map,
      LocomoData.Question q,
      Map<String, String> turnText,
      Map<String, Integer> tokenCounts) {
    QueryPolicy.Query query =
        QueryPolicy.of(
            q.question(),
            c.speakerA(),
            c.speakerB(),
            params.speakerPolicy(),
            params.dropNames(),
            params.dropFrameWords());
    List<String> ranking = rank(search, map, query);
    int found = ranking.size();
    List<String> full = pad(ranking, c, params.maxK());
    ObjectNode line = JSON.createObjectNode();
    line.put("sample_id", c.sampleId());
    line.put("question_index", q.index());
    line.put("category", q.category());
    q.evidence().forEach(line.putArray("evidence")::add);
    line.put("query", query.query());
    query.speaker().ifPresentOrElse(s -> line.put("speaker", s), () -> line.putNull("speaker"));
    line.put("found", found);
    ObjectNode retrieved = line.putObject("retrieved");
    ObjectNode recall = line.putObject("recall");
    ObjectNode recallN = line.putObject("recall_normalized");
    ObjectNode tokens = line.putObject("tokens");
    for (int k : params.ks()) {
      List<String> top = full.subList(0, Math.min(k, full.size()));
      ArrayNode ids = retrieved.putArray(String.valueOf(k));
      top.forEach(ids::add);
      recall.put(String.valueOf(k), Recall.official(q.evidence(), top));
      recallN.put(String.valueOf(k), Recall.normalized(q.normalizedEvidence(), top));
      int t = 0;
      for (String id : top) {
        t +=
            tokenCounts.computeIfAbsent(
                // "Ordinary": a turn that holds a special-token marker such as <|endoftext|> is
                // text like any other (countTokens would throw on it).
                id, x -> tokenizer.join().countTokensOrdinary(turnText.getOrDefault(x, "")));
      }
      tokens.put(String.valueOf(k), t);
    }
    return line;
  }

  private void warmUp(Search search) {
    if (params.layout() == LocomoIngest.Layout.HISTORY) {
      search.conversationSearch("x", List.of(), Optional.empty(), Optional.empty(), 1);
    } else {
      search.searchFiles("x", 1, Optional.empty());
    }
  }

  /** The ranking of turns the agent's own tool returns, deduplicated, best first. */
  private List<String> rank(Search search, LocomoIngest.DiaMap map, QueryPolicy.Query query) {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    int limit = Math.min(Search.MAX_LIMIT, params.maxK());
    if (params.layout() == LocomoIngest.Layout.HISTORY) {
      for (MessageHit h :
          search
              .conversationSearch(
                  query.query(),
                  List.of(),
                  Optional.empty(),
                  Optional.empty(),
                  limit,
                  query.speaker())
              .hits()) {
        map.diaIdOfRecord(h.id()).ifPresent(ids::add);
      }
    } else {
      for (FileHit h : search.searchFiles(query.query(), limit, query.speaker()).hits()) {
        for (int line = h.startLine(); line <= h.endLine(); line++) {
          map.diaId(h.file(), line).ifPresent(ids::add);
        }
      }
    }
    return new ArrayList<>(ids);
  }

  /**
   * Fills a ranking shorter than k so every list holds exactly k turns: first the turns next to
   * those found (±1, then ±2, ...), in rank order, then from the start of the conversation. How
   * many were found by the tool is recorded per question as {@code found}.
   */
  static List<String> pad(List<String> ranking, LocomoData.Conversation c, int k) {
    if (ranking.size() >= k) {
      return ranking.subList(0, k);
    }
    List<String> order = new ArrayList<>();
    c.sessions().forEach(s -> s.turns().forEach(t -> order.add(t.diaId())));
    Map<String, Integer> pos = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      pos.putIfAbsent(order.get(i), i);
    }
    LinkedHashSet<String> out = new LinkedHashSet<>(ranking);
    List<String> seeds = List.copyOf(ranking);
    for (int d = 1; out.size() < k && d < order.size() && !seeds.isEmpty(); d++) {
      for (String s : seeds) {
        Integer p = pos.get(s);
        for (int q : new int[] {p - d, p + d}) {
          if (q >= 0 && q < order.size() && out.size() < k) {
            out.add(order.get(q));
          }
        }
      }
    }
    for (int i = 0; i < order.size() && out.size() < k; i++) {
      out.add(order.get(i));
    }
    return new ArrayList<>(out).subList(0, Math.min(k, out.size()));
  }

  private Map<String, String> turnTexts(LocomoData.Conversation c) {
    Map<String, String> m = new HashMap<>();
    for (LocomoData.Session s : c.sessions()) {
      for (LocomoData.Turn t : s.turns()) {
        m.put(
            t.diaId(),
            t.speaker() + ": " + t.text() + t.caption().map(x -> " [image: " + x + "]").orElse(""));
      }
    }
    return m;
  }

  private void checkManifest() {
    RunFolder.checkManifest(out, manifest(), data.sha256(), progress);
  }

  private ObjectNode manifest() {
    ObjectNode m = RunFolder.manifest(data, params.toJson());
    RunFolder.putJvm(m);
    ObjectNode machine = m.putObject("machine");
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("arch", System.getProperty("os.arch"));
    machine.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("started", Instant.now().toString());
    return m;
  }

  private ObjectNode readIngestState() {
    Path ingestFile = out.resolve("ingest.json");
    if (!Files.exists(ingestFile)) {
      return JSON.createObjectNode();
    }
    try {
      return (ObjectNode) JSON.readTree(ingestFile.toFile());
    } catch (IOException | ClassCastException e) {
      throw new MemdirException(
          ingestFile + ": damaged (" + e.getMessage() + "); delete " + out + " and run again", e);
    }
  }

  /** The map of a conversation ingested earlier, or a fresh ingest (redone if interrupted). */
  private LocomoIngest.DiaMap ingestIfNeeded(LocomoData.Conversation c, ObjectNode state) {
    JsonNode done;
    synchronized (state) {
      done = state.get(c.sampleId());
    }
    Path dir = out.resolve("agents").resolve(c.sampleId());
    if (done != null) {
      if (JSON.valueToTree(LocomoIngest.fingerprint(dir)).equals(done.get("sizes"))) {
        return fromJson(c.sampleId(), done);
      }
      synchronized (progress) {
        progress.println(
            "the files of " + c.sampleId() + " changed since they were ingested; ingesting again");
      }
    }
    if (Files.exists(dir)) {
      synchronized (progress) {
        progress.println("redoing the interrupted ingest of " + c.sampleId());
      }
      LocomoIngest.deleteTree(dir);
    }
    LocomoIngest.DiaMap map = LocomoIngest.ingest(c, dir, params.layout(), params.search());
    ObjectNode entry = toJson(map);
    entry.set("sizes", JSON.valueToTree(LocomoIngest.fingerprint(dir)));
    synchronized (state) {
      state.set(c.sampleId(), entry);
      write("ingest.json", state.toString() + "\n");
    }
    return map;
  }

  private static ObjectNode toJson(LocomoIngest.DiaMap map) {
    ObjectNode o = JSON.createObjectNode();
    o.set("passages", JSON.valueToTree(map.passages()));
    o.set("records", JSON.valueToTree(map.records()));
    return o;
  }

  private static LocomoIngest.DiaMap fromJson(String sampleId, JsonNode n) {
    Map<String, String> passages = new LinkedHashMap<>();
    n.path("passages")
        .fields()
        .forEachRemaining(e -> passages.put(e.getKey(), e.getValue().asText()));
    Map<String, String> records = new LinkedHashMap<>();
    n.path("records")
        .fields()
        .forEachRemaining(e -> records.put(e.getKey(), e.getValue().asText()));
    return new LocomoIngest.DiaMap(sampleId, passages, records);
  }

  private List<JsonNode> readResults() {
    return RunFolder.readResults(out, progress);
  }

  private ObjectNode reportHeader() {
    ObjectNode h = JSON.createObjectNode();
    h.put("memdir_version", Version.get());
    h.put("data", data.file());
    h.put("data_sha256", data.sha256());
    h.set("params", params.toJson());
    h.set("data_notes", JSON.valueToTree(data.notes()));
    return h;
  }

  private String markdownHeader(ObjectNode json) {
    StringBuilder sb = new StringBuilder();
    sb.append("# LoCoMo retrieval run\n\n");
    sb.append("- data: `")
        .append(data.file())
        .append("` (sha256 `")
        .append(data.sha256())
        .append("`), ")
        .append(data.conversations().size())
        .append(" conversations, ")
        .append(data.questionCount())
        .append(" questions\n");
    sb.append("- memdir ")
        .append(Version.get())
        .append(", mode retrieval (no LLM), layout `")
        .append(params.layout().word())
        .append("`, tool `")
        .append(json.at("/params/tool").asText())
        .append("`\n");
    sb.append("- parameters: `").append(params.toJson()).append("`\n");
    sb.append(
            "- recall: per question, the share of its evidence found among the k retrieved turns; ")
        .append(
            "questions without evidence count 1; exactly k turns per list (short rankings padded with neighbouring turns)\n");
    sb.append("- timings (ms): `").append(JSON.valueToTree(timings).toString()).append("`\n");
    sb.append("\nData normalisation: ");
    List<String> notes = new ArrayList<>();
    data.notes().forEach((k, v) -> notes.add(k + " " + v));
    sb.append(String.join("; ", notes)).append(".\n");
    return sb.toString();
  }

  private synchronized void showProgress(int finished, int total, long start, int run) {
    if (!console && finished != total && finished % 100 != 0) {
      return;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double eta = run == 0 ? 0 : elapsed / run * (total - finished);
    int width = 30;
    int filled = (int) ((long) width * finished / Math.max(1, total));
    String bar = "[" + "=".repeat(filled) + " ".repeat(width - filled) + "]";
    String msg =
        String.format(Locale.ROOT, "%s %d/%d questions, ETA %.1f s", bar, finished, total, eta);
    if (console) {
      progress.print("\r" + msg);
    } else {
      progress.println(msg);
    }
    progress.flush();
  }

  private void endProgress() {
    if (console) {
      progress.println();
    }
  }

  private void write(String name, String text) {
    AtomicFiles.write(out.resolve(name), text);
  }

  private static String pretty(JsonNode n) {
    return RunFolder.pretty(n);
  }
}
