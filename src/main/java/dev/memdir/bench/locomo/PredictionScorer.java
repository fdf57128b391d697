package dev.memdir.bench.locomo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores anyone's predictions with the official F1: reads a JSONL file of {@code {"sample_id",
 * "question_index", "prediction"}} lines and writes {@code scores.jsonl} (one line per question)
 * and {@code report.json}. A missing prediction scores 0 and is counted; a duplicate or unknown
 * question is an error naming its line.
 */
public final class PredictionScorer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PredictionScorer() {}

  /**
   * The outcome of scoring.
   *
   * @param questions how many questions the data holds
   * @param missing how many had no prediction (scored 0)
   * @param overall mean F1 over all questions
   * @param cats14 mean F1 over categories 1 to 4
   * @param byCategory mean F1 per category
   */
  public record Result(
      int questions, int missing, double overall, double cats14, Map<Integer, Double> byCategory) {
    /** Copies. */
    public Result {
      byCategory = Map.copyOf(byCategory);
    }
  }

  /** Scores {@code predictions} against {@code data} and writes the two files into {@code out}. */
  public static Result score(LocomoData data, Path predictions, Path out) {
    Map<String, String> predicted = read(data, predictions);
    StringBuilder lines = new StringBuilder();
    double sum = 0;
    double sum14 = 0;
    int n14 = 0;
    int missing = 0;
    Map<Integer, double[]> perCat = new TreeMap<>();
    for (LocomoData.Conversation c : data.conversations()) {
      for (LocomoData.Question q : c.questions()) {
        String p = predicted.get(key(c.sampleId(), q.index()));
        double f1 = 0;
        if (p == null) {
          missing++;
        } else {
          f1 = OfficialF1.score(q.category(), p, q.answer());
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("sample_id", c.sampleId());
        line.put("question_index", q.index());
        line.put("category", q.category());
        if (p == null) {
          line.putNull("prediction");
        } else {
          line.put("prediction", p);
        }
        line.put("answer", q.answer());
        line.put("f1", f1);
        lines.append(line).append('\n');
        sum += f1;
        if (q.category() <= 4) {
          sum14 += f1;
          n14++;
        }
        double[] acc = perCat.computeIfAbsent(q.category(), k -> new double[2]);
        acc[0] += f1;
        acc[1]++;
      }
    }
    int total = data.questionCount();
    Map<Integer, Double> byCat = new TreeMap<>();
    perCat.forEach((k, v) -> byCat.put(k, v[0] / v[1]));
    Result r = new Result(total, missing, sum / total, n14 == 0 ? 0 : sum14 / n14, byCat);
    AtomicFiles.write(out.resolve("scores.jsonl"), lines.toString());
    AtomicFiles.write(out.resolve("report.json"), report(data, predictions, r));
    return r;
  }

  private static String report(LocomoData data, Path predictions, Result r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("data", data.file());
    o.put("data_sha256", data.sha256());
    o.put("predictions", predictions.toString());
    o.put("questions", r.questions());
    o.put("missing", r.missing());
    ObjectNode f1 = o.putObject("f1");
    f1.put("overall", r.overall());
    f1.put("cats_1_4", r.cats14());
    ObjectNode by = f1.putObject("by_category");
    r.byCategory().forEach((k, v) -> by.put(String.valueOf(k), v));
    ObjectNode names = o.putObject("category_names");
    for (Category c : Category.ALL) {
      ObjectNode n = names.putObject(String.valueOf(c.number()));
      n.put("locomo", c.locomoName());
      n.put("mem0", c.mem0Name());
    }
    try {
      return JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> read(LocomoData data, Path predictions) {
    Map<String, Integer> known = new HashMap<>();
    for (LocomoData.Conversation c : data.conversations()) {
      known.put(c.sampleId(), c.questions().size());
    }
    String file = predictions.toString();
    Map<String, String> out = new HashMap<>();
    Map<String, Integer> seenAt = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(predictions, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new FormatException(
              file, lineNo, "not a JSON object at " + dev.memdir.format.JsonErrors.reason(e));
        }
        String sample = textField(node, "sample_id", file, lineNo);
        JsonNode idx = node.get("question_index");
        if (idx == null || !idx.isIntegralNumber()) {
          throw new FormatException(
              file,
              lineNo,
              "'question_index' must be an integer (position in the conversation's qa list, from 0)");
        }
        JsonNode pred = node.get("prediction");
        if (pred == null || pred.isNull() || pred.isContainerNode()) {
          throw new FormatException(file, lineNo, "'prediction' must be text");
        }
        Integer size = known.get(sample);
        int i = idx.intValue();
        if (size == null) {
          throw new FormatException(
              file, lineNo, "unknown sample_id '" + sample + "' (not in " + data.file() + ")");
        }
        if (i < 0 || i >= size) {
          throw new FormatException(
              file,
              lineNo,
              "unknown question: " + sample + " has questions 0 to " + (size - 1) + ", got " + i);
        }
        String key = key(sample, i);
        Integer prev = seenAt.putIfAbsent(key, lineNo);
        if (prev != null) {
          throw new FormatException(
              file,
              lineNo,
              "duplicate prediction for "
                  + sample
                  + " question "
                  + i
                  + " (first on line "
                  + prev
                  + ")");
        }
        out.put(key, LocomoData.pyStr(pred));
      }
    } catch (IOException e) {
      throw new MemdirException("cannot read " + predictions + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String textField(JsonNode node, String key, String file, int line) {
    if (!node.isObject()) {
      throw new FormatException(file, line, "expected a JSON object");
    }
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual()) {
      throw new FormatException(file, line, "'" + key + "' must be text");
    }
    return v.textValue();
  }

  private static String key(String sample, int index) {
    return sample + "\u0000" + index;
  }
}
