package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.llm.ChatModel;
import dev.memdir.llm.ChatRequest;
import dev.memdir.llm.ToolChoice;
import dev.memdir.llm.UserMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The LLM judge ("J"): labels each answer of categories 1–4 CORRECT or WRONG, {@code runs} times
 * (each run its own cached request, so a re-score costs nothing), reported as mean ± sd over runs.
 * Beside J it prints its leniency: the share of the project's fixed set of vague wrong answers
 * ({@code leniency-probe.jsonl}) the same judge with the same prompt accepts.
 */
final class Judge {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LABEL =
      Pattern.compile("\"label\"\\s*:\\s*\"(CORRECT|WRONG)\"", Pattern.CASE_INSENSITIVE);
  static final String PROBE = "leniency-probe.jsonl";
  static final int MAX_TOKENS = 256;

  private final ChatModel model;
  private final String promptName;
  private final String prompt;
  private final int runs;
  private final Path cacheDir;
  private final SharedBackoff backoff = SharedBackoff.defaults();

  /**
   * A judge.
   *
   * @param prompt {@code mem0} or {@code strict}
   */
  Judge(ChatModel model, String prompt, int runs, Path cacheDir) {
    if (!prompt.equals("mem0") && !prompt.equals("strict")) {
      throw new IllegalArgumentException(
          "--judge-prompt must be mem0 or strict, got \"" + prompt + "\"");
    }
    if (runs < 1 || runs > 20) {
      throw new IllegalArgumentException("--judge-runs must be 1 to 20, got " + runs);
    }
    this.model = model;
    this.promptName = "judge-" + prompt + ".txt";
    this.prompt = AnswerPrompts.text(promptName);
    this.runs = runs;
    this.cacheDir = cacheDir;
  }

  /**
   * The label a judge's reply gives: the JSON label when there is one, else the only one of CORRECT
   * and WRONG it names; empty when it names neither or both without a JSON label.
   */
  static Optional<Boolean> label(String reply) {
    Matcher m = LABEL.matcher(reply);
    String found = null;
    while (m.find()) {
      found = m.group(1).toUpperCase(Locale.ROOT);
    }
    if (found != null) {
      return Optional.of(found.equals("CORRECT"));
    }
    String up = reply.toUpperCase(Locale.ROOT);
    boolean correct = up.contains("CORRECT");
    boolean wrong = up.contains("WRONG");
    return correct == wrong ? Optional.empty() : Optional.of(correct);
  }

  private boolean[] grade(String question, String gold, String answer, int[] unparsed) {
    boolean[] out = new boolean[runs];
    String text =
        AnswerPrompts.fill(
            prompt, Map.of("question", question, "gold_answer", gold, "generated_answer", answer));
    ChatRequest req =
        new ChatRequest(
            List.of(new UserMessage(text)),
            List.of(),
            MAX_TOKENS,
            ToolChoice.AUTO,
            Optional.of(0.0));
    for (int r = 0; r < runs; r++) {
      CachedModel m = new CachedModel(model, cacheDir, " judge run " + (r + 1), backoff);
      Optional<Boolean> l = label(m.chat(req).text());
      if (l.isEmpty()) {
        unparsed[0]++;
      }
      out[r] = l.orElse(false);
    }
    return out;
  }

  /**
   * Judges the answers of categories 1–4 in {@code lines}, writes {@code judgements.jsonl} into
   * {@code out} and returns the report's {@code judge} section.
   */
  ObjectNode judge(List<JsonNode> lines, Path out) {
    int[] unparsed = {0};
    StringBuilder file = new StringBuilder();
    List<JsonNode> scored = new ArrayList<>();
    List<boolean[]> labels = new ArrayList<>();
    for (JsonNode l : lines) {
      if (l.get("category").asInt() > 4) {
        continue;
      }
      boolean[] g =
          grade(
              l.get("question").asText(),
              l.get("answer").asText(),
              l.get("prediction").asText(),
              unparsed);
      scored.add(l);
      labels.add(g);
      ObjectNode j = JSON.createObjectNode();
      j.put("sample_id", l.get("sample_id").asText());
      j.put("question_index", l.get("question_index").asInt());
      ArrayNode a = j.putArray("correct");
      for (boolean b : g) {
        a.add(b);
      }
      file.append(j).append('\n');
    }
    AtomicFiles.write(out.resolve("judgements.jsonl"), file.toString());
    ObjectNode o = JSON.createObjectNode();
    o.put("model", model.config().label());
    o.put("prompt", promptName);
    o.put("prompt_sha256", AnswerPrompts.hashes(promptName).get(promptName));
    o.put("runs", runs);
    o.put("questions", scored.size());
    double[] perRun = new double[runs];
    for (int r = 0; r < runs; r++) {
      int c = 0;
      for (boolean[] g : labels) {
        c += g[r] ? 1 : 0;
      }
      perRun[r] = scored.isEmpty() ? 0 : (double) c / scored.size();
    }
    ArrayNode pr = o.putArray("j_per_run");
    for (double d : perRun) {
      pr.add(d);
    }
    o.put("j_mean", mean(perRun));
    o.put("j_sd", sd(perRun));
    ObjectNode by = o.putObject("by_category");
    for (Category c : Category.ALL) {
      int n = 0;
      double sum = 0;
      for (int i = 0; i < scored.size(); i++) {
        if (scored.get(i).get("category").asInt() == c.number()) {
          n++;
          for (boolean b : labels.get(i)) {
            sum += b ? 1.0 / runs : 0;
          }
        }
      }
      if (n > 0) {
        by.put(String.valueOf(c.number()), sum / n);
      }
    }
    o.set("leniency", leniency(unparsed));
    o.put("unparsed_replies", unparsed[0]);
    return o;
  }

  /** The share of the project's vague wrong answers the judge accepts, over all runs. */
  private ObjectNode leniency(int[] unparsed) {
    String text = AnswerPrompts.text(PROBE);
    int accepted = 0;
    int total = 0;
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode p;
      try {
        p = JSON.readTree(line);
      } catch (IOException e) {
        throw new MemdirException(PROBE + ": a damaged line in the memdir jar: " + line, e);
      }
      for (boolean b :
          grade(
              p.get("question").asText(),
              p.get("gold").asText(),
              p.get("answer").asText(),
              unparsed)) {
        accepted += b ? 1 : 0;
        total++;
      }
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("probe", PROBE);
    o.put("probe_sha256", AnswerPrompts.hashes(PROBE).get(PROBE));
    o.put("accepted", accepted);
    o.put("judged", total);
    o.put("rate", total == 0 ? 0 : (double) accepted / total);
    return o;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return v.length == 0 ? 0 : s / v.length;
  }

  /** The sample standard deviation; 0 for fewer than two values. */
  static double sd(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double m = mean(v);
    double s = 0;
    for (double d : v) {
      s += (d - m) * (d - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }
}
