package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.Agent;
import dev.memdir.MemdirException;
import dev.memdir.Version;
import dev.memdir.agent.AgentParts;
import dev.memdir.agent.Reply;
import dev.memdir.agent.Runner;
import dev.memdir.agent.TurnListener;
import dev.memdir.format.AgentConfig;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.Durability;
import dev.memdir.format.Layout;
import dev.memdir.format.ToolRules;
import dev.memdir.format.WriteLock;
import dev.memdir.history.HistoryLog;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatRequest;
import dev.memdir.llm.ToolChoice;
import dev.memdir.llm.UserMessage;
import dev.memdir.search.FileWindow;
import dev.memdir.search.Search;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One answering run of LoCoMo: every question in scope is answered by a model and scored with the
 * official F1.
 *
 * <ul>
 *   <li>{@code agent}: each conversation is an agent directory (one file per session); each
 *       question is one turn of the same {@link Runner} {@code memdir send} uses (context assembly,
 *       tools, tool rules, max steps) over that agent's memory, files and search, with a scratch
 *       history of its own, deleted after the question: questions never see each other's turns and
 *       never write into the agent's history. Open file windows are closed before each question.
 *       The clock shown to the model is fixed (noon of the day after the last session), so a rerun
 *       sends the same requests and is answered from the cache.
 *   <li>{@code full-context}: the whole conversation in one prompt, rendered as LoCoMo's code does.
 *   <li>{@code oracle}: the same prompt with only the question's evidence turns.
 * </ul>
 *
 * <p>What entered the context is every turn whose line appears in a request the model was sent
 * (search hits, grep matches, opened windows, tool results): its dia_ids are scored for evidence
 * recall and tell a wrong answer's cause apart. Resuming works as in retrieval mode.
 */
final class AnswerRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A wrong answer: official F1 below this. */
  static final double CORRECT_F1 = 0.5;

  /** LoCoMo's {@code num_tokens_request} for an answer. */
  static final int CONTEXT_MAX_TOKENS = 32;

  /** The tools of a benchmark agent: retrieval, and the terminal answer tool. */
  static final List<String> TOOLS =
      List.of(
          "search_files",
          "grep_files",
          "open_files",
          "close_files",
          "conversation_search",
          "send_message");

  /** The agent must search before it answers (Letta's setup). */
  static final ToolRules RULES =
      new ToolRules(List.of("search_files", "grep_files"), List.of(), List.of());

  /** How the questions are answered. */
  enum Mode {
    AGENT("agent"),
    FULL_CONTEXT("full-context"),
    ORACLE("oracle");

    private final String word;

    Mode(String word) {
      this.word = word;
    }

    String word() {
      return word;
    }

    static Mode of(String word) {
      for (Mode m : values()) {
        if (m.word.equals(word)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "--mode must be retrieval, agent, full-context or oracle, got \"" + word + "\"");
    }
  }

  /**
   * Every parameter that changes the answers; a run folder is resumed only with the same ones.
   *
   * @param mode how questions are answered
   * @param model PROVIDER/NAME
   * @param baseUrl the server, when not the provider's
   * @param conversations the sample_ids in scope; empty for all
   * @param limit the most questions, in data order; 0 for all
   */
  record Params(
      Mode mode, String model, Optional<String> baseUrl, List<String> conversations, int limit) {
    Params {
      conversations = List.copyOf(conversations);
      if (limit < 0) {
        throw new IllegalArgumentException("--limit must be 0 or more, got " + limit);
      }
    }

    ObjectNode toJson() {
      ObjectNode o = JSON.createObjectNode();
      o.put("mode", mode.word());
      o.put("model", model);
      baseUrl.ifPresentOrElse(u -> o.put("base_url", u), () -> o.putNull("base_url"));
      conversations.forEach(o.putArray("conversations")::add);
      o.put("limit", limit);
      if (mode == Mode.AGENT) {
        o.put("layout", "files");
        TOOLS.forEach(o.putArray("tools")::add);
        RULES.runFirst().forEach(o.putObject("tool_rules").putArray("run_first")::add);
        o.put("max_steps", AgentConfig.defaults("x").maxSteps());
        o.put("temperature", "provider default");
        o.set("search", RunParams.defaults().toJson().get("search"));
        o.set("prompts", JSON.valueToTree(AnswerPrompts.hashes(AnswerPrompts.AGENT)));
      } else {
        o.put("max_tokens", CONTEXT_MAX_TOKENS);
        o.put("temperature", 0.0);
        o.set(
            "prompts",
            JSON.valueToTree(
                AnswerPrompts.hashes(
                    AnswerPrompts.CONTEXT_START,
                    AnswerPrompts.CONTEXT_QUESTION,
                    AnswerPrompts.CONTEXT_QUESTION_CAT5)));
      }
      o.put("correct_f1", CORRECT_F1);
      return o;
    }
  }

  /**
   * The outcome.
   *
   * @param report the report as written
   * @param questionsRun questions answered by this invocation (the rest were resumed)
   */
  record Outcome(ObjectNode report, int questionsRun) {}

  private final LocomoData data;
  private final Params params;
  private final ChatModel model;
  private final Path out;
  private final PrintWriter progress;
  private final int parallel;
  private Optional<Judge> judge = Optional.empty();
  private Optional<Path> answerKey = Optional.empty();
  private SharedBackoff backoff = SharedBackoff.defaults();

  AnswerRun(
      LocomoData data,
      Params params,
      ChatModel model,
      Path out,
      PrintWriter progress,
      int parallel) {
    if (parallel < 1) {
      throw new IllegalArgumentException("--parallel must be 1 or more, got " + parallel);
    }
    this.data = data;
    this.params = params;
    this.model = model;
    this.out = out;
    this.progress = progress;
    this.parallel = parallel;
  }

  /**
   * Has {@code j} judge the answers when the report is made (a re-score is answered by the cache).
   */
  AnswerRun judgedBy(Judge j) {
    this.judge = Optional.of(j);
    return this;
  }

  /** Waits out rate limits with {@code b}, shared by all workers. */
  AnswerRun withBackoff(SharedBackoff b) {
    this.backoff = b;
    return this;
  }

  /** Also scores the answers under the corrected gold answers of {@code file}. */
  AnswerRun withAnswerKey(Path file) {
    this.answerKey = Optional.of(file);
    return this;
  }

  /** The questions in scope: the chosen conversations, then the first {@code limit}. */
  static List<LocomoData.Question> scope(LocomoData data, Params p) {
    Set<String> known = new HashSet<>();
    data.conversations().forEach(c -> known.add(c.sampleId()));
    for (String id : p.conversations()) {
      if (!known.contains(id)) {
        throw new IllegalArgumentException(
            "--conversations: " + data.file() + " has no conversation \"" + id + "\"");
      }
    }
    List<LocomoData.Question> qs = new ArrayList<>();
    for (LocomoData.Conversation c : data.conversations()) {
      if (p.conversations().isEmpty() || p.conversations().contains(c.sampleId())) {
        qs.addAll(c.questions());
      }
    }
    return p.limit() > 0 && qs.size() > p.limit() ? qs.subList(0, p.limit()) : qs;
  }

  Outcome run() {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new MemdirException("cannot create " + out + ": " + e.getMessage(), e);
    }
    RunFolder.checkManifest(out, manifest(), data.sha256(), progress);
    List<JsonNode> lines = RunFolder.readResults(out, progress);
    Set<String> done = new HashSet<>();
    lines.forEach(
        l -> done.add(RunFolder.key(l.get("sample_id").asText(), l.get("question_index").asInt())));
    List<LocomoData.Question> scope = scope(data, params);
    Map<String, List<LocomoData.Question>> byConversation = new LinkedHashMap<>();
    for (LocomoData.Question q : scope) {
      if (!done.contains(RunFolder.key(q.sampleId(), q.index()))) {
        byConversation.computeIfAbsent(q.sampleId(), x -> new ArrayList<>()).add(q);
      }
    }
    AtomicInteger run = new AtomicInteger();
    List<JsonNode> fresh = java.util.Collections.synchronizedList(new ArrayList<>());
    RunFolder.appendResults(
        out,
        parallel,
        (pool, w) -> {
          List<Future<?>> tasks = new ArrayList<>();
          for (LocomoData.Conversation c : data.conversations()) {
            List<LocomoData.Question> todo = byConversation.get(c.sampleId());
            if (todo == null) {
              continue;
            }
            // An agent's questions share its open windows: one task per conversation. Context
            // questions share nothing: one task each.
            List<List<LocomoData.Question>> parts =
                params.mode() == Mode.AGENT ? List.of(todo) : todo.stream().map(List::of).toList();
            for (List<LocomoData.Question> part : parts) {
              tasks.add(
                  pool.submit(
                      () -> {
                        for (JsonNode line : answerAll(c, part)) {
                          RunFolder.appendLine(w, line);
                          fresh.add(line);
                          int n = run.incrementAndGet();
                          if (n % 50 == 0) {
                            synchronized (progress) {
                              progress.println(n + " questions answered");
                              progress.flush();
                            }
                          }
                        }
                        return null;
                      }));
            }
          }
          return tasks;
        });
    lines.addAll(fresh);
    RunFolder.sortLikeData(lines, data);
    ObjectNode header = JSON.createObjectNode();
    header.put("memdir_version", Version.get());
    header.put("data", data.file());
    header.put("data_sha256", data.sha256());
    header.set("params", params.toJson());
    ObjectNode report = AnswerReport.of(lines, header);
    Prices.price(out, params.model(), (ObjectNode) report.get("cost"));
    ((ObjectNode) report.get("cost")).put("rate_limit_waits", backoff.waits());
    if (answerKey.isPresent()) {
      report.set("answer_key", AnswerKey.apply(answerKey.get(), data, lines));
    }
    if (judge.isPresent()) {
      report.set("judge", judge.get().judge(lines, out));
    }
    AtomicFiles.write(out.resolve("report.json"), RunFolder.pretty(report));
    AtomicFiles.write(out.resolve("report.md"), AnswerReport.markdown(report));
    return new Outcome(report, run.get());
  }

  private List<JsonNode> answerAll(LocomoData.Conversation c, List<LocomoData.Question> todo) {
    Map<String, String> lineOf = turnLines(c);
    List<JsonNode> result = new ArrayList<>();
    if (params.mode() != Mode.AGENT) {
      for (LocomoData.Question q : todo) {
        result.add(answerInContext(c, q));
      }
      return result;
    }
    Path dir = ingest(c);
    try (Agent agent = Agent.open(dir)) {
      Search search = agent.search();
      search.reindex();
      Clock clock = Clock.fixed(after(c), ZoneOffset.UTC);
      for (LocomoData.Question q : todo) {
        result.add(answerAsAgent(agent, search, clock, c, q, lineOf));
      }
    }
    return result;
  }

  /** The agent directory of {@code c}, ingested unless a finished ingest is there. */
  private Path ingest(LocomoData.Conversation c) {
    Path dir = out.resolve("agents").resolve(c.sampleId());
    Path marker = dir.resolve(".memdir").resolve("locomo-ingested");
    if (Files.exists(marker)) {
      return dir;
    }
    LocomoIngest.deleteTree(dir);
    LocomoIngest.ingest(c, dir, LocomoIngest.Layout.FILES, RunParams.benchSearch());
    try (Agent a = Agent.open(dir)) {
      AtomicFiles.write(
          a.layout().agentYaml(),
          a.config().withModel(params.model()).withTools(TOOLS, RULES).toYaml());
    }
    AtomicFiles.write(marker, "ingested by memdir bench locomo\n");
    return dir;
  }

  /** Noon of the day after the last session: the agent's "now", the same on every run. */
  static Instant after(LocomoData.Conversation c) {
    Optional<LocalDateTime> last = Optional.empty();
    for (LocomoData.Session s : c.sessions()) {
      if (s.date().isPresent()) {
        last = s.date();
      }
    }
    return last.map(d -> d.toLocalDate().plusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC))
        .orElse(Instant.parse("2000-01-01T12:00:00Z"));
  }

  private ObjectNode answerAsAgent(
      Agent agent,
      Search search,
      Clock clock,
      LocomoData.Conversation c,
      LocomoData.Question q,
      Map<String, String> lineOf) {
    closeWindows(search);
    AnswerPrompts.Asked asked = AnswerPrompts.ask(q);
    String message =
        AnswerPrompts.fill(
            AnswerPrompts.text(AnswerPrompts.AGENT),
            Map.of("speaker_a", c.speakerA(), "speaker_b", c.speakerB(), "question", asked.text()));
    Path scratch = out.resolve("scratch").resolve(c.sampleId() + "-" + q.index());
    LocomoIngest.deleteTree(scratch);
    CachedModel qm = new CachedModel(model, out.resolve("cache"), backoff);
    long t0 = System.nanoTime();
    Reply reply;
    Layout scratchLayout = new Layout(scratch);
    try (HistoryLog history =
        HistoryLog.open(
            scratchLayout,
            Durability.NEVER,
            WriteLock.of(scratchLayout, WriteLock.DEFAULT_WAIT),
            clock)) {
      Runner runner =
          new Runner(
              new AgentParts(
                  agent.layout(),
                  agent.config(),
                  agent.memory(),
                  agent.archival(),
                  history,
                  search,
                  clock,
                  agent::systemPrompt,
                  agent::fileCount));
      reply = runner.send(message, qm, TurnListener.NONE);
    } finally {
      LocomoIngest.deleteTree(scratch);
      closeWindows(search);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Set<String> entered = new LinkedHashSet<>();
    for (ChatRequest r : qm.requests()) {
      String text = CachedModel.text(r);
      lineOf.forEach(
          (id, line) -> {
            if (text.contains(line)) {
              entered.add(id);
            }
          });
    }
    int toolCalls = reply.steps().stream().mapToInt(s -> s.toolRuns().size()).sum();
    ObjectNode line = base(q, asked, reply.text(), new ArrayList<>(entered), qm, ms);
    line.put("tool_calls", toolCalls);
    line.put("steps", reply.steps().size());
    line.put("ending", reply.ending().word());
    return line;
  }

  private ObjectNode answerInContext(LocomoData.Conversation c, LocomoData.Question q) {
    AnswerPrompts.Asked asked = AnswerPrompts.ask(q);
    Set<String> only =
        params.mode() == Mode.ORACLE ? new HashSet<>(q.normalizedEvidence()) : Set.of();
    List<String> shown = new ArrayList<>();
    String prompt =
        AnswerPrompts.fill(
                AnswerPrompts.text(AnswerPrompts.CONTEXT_START),
                Map.of("speaker_a", c.speakerA(), "speaker_b", c.speakerB()))
            + render(c, params.mode() == Mode.ORACLE ? Optional.of(only) : Optional.empty(), shown)
            + "\n\n"
            + AnswerPrompts.fill(
                AnswerPrompts.text(
                    asked.isChoice()
                        ? AnswerPrompts.CONTEXT_QUESTION_CAT5
                        : AnswerPrompts.CONTEXT_QUESTION),
                Map.of("question", asked.text()));
    CachedModel qm = new CachedModel(model, out.resolve("cache"), backoff);
    long t0 = System.nanoTime();
    String reply =
        qm.chat(
                new ChatRequest(
                    List.of(new UserMessage(prompt)),
                    List.of(),
                    CONTEXT_MAX_TOKENS,
                    ToolChoice.AUTO,
                    Optional.of(0.0)))
            .text();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    ObjectNode line = base(q, asked, reply, shown, qm, ms);
    line.put("tool_calls", 0);
    line.put("steps", 1);
    line.put("ending", "reply");
    return line;
  }

  /**
   * The conversation as LoCoMo's {@code get_input_context} renders it: per session {@code DATE:
   * <date>}, {@code CONVERSATION:}, then {@code Speaker said, "text"} lines (with {@code [shares
   * caption]} after a turn with an image). Its loop appends a blank line per session to the end of
   * the text, not between sessions; so does this. With {@code only}, just those turns (and the
   * sessions holding them).
   */
  static String render(LocomoData.Conversation c, Optional<Set<String>> only, List<String> shown) {
    StringBuilder sb = new StringBuilder();
    int sessions = 0;
    for (LocomoData.Session s : c.sessions()) {
      StringBuilder turns = new StringBuilder();
      for (LocomoData.Turn t : s.turns()) {
        if (only.isPresent() && !only.get().contains(t.diaId())) {
          continue;
        }
        shown.add(t.diaId());
        turns.append(t.speaker()).append(" said, \"").append(t.text()).append("\"\n");
        t.caption().ifPresent(cap -> turns.append("[shares ").append(cap).append("]\n"));
      }
      if (only.isPresent() && turns.length() == 0) {
        continue;
      }
      sessions++;
      sb.append("DATE: ").append(s.dateText()).append("\nCONVERSATION:\n").append(turns);
    }
    return sb.append("\n\n".repeat(sessions)).toString();
  }

  private ObjectNode base(
      LocomoData.Question q,
      AnswerPrompts.Asked asked,
      String reply,
      List<String> entered,
      CachedModel qm,
      long ms) {
    String prediction = asked.prediction(reply);
    double f1 = OfficialF1.score(q.category(), prediction, q.answer());
    ObjectNode line = JSON.createObjectNode();
    line.put("sample_id", q.sampleId());
    line.put("question_index", q.index());
    line.put("category", q.category());
    line.put("question", q.question());
    line.put("asked", asked.text());
    line.put("answer", q.answer());
    line.put("prediction", prediction);
    line.put("reply", reply);
    line.put("f1", f1);
    q.evidence().forEach(line.putArray("evidence")::add);
    entered.forEach(line.putArray("context_dia_ids")::add);
    line.put("evidence_recall", Recall.official(q.evidence(), entered));
    line.put("evidence_recall_normalized", Recall.normalized(q.normalizedEvidence(), entered));
    line.put("diagnosis", diagnosis(f1, q.normalizedEvidence(), entered));
    line.put("tokens_in", qm.usage().inputTokens());
    line.put("tokens_out", qm.usage().outputTokens());
    line.put("latency_ms", ms);
    line.put("model_calls", qm.calls());
    line.put("cache_hits", qm.hits());
    return line;
  }

  /** Closes every open file window: a question starts, and leaves the agent, with none. */
  private static void closeWindows(Search search) {
    List<String> open = new ArrayList<>();
    for (FileWindow fw : search.openWindows().hits()) {
      open.add(fw.file());
    }
    if (!open.isEmpty()) {
      search.closeFiles(open);
    }
  }

  /**
   * {@code correct}; else {@code retrieval_miss} (none of the evidence reached the context), {@code
   * answer_error} (some did) or {@code no_evidence} (the question lists none that resolves).
   */
  static String diagnosis(double f1, List<String> evidence, List<String> entered) {
    if (f1 >= CORRECT_F1) {
      return "correct";
    }
    if (evidence.isEmpty()) {
      return "no_evidence";
    }
    return evidence.stream().anyMatch(entered::contains) ? "answer_error" : "retrieval_miss";
  }

  /** Each turn's line as the conversation log writes it, by dia_id. */
  static Map<String, String> turnLines(LocomoData.Conversation c) {
    Map<String, String> m = new LinkedHashMap<>();
    for (LocomoData.Session s : c.sessions()) {
      for (LocomoData.Turn t : s.turns()) {
        m.put(
            t.diaId(),
            ConversationLogWriter.oneLine(t.speaker())
                + ": "
                + ConversationLogWriter.oneLine(t.text())
                + t.caption()
                    .map(cap -> " [image: " + ConversationLogWriter.oneLine(cap) + "]")
                    .orElse(""));
      }
    }
    return m;
  }

  private ObjectNode manifest() {
    ObjectNode m = RunFolder.manifest(data, params.toJson());
    m.put("parallel", parallel);
    RunFolder.putJvm(m);
    m.put("started", Instant.now().toString());
    return m;
  }
}
