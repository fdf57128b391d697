package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/** The numbers of an answering run, computed from its results.jsonl lines in data order. */
final class AnswerReport {
  static final List<String> DIAGNOSES =
      List.of("correct", "retrieval_miss", "answer_error", "no_evidence");

  private AnswerReport() {}

  static ObjectNode of(List<JsonNode> lines, ObjectNode header) {
    ObjectNode r = header.deepCopy();
    r.put("questions", lines.size());
    score(r.putObject("f1"), lines, l -> l.get("f1").asDouble());
    score(r.putObject("evidence_recall"), lines, l -> l.get("evidence_recall").asDouble());
    score(
        r.putObject("evidence_recall_normalized"),
        lines,
        l -> l.get("evidence_recall_normalized").asDouble());
    ObjectNode diag = r.putObject("diagnosis");
    diagnose(diag.putObject("overall"), lines);
    ObjectNode by = diag.putObject("by_category");
    for (Category c : Category.ALL) {
      List<JsonNode> in = filter(lines, l -> l.get("category").asInt() == c.number());
      if (!in.isEmpty()) {
        diagnose(by.putObject(String.valueOf(c.number())), in);
      }
    }
    ObjectNode cost = r.putObject("cost");
    cost.put("tokens_in", sum(lines, "tokens_in"));
    cost.put("tokens_out", sum(lines, "tokens_out"));
    cost.put("tokens_in_per_question", mean(lines, l -> l.get("tokens_in").asDouble()));
    cost.put("tokens_out_per_question", mean(lines, l -> l.get("tokens_out").asDouble()));
    cost.put("tool_calls_per_question", mean(lines, l -> l.get("tool_calls").asDouble()));
    List<Long> latency = new ArrayList<>();
    lines.forEach(l -> latency.add(l.get("latency_ms").asLong()));
    latency.sort(null);
    cost.put("latency_ms_p50", percentile(latency, 50));
    cost.put("latency_ms_p95", percentile(latency, 95));
    cost.put("model_calls", sum(lines, "model_calls"));
    cost.put("cache_hits", sum(lines, "cache_hits"));
    var cats = r.putArray("categories");
    for (Category c : Category.ALL) {
      cats.addObject()
          .put("number", c.number())
          .put("locomo", c.locomoName())
          .put("mem0", c.mem0Name());
    }
    return r;
  }

  /** The nearest-rank percentile; 0 for no values. */
  static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static void score(ObjectNode o, List<JsonNode> lines, ToDoubleFunction<JsonNode> f) {
    o.put("overall", mean(lines, f));
    o.put("cats_1_4", mean(filter(lines, l -> l.get("category").asInt() <= 4), f));
    ObjectNode by = o.putObject("by_category");
    for (Category c : Category.ALL) {
      List<JsonNode> in = filter(lines, l -> l.get("category").asInt() == c.number());
      if (!in.isEmpty()) {
        by.put(String.valueOf(c.number()), mean(in, f));
      }
    }
  }

  private static void diagnose(ObjectNode o, List<JsonNode> lines) {
    DIAGNOSES.forEach(d -> o.put(d, 0));
    for (JsonNode l : lines) {
      String d = l.get("diagnosis").asText();
      o.put(d, o.path(d).asInt() + 1);
    }
  }

  private static List<JsonNode> filter(List<JsonNode> lines, Predicate<JsonNode> p) {
    return lines.stream().filter(p).toList();
  }

  private static double mean(List<JsonNode> lines, ToDoubleFunction<JsonNode> f) {
    double s = 0;
    for (JsonNode l : lines) {
      s += f.applyAsDouble(l);
    }
    return lines.isEmpty() ? 0 : s / lines.size();
  }

  private static long sum(List<JsonNode> lines, String field) {
    long s = 0;
    for (JsonNode l : lines) {
      s += l.path(field).asLong();
    }
    return s;
  }

  /** The categories {@code report} has numbers for, in LoCoMo's order. */
  static List<Category> reported(JsonNode report) {
    return Category.ALL.stream()
        .filter(c -> report.at("/f1/by_category").has(String.valueOf(c.number())))
        .toList();
  }

  /** The report as Markdown tables, each category under both label conventions. */
  static String markdown(JsonNode r) {
    StringBuilder sb = new StringBuilder();
    JsonNode p = r.get("params");
    sb.append("# LoCoMo ").append(p.get("mode").asText()).append(" run\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "- data: `%s` (sha256 `%s`), %d questions%n",
            r.get("data").asText(),
            r.get("data_sha256").asText(),
            r.get("questions").asInt()));
    sb.append("- memdir ")
        .append(r.get("memdir_version").asText())
        .append(", model `")
        .append(p.get("model").asText())
        .append("`\n");
    sb.append("- parameters: `").append(p).append("`\n");
    sb.append("- F1: LoCoMo's official scorer; evidence recall: of the turns that entered the")
        .append(" model's context; a wrong answer has F1 below ")
        .append(p.path("correct_f1").asDouble())
        .append("\n\n");
    sb.append("| category | LoCoMo name | Mem0 name | F1 | evidence recall | correct |")
        .append(" retrieval miss | answer error | no evidence |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Category c : reported(r)) {
      String k = String.valueOf(c.number());
      JsonNode d = r.at("/diagnosis/by_category/" + k);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.1f | %.1f | %d | %d | %d | %d |%n",
              k,
              c.locomoName(),
              c.mem0Name(),
              100 * r.at("/f1/by_category/" + k).asDouble(),
              100 * r.at("/evidence_recall/by_category/" + k).asDouble(),
              d.path("correct").asInt(),
              d.path("retrieval_miss").asInt(),
              d.path("answer_error").asInt(),
              d.path("no_evidence").asInt()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "| cats 1-4 | | | %.1f | %.1f | | | | |%n",
            100 * r.at("/f1/cats_1_4").asDouble(),
            100 * r.at("/evidence_recall/cats_1_4").asDouble()));
    JsonNode d = r.at("/diagnosis/overall");
    sb.append(
        String.format(
            Locale.ROOT,
            "| overall | | | %.1f | %.1f | %d | %d | %d | %d |%n%n",
            100 * r.at("/f1/overall").asDouble(),
            100 * r.at("/evidence_recall/overall").asDouble(),
            d.path("correct").asInt(),
            d.path("retrieval_miss").asInt(),
            d.path("answer_error").asInt(),
            d.path("no_evidence").asInt()));
    JsonNode j = r.path("judge");
    if (j.isObject()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "J (judge `%s`, prompt `%s`, %d runs, categories 1-4): %.1f ± %.1f; by category:"
                  + " `%s`. Leniency probe: the same judge accepts %d of %d vague wrong answers"
                  + " (%.1f%%).%n%n",
              j.get("model").asText(),
              j.get("prompt").asText(),
              j.get("runs").asInt(),
              100 * j.get("j_mean").asDouble(),
              100 * j.get("j_sd").asDouble(),
              j.get("by_category"),
              j.at("/leniency/accepted").asInt(),
              j.at("/leniency/judged").asInt(),
              100 * j.at("/leniency/rate").asDouble()));
    }
    sb.append("Cost: `").append(r.get("cost")).append("`\n");
    return sb.toString();
  }
}
