package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.agent.Reply;
import dev.memdir.agent.Step;
import dev.memdir.agent.Timings;
import dev.memdir.format.AtomicFiles;
import dev.memdir.history.HistoryLog;
import dev.memdir.history.Message;
import dev.memdir.history.Record;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import dev.memdir.llm.RetryPolicy;
import dev.memdir.llm.scripted.OpenAiReplies;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import dev.memdir.llm.scripted.ScriptedToolCall;
import dev.memdir.search.Search;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * memdir's own cost per agent step, with a 32k-token context window, at 1k, 10k and 100k history
 * records. Run with:
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Dexec.mainClass=dev.memdir.bench.AgentStepBenchmark
 * </pre>
 *
 * <p>Each agent's history holds N records: the older ones covered by a summary record, then 200
 * records of about 100 tokens each in the window (about 21k tokens with the system prompt, memory
 * and tool schemas; 27k by the end, under the 28.8k threshold, so no summary is made while
 * measuring). Each measured turn is two steps through the real OpenAI client and a scripted server
 * on 127.0.0.1: the model calls {@code memory_insert}, then answers. The step loop times each
 * step's parts itself ({@code Step.timings()}); the model's time (request, HTTP round trip, parsing
 * the reply) is measured apart and left out. What is reported is the rest: assembling the context
 * (reading memory, open windows, counting tokens), running the tools (a memory edit: lock,
 * compare-and-swap, fsync) and appending the step's records to the history.
 */
public final class AgentStepBenchmark {
  private static final int WINDOW_RECORDS = 180;
  private static final String FILLER =
      "The reviewers asked for another ablation on the retrieval depth, and the team agreed to"
          + " run it on the long-conversation benchmark before the camera-ready deadline, keeping"
          + " the token budget fixed at thirty-two thousand so the comparison stays fair to the"
          + " dense baseline.";

  /** The tools the measured turns call, in turn; the first argument may name others. */
  private static List<String> ROTATION =
      List.of("memory_insert", "archival_memory_search", "conversation_search");

  private AgentStepBenchmark() {}

  public static void main(String[] args) throws Exception {
    int[] sizes = {1_000, 10_000, 100_000};
    if (args.length > 0) {
      ROTATION = List.of(args[0].split(","));
    }
    int turns = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    if (args.length > 2 && args[2].equals("reverse")) {
      sizes = new int[] {100_000, 10_000, 1_000}; // later sizes get a warmer JIT: show both orders
    }
    Path root = Files.createTempDirectory("memdir-step-bench");
    try (ScriptedServer server = ScriptedServer.start()) {
      ChatModel model =
          ChatModels.open(
              ModelConfig.resolve(
                      "openai/gpt-4o-mini", Optional.of(server.openAiBaseUrl()), Map.of())
                  .withRetry(RetryPolicy.NONE)
                  .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60)));
      for (int w = 0; w < 2; w++) {
        measure(root.resolve("warmup" + w), 1_000, turns, server, model); // JIT warm-up
      }
      System.out.println(
          "| history records | context tokens | step kind | steps | overhead p50 | overhead p95 |"
              + " assemble p50 | tools p50 | append p50 | model (excluded) p50 |");
      System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
      List<String> ratios = new ArrayList<>();
      double[] base = new double[5];
      for (int n : sizes) {
        List<Step> steps = measure(root.resolve("n" + n), n, turns, server, model);
        String tokens =
            String.format(
                Locale.ROOT,
                "%,d–%,d",
                steps.stream().mapToLong(Step::contextTokens).min().orElse(0),
                steps.stream().mapToLong(Step::contextTokens).max().orElse(0));
        String[] names = {
          "memory_insert", "archival_memory_search", "conversation_search", "reply", "all"
        };
        List<List<Step>> kinds = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
          String tool = names[k];
          kinds.add(
              steps.stream()
                  .filter(s -> !s.toolRuns().isEmpty() && s.toolRuns().get(0).name().equals(tool))
                  .toList());
        }
        kinds.add(steps.stream().filter(s -> s.toolRuns().isEmpty()).toList());
        kinds.add(steps);
        for (int k = 0; k < names.length; k++) {
          double[] o = ms(kinds.get(k), Timings::overheadNanos);
          if (o.length == 0) {
            continue;
          }
          System.out.printf(
              Locale.ROOT,
              "| %,d | %s | %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms"
                  + " |%n",
              n,
              tokens,
              names[k],
              o.length,
              Stats.median(o),
              Stats.percentile(o, 95),
              Stats.median(ms(kinds.get(k), Timings::assembleNanos)),
              Stats.median(ms(kinds.get(k), Timings::toolNanos)),
              Stats.median(ms(kinds.get(k), Timings::appendNanos)),
              Stats.median(ms(kinds.get(k), Timings::modelNanos)));
          base[k] = base[k] == 0 ? Stats.median(o) : base[k];
          ratios.add(
              String.format(Locale.ROOT, "%s %,d: %.2f", names[k], n, Stats.median(o) / base[k]));
        }
      }
      System.out.println();
      System.out.println("overhead p50 relative to the first size: " + String.join("; ", ratios));
      double[] fsync = fsyncBaseline(root.resolve("fsync"));
      System.out.printf(
          Locale.ROOT,
          "baseline, an atomic fsynced write of a 1 KiB file (AtomicFiles.write): p50 %.2f ms,"
              + " p95 %.2f ms%n",
          Stats.median(fsync),
          Stats.percentile(fsync, 95));
    } finally {
      delete(root);
    }
  }

  private static double[] ms(List<Step> steps, ToLongFunction<Timings> part) {
    return steps.stream().mapToDouble(s -> part.applyAsLong(s.timings()) / 1e6).toArray();
  }

  private static List<Step> measure(
      Path dir, int records, int turns, ScriptedServer server, ChatModel model) throws IOException {
    fixture(dir, records);
    List<Step> steps = new ArrayList<>();
    try (Agent agent = Agent.open(dir)) {
      // The indexes are derived state built once (SearchBenchmark measures that); build them
      // before measuring so no step pays for it.
      agent
          .search()
          .archivalMemorySearch(
              "deadline", List.of(), Search.TagMatch.ANY, Optional.empty(), Optional.empty(), 5);
      agent
          .search()
          .conversationSearch("ablation", List.of(), Optional.empty(), Optional.empty(), 5);
      for (int t = 0; t < turns; t++) {
        ScriptedToolCall call =
            switch (ROTATION.get(t % ROTATION.size())) {
              case "memory_insert" ->
                  new ScriptedToolCall(
                      "call_" + t,
                      "memory_insert",
                      "{\"label\":\"human\",\"new_str\":\"Fact " + t + ".\"}");
              case "archival_memory_search" ->
                  new ScriptedToolCall(
                      "call_" + t,
                      "archival_memory_search",
                      "{\"query\":\"thesis deadline\",\"top_k\":2}");
              default ->
                  new ScriptedToolCall(
                      "call_" + t,
                      "conversation_search",
                      "{\"query\":\"ablation retrieval depth\",\"limit\":1}");
            };
        server.enqueue(summaryOr(OpenAiReplies.toolCalls(call)));
        server.enqueue(summaryOr(OpenAiReplies.text("Noted " + t + ".")));
        Reply r;
        try {
          r = agent.send("Please remember fact " + t + ".", model);
        } catch (RuntimeException e) {
          throw new IllegalStateException("turn " + t + " of " + dir.getFileName() + ": " + e, e);
        }
        if (r.steps().stream().anyMatch(s -> s.summaries() > 0)) {
          throw new IllegalStateException(
              "a summary was made at turn "
                  + t
                  + " ("
                  + r.steps().get(0).contextTokens()
                  + " tokens); the fixture is too large");
        }
        steps.addAll(r.steps());
        while (server.takeRequest(Duration.ZERO).isPresent()) {
          // drop the recorded requests
        }
      }
    }
    return steps;
  }

  /** {@code reply}, or a summary when the request asks for one (which fails the run). */
  private static ScriptedReply summaryOr(ScriptedReply reply) {
    return ScriptedReply.computed(
        req -> req.json().path("tools").isMissingNode() ? OpenAiReplies.text("A summary.") : reply);
  }

  /** Times of fsynced atomic writes of a small file, in ms: what a memory edit cannot avoid. */
  private static double[] fsyncBaseline(Path dir) throws IOException {
    Files.createDirectories(dir);
    byte[] kib = new byte[1024];
    double[] out = new double[200];
    for (int i = 0; i < out.length; i++) {
      long t = System.nanoTime();
      AtomicFiles.write(dir.resolve("block.md"), kib);
      out[i] = (System.nanoTime() - t) / 1e6;
    }
    return out;
  }

  /** An agent with {@code records} history records, the newest 200 in the window. */
  private static void fixture(Path dir, int records) throws IOException {
    Agent.init(dir, InitOptions.defaults()).close();
    Path yaml = dir.resolve("agent.yaml");
    String config = Files.readString(yaml);
    Files.writeString(yaml, config.replace("durability: turn", "durability: never"));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    int old = records - WINDOW_RECORDS - 1;
    try (Agent agent = Agent.open(dir, Clock.fixed(t0, ZoneOffset.UTC))) {
      HistoryLog log = agent.history();
      Record first = null;
      Record last = null;
      for (int i = 0; i < old; i++) {
        Message m =
            i % 2 == 0
                ? Message.user("Old message " + i + " about the project.")
                : Message.assistant("Old reply " + i + ".");
        last = log.append(m, t0.plusMillis(i));
        first = first == null ? last : first;
      }
      log.append(
          Message.summary(
              "Earlier, the user and the agent planned the paper's" + " experiments.",
              first.id(),
              last.id()),
          t0.plusMillis(old));
      for (int i = 0; i < WINDOW_RECORDS; i++) {
        Message m =
            i % 2 == 0
                ? Message.user(i + ": " + FILLER + " " + FILLER)
                : Message.assistant(i + ": " + FILLER + " " + FILLER);
        log.append(m, t0.plusMillis(old + 1 + i));
      }
      for (int i = 0; i < 20; i++) {
        agent
            .archival()
            .insert(
                "Deadline " + i + ": the thesis chapter " + i + " is due.", List.of("deadlines"));
      }
      if (agent.messageCount() != records) {
        throw new IllegalStateException("fixture has " + agent.messageCount() + " records");
      }
    }
    Files.writeString(yaml, config);
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
