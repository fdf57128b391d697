package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.llm.scripted.ScriptedReply;
import dev.memdir.llm.scripted.ScriptedServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The harness's own cost per LoCoMo question, with a scripted model of fixed latency on 127.0.0.1,
 * and the speed-up of {@code --parallel 8}. Run with:
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.memdir.bench.locomo.AnswerRunBenchmark
 * </pre>
 *
 * <p>The data is synthetic (8 conversations of 3 sessions × 20 turns, 10 questions each), written
 * here. Overhead per question = the question's wall time minus its model calls × the model's
 * latency: context assembly, tools, search, cache writes, scoring.
 */
public final class AnswerRunBenchmark {
  static final Duration LATENCY = Duration.ofMillis(100);
  static final String[] THINGS = {
    "kayak",
    "violin",
    "garden",
    "bakery",
    "marathon",
    "museum",
    "puppy",
    "telescope",
    "pottery",
    "bicycle"
  };

  private AnswerRunBenchmark() {}

  static LocomoData data(int conversations) {
    StringBuilder sb = new StringBuilder("[");
    for (int c = 0; c < conversations; c++) {
      String a = "Ana" + c;
      String b = "Ben" + c;
      sb.append(c == 0 ? "" : ",").append("{\"sample_id\": \"syn-").append(c).append("\",");
      sb.append("\"conversation\": {\"speaker_a\": \"").append(a);
      sb.append("\", \"speaker_b\": \"").append(b).append("\"");
      for (int s = 1; s <= 3; s++) {
        sb.append(
            String.format(
                Locale.ROOT, ", \"session_%d_date_time\": \"10:00 am on %d May, 2023\"", s, s * 3));
        sb.append(", \"session_").append(s).append("\": [");
        for (int t = 1; t <= 20; t++) {
          String thing = THINGS[(s * 20 + t) % THINGS.length];
          sb.append(t == 1 ? "" : ",")
              .append(
                  String.format(
                      Locale.ROOT,
                      "{\"speaker\": \"%s\", \"dia_id\": \"D%d:%d\", \"text\": \"On day %d I talked about the %s number %d with friends.\"}",
                      t % 2 == 1 ? a : b,
                      s,
                      t,
                      s * 3,
                      thing,
                      s * 100 + t));
        }
        sb.append("]");
      }
      sb.append("}, \"qa\": [");
      for (int q = 0; q < 10; q++) {
        int s = 1 + q % 3;
        int t = 1 + (q * 7) % 20;
        sb.append(q == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "{\"question\": \"What did %s say about the %s number %d?\", \"answer\": \"talked with friends\", \"evidence\": [\"D%d:%d\"], \"category\": %d}",
                    t % 2 == 1 ? a : b,
                    THINGS[(s * 20 + t) % THINGS.length],
                    s * 100 + t,
                    s,
                    t,
                    1 + q % 4));
      }
      sb.append("]}");
    }
    return LocomoData.parse(
        sb.append("]").toString().getBytes(StandardCharsets.UTF_8), "synthetic.json");
  }

  record Result(
      long wallMs, double overheadMeanMs, long overheadP50Ms, long overheadP95Ms, int questions) {}

  static Result run(AnswerRun.Mode mode, int parallel, Path out) throws Exception {
    LocomoData d = data(8);
    try (ScriptedServer server = ScriptedServer.start()) {
      for (int i = 0; i < 80 * 4; i++) {
        server.enqueue(ScriptedReply.computed(r -> ScriptedAnswerer.reply(r).withDelay(LATENCY)));
      }
      long t0 = System.nanoTime();
      new AnswerRun(
              d,
              new AnswerRun.Params(mode, "openai/gpt-4o-mini", Optional.empty(), List.of(), 0),
              ScriptedAnswerer.model(server),
              out,
              new PrintWriter(new StringWriter(), true),
              parallel)
          .run();
      long wall = (System.nanoTime() - t0) / 1_000_000;
      List<Long> overhead = new ArrayList<>();
      for (JsonNode l : LocomoRunTest.results(out)) {
        overhead.add(
            l.get("latency_ms").asLong() - l.get("model_calls").asLong() * LATENCY.toMillis());
      }
      overhead.sort(null);
      double mean = overhead.stream().mapToLong(Long::longValue).average().orElse(0);
      return new Result(
          wall,
          mean,
          AnswerReport.percentile(overhead, 50),
          AnswerReport.percentile(overhead, 95),
          overhead.size());
    }
  }

  /**
   * With {@code tokens FILE}: the o200k_base tokens (gpt-4o-mini's and gpt-4.1-mini's tokenizer) of
   * every full-context and oracle prompt of FILE, so the cost of those baselines is known before a
   * run; no model is called.
   */
  static void tokens(Path file) {
    LocomoData d = LocomoData.read(file);
    com.knuddels.jtokkit.api.Encoding enc =
        com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
            .getEncoding(com.knuddels.jtokkit.api.EncodingType.O200K_BASE);
    long full = 0;
    long oracle = 0;
    int questions = 0;
    for (LocomoData.Conversation c : d.conversations()) {
      String start =
          AnswerPrompts.fill(
              AnswerPrompts.text(AnswerPrompts.CONTEXT_START),
              java.util.Map.of("speaker_a", c.speakerA(), "speaker_b", c.speakerB()));
      int conv =
          enc.countTokensOrdinary(start + AnswerRun.render(c, Optional.empty(), new ArrayList<>()));
      for (LocomoData.Question q : c.questions()) {
        String ask =
            AnswerPrompts.fill(
                AnswerPrompts.text(AnswerPrompts.CONTEXT_QUESTION),
                java.util.Map.of("question", AnswerPrompts.ask(q).text()));
        int qt = enc.countTokensOrdinary("\n\n" + ask);
        full += conv + qt;
        oracle +=
            enc.countTokensOrdinary(
                    start
                        + AnswerRun.render(
                            c,
                            Optional.of(new java.util.HashSet<>(q.normalizedEvidence())),
                            new ArrayList<>()))
                + qt;
        questions++;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %d questions; full-context input %d tokens (%.0f per question); oracle %d (%.0f per question)%n",
        file,
        questions,
        full,
        (double) full / questions,
        oracle,
        (double) oracle / questions);
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("tokens")) {
      tokens(Path.of(args[1]));
      return;
    }
    Path tmp = Files.createTempDirectory("locomo-bench");
    System.out.printf(
        Locale.ROOT,
        "model latency %d ms per call; %d cpus%n",
        LATENCY.toMillis(),
        Runtime.getRuntime().availableProcessors());
    for (AnswerRun.Mode mode :
        new AnswerRun.Mode[] {AnswerRun.Mode.AGENT, AnswerRun.Mode.FULL_CONTEXT}) {
      // A first run warms the JVM; its folder is thrown away.
      run(mode, 1, tmp.resolve(mode.word() + "-warm"));
      Result one = run(mode, 1, tmp.resolve(mode.word() + "-1"));
      Result eight = run(mode, 8, tmp.resolve(mode.word() + "-8"));
      System.out.printf(
          Locale.ROOT,
          "%-12s %d questions: overhead per question mean %.1f ms, p50 %d ms, p95 %d ms;"
              + " wall --parallel 1: %d ms, --parallel 8: %d ms (x%.1f)%n",
          mode.word(),
          one.questions(),
          one.overheadMeanMs(),
          one.overheadP50Ms(),
          one.overheadP95Ms(),
          one.wallMs(),
          eight.wallMs(),
          (double) one.wallMs() / eight.wallMs());
    }
  }
}
