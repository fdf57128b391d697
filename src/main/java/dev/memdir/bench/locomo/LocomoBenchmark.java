package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memdir.format.SearchSettings;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatModels;
import dev.memdir.llm.ModelConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The public entry of the retrieval benchmark, for the command line. */
public final class LocomoBenchmark {
  private LocomoBenchmark() {}

  /**
   * What the command line may set; empty means the agent default.
   *
   * @param layout files, history or both
   * @param k1 BM25 k1
   * @param b BM25 b
   * @param window turns either side indexed with each turn
   * @param neighbours turns either side a hit brings
   * @param neighbourWeight a neighbour's score as a fraction of its hit's
   * @param replyWeight the same for the turn after a hit that asks a question
   * @param questionWeight score factor for a turn that asks a question
   * @param speakerBoost score factor for the named speaker's turns
   * @param speakerGate the boost's gate
   * @param hypernymWeight the weight of a query word found among a turn's hypernyms
   * @param speakerPolicy whether the query policy passes a speaker
   * @param dropNames whether the query policy drops the speakers' names from the query
   * @param dropFrameWords whether the query policy drops the question's frame words
   */
  public record Options(
      String layout,
      Optional<Double> k1,
      Optional<Double> b,
      Optional<Integer> window,
      Optional<Integer> neighbours,
      Optional<Double> neighbourWeight,
      Optional<Double> replyWeight,
      Optional<Double> questionWeight,
      Optional<Double> speakerBoost,
      Optional<Double> speakerGate,
      Optional<Double> hypernymWeight,
      boolean speakerPolicy,
      boolean dropNames,
      boolean dropFrameWords) {}

  /**
   * What a run printed and measured.
   *
   * @param text a summary table for the terminal
   * @param recallAt10 overall official recall at k = 10
   */
  public record Summary(String text, double recallAt10) {}

  /** {@code runs/locomo-<UTC time>}. */
  public static Path defaultOut() {
    return LocomoRun.defaultOut(Instant.now());
  }

  /** Runs (or resumes) the benchmark on {@code data} into {@code out}. */
  public static Summary run(Path data, Path out, Options o, PrintWriter progress, boolean console) {
    RunParams params = params(o);
    long t0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    LocomoRun.startTokenizer();
    LocomoData d = LocomoData.read(data);
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    LocomoRun.Outcome r = new LocomoRun(d, params, out, progress, console).run();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%d questions (%d answered now), %s layout; data loaded in %d ms%n",
            d.questionCount(),
            r.questionsRun(),
            params.layout().word(),
            loadMs));
    long cpuMs = (processCpuNanos() - cpu0) / 1_000_000;
    sb.append("evidence recall, official convention:\n");
    String[] groups = {"overall", "cats_1_4", "1", "2", "3", "4", "5"};
    java.util.List<String> labels = new java.util.ArrayList<>();
    for (String g : groups) {
      labels.add(
          g.matches("\\d") ? "cat " + g + " " + Category.of(Integer.parseInt(g)).locomoName() : g);
    }
    // As wide as the longest name: a cut name ("cat 1 multi-") reads as another category.
    String cell = "  %-" + labels.stream().mapToInt(String::length).max().orElse(5) + "s";
    sb.append(String.format(Locale.ROOT, cell, "group"));
    params.ks().forEach(k -> sb.append(String.format(Locale.ROOT, " %6s", "R@" + k)));
    sb.append('\n');
    for (int i = 0; i < groups.length; i++) {
      sb.append(String.format(Locale.ROOT, cell, labels.get(i)));
      for (int k : params.ks()) {
        double v = r.report().recall(groups[i], k);
        sb.append(
            Double.isNaN(v)
                ? String.format(Locale.ROOT, " %6s", "-")
                : String.format(Locale.ROOT, " %6.1f", 100 * v));
      }
      sb.append('\n');
    }
    sb.append(timings(r.reportJson(), cpuMs));
    sb.append("report: ").append(out.resolve("report.md")).append('\n');
    double r10 = params.ks().contains(10) ? r.report().recall("overall", 10) : Double.NaN;
    return new Summary(sb.toString(), r10);
  }

  /**
   * The run's times, labelled: wall and CPU of this process, then each stage's time summed over the
   * threads that ran it (so a stage can take longer than the wall time).
   */
  private static String timings(com.fasterxml.jackson.databind.JsonNode json, long cpuMs) {
    com.fasterxml.jackson.databind.JsonNode t = json.path("timings_ms");
    java.text.NumberFormat n = java.text.NumberFormat.getIntegerInstance(Locale.ROOT);
    int threads = Math.max(1, json.path("threads").asInt(1));
    return "time: wall "
        + n.format(t.path("wall_ms").asLong())
        + " ms, CPU "
        + n.format(cpuMs)
        + " ms (this process, data loading included)\n"
        + "  stages, summed over "
        + threads
        + (threads == 1 ? " thread" : " threads")
        + ": ingest "
        + n.format(t.path("ingest_ms").asLong())
        + " ms, index "
        + n.format(t.path("index_ms").asLong())
        + " ms, questions "
        + n.format(t.path("questions_ms").asLong())
        + " ms; report "
        + n.format(t.path("report_ms").asLong())
        + " ms\n";
  }

  /** The CPU time of this process so far, all threads; 0 where the JVM cannot tell. */
  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return Math.max(0, sun.getProcessCpuTime());
    }
    return 0;
  }

  /**
   * What an answering run may be given.
   *
   * @param mode agent, full-context or oracle
   * @param model PROVIDER/NAME
   * @param baseUrl the server, when not the provider's
   * @param conversations the sample_ids to run; empty for all
   * @param limit the most questions, in data order; 0 for all
   * @param parallel conversations answered at once
   * @param judge the judge model, PROVIDER/NAME, if any
   * @param judgeBaseUrl the judge's server, when not the provider's
   * @param judgePrompt mem0 or strict
   * @param judgeRuns how many times each answer is judged
   * @param answerKey a file of corrected gold answers, if any
   */
  public record AnswerOptions(
      String mode,
      String model,
      Optional<String> baseUrl,
      List<String> conversations,
      int limit,
      int parallel,
      Optional<String> judge,
      Optional<String> judgeBaseUrl,
      String judgePrompt,
      int judgeRuns,
      Optional<Path> answerKey) {}

  /**
   * Runs (or resumes) an answering run: the model answers every question in scope, in {@code
   * o.mode()}; the key comes from the environment.
   */
  public static Summary answer(Path data, Path out, AnswerOptions o, PrintWriter progress) {
    AnswerRun.Params p =
        new AnswerRun.Params(
            AnswerRun.Mode.of(o.mode()), o.model(), o.baseUrl(), o.conversations(), o.limit());
    ChatModel model = ChatModels.open(ModelConfig.resolve(o.model(), o.baseUrl(), System.getenv()));
    LocomoData d = LocomoData.read(data);
    AnswerRun run = new AnswerRun(d, p, model, out, progress, o.parallel());
    if (o.judge().isPresent()) {
      ChatModel j =
          ChatModels.open(ModelConfig.resolve(o.judge().get(), o.judgeBaseUrl(), System.getenv()));
      run.judgedBy(new Judge(j, o.judgePrompt(), o.judgeRuns(), out.resolve("cache")));
    }
    o.answerKey().ifPresent(run::withAnswerKey);
    AnswerRun.Outcome r = run.run();
    return new Summary(summary(r, out), Double.NaN);
  }

  static String summary(AnswerRun.Outcome r, Path out) {
    JsonNode j = r.report();
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%d questions (%d answered now), mode %s, model %s%n",
            j.get("questions").asInt(),
            r.questionsRun(),
            j.at("/params/mode").asText(),
            j.at("/params/model").asText()));
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-30s %6s %8s %8s %8s %8s%n",
            "category (LoCoMo / Mem0)",
            "F1",
            "recall",
            "correct",
            "ret.miss",
            "ans.err"));
    for (Category c : AnswerReport.reported(j)) {
      String k = String.valueOf(c.number());
      JsonNode d = j.at("/diagnosis/by_category/" + k);
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-30s %6.1f %8.1f %8d %8d %8d%n",
              k + " " + c.locomoName() + " / " + c.mem0Name(),
              100 * j.at("/f1/by_category/" + k).asDouble(),
              100 * j.at("/evidence_recall/by_category/" + k).asDouble(),
              d.path("correct").asInt(),
              d.path("retrieval_miss").asInt(),
              d.path("answer_error").asInt()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  %-30s %6.1f %8.1f%n  %-30s %6.1f %8.1f%n",
            "cats 1-4",
            100 * j.at("/f1/cats_1_4").asDouble(),
            100 * j.at("/evidence_recall/cats_1_4").asDouble(),
            "overall",
            100 * j.at("/f1/overall").asDouble(),
            100 * j.at("/evidence_recall/overall").asDouble()));
    JsonNode jd = j.path("judge");
    if (jd.isObject()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "J (%s, prompt %s, %d runs, cats 1-4): %.1f ± %.1f   leniency: accepts %d of %d"
                  + " vague wrong answers (%.1f%%)%n",
              jd.get("model").asText(),
              jd.get("prompt").asText(),
              jd.get("runs").asInt(),
              100 * jd.get("j_mean").asDouble(),
              100 * jd.get("j_sd").asDouble(),
              jd.at("/leniency/accepted").asInt(),
              jd.at("/leniency/judged").asInt(),
              100 * jd.at("/leniency/rate").asDouble()));
    }
    JsonNode key = j.path("answer_key");
    if (key.isObject()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "with the answer key %s (%d corrections): F1 overall %.1f, cats 1-4 %.1f (original"
                  + " key: %.1f, %.1f)%n",
              key.get("file").asText(),
              key.get("corrections").asInt(),
              100 * key.at("/f1/overall").asDouble(),
              100 * key.at("/f1/cats_1_4").asDouble(),
              100 * j.at("/f1/overall").asDouble(),
              100 * j.at("/f1/cats_1_4").asDouble()));
    }
    sb.append("cost: ").append(j.get("cost")).append('\n');
    sb.append("report: ").append(out.resolve("report.md")).append('\n');
    return sb.toString();
  }

  /** {@code memdir bench locomo compare}: per-category deltas and the questions that flipped. */
  public static String compare(Path a, Path b) {
    return RunCompare.compare(a, b);
  }

  /**
   * Checks the options' values as a run would.
   *
   * @throws IllegalArgumentException naming the first value out of its range
   */
  public static void check(Options o) {
    params(o);
  }

  /**
   * {@code message} with the agent.yaml names of search settings ({@code search.neighbour_weight})
   * as the command's options ({@code --neighbour-weight}).
   */
  public static String optionWords(String message) {
    Matcher m = Pattern.compile("search\\.([a-z0-9_]+)").matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, "--" + m.group(1).replace('_', '-'));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static RunParams params(Options o) {
    LocomoIngest.Layout layout;
    try {
      layout = LocomoIngest.Layout.valueOf(o.layout().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--layout must be files, history or both, got \"" + o.layout() + "\"");
    }
    SearchSettings s = RunParams.benchSearch();
    s = s.withBm25(o.k1().orElse(s.k1()), o.b().orElse(s.b()));
    s = s.withWindow(o.window().orElse(s.window()), o.neighbours().orElse(s.neighbours()));
    s = s.withNeighbourWeight(o.neighbourWeight().orElse(s.neighbourWeight()));
    s = s.withReplyWeight(o.replyWeight().orElse(s.replyWeight()));
    s = s.withQuestionWeight(o.questionWeight().orElse(s.questionWeight()));
    s =
        s.withSpeaker(
            o.speakerBoost().orElse(s.speakerBoost()), o.speakerGate().orElse(s.speakerGate()));
    s = s.withHypernymWeight(o.hypernymWeight().orElse(s.hypernymWeight()));
    return new RunParams(
        layout, RunParams.DEFAULT_KS, s, o.speakerPolicy(), o.dropNames(), o.dropFrameWords());
  }
}
