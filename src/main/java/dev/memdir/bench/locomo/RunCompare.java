package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memdir.MemdirException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code memdir bench locomo compare RUN_A RUN_B}: per-category F1 of two answering runs over the
 * questions both answered, the deltas, and the questions that flipped between correct and wrong.
 */
public final class RunCompare {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunCompare() {}

  /** The comparison as text for the terminal. */
  public static String compare(Path a, Path b) {
    Map<String, JsonNode> ra = lines(a);
    Map<String, JsonNode> rb = lines(b);
    StringWriter sw = new StringWriter();
    PrintWriter o = new PrintWriter(sw);
    o.printf("A: %s (%s)%nB: %s (%s)%n", a, describe(a), b, describe(b));
    int common = 0;
    double[] sa = new double[6];
    double[] sb = new double[6];
    int[] n = new int[6];
    StringBuilder flips = new StringBuilder();
    int toCorrect = 0;
    int toWrong = 0;
    for (Map.Entry<String, JsonNode> e : ra.entrySet()) {
      JsonNode y = rb.get(e.getKey());
      if (y == null) {
        continue;
      }
      JsonNode x = e.getValue();
      common++;
      int c = x.get("category").asInt();
      sa[c] += x.get("f1").asDouble();
      sb[c] += y.get("f1").asDouble();
      n[c]++;
      boolean ca = x.get("f1").asDouble() >= AnswerRun.CORRECT_F1;
      boolean cb = y.get("f1").asDouble() >= AnswerRun.CORRECT_F1;
      if (ca != cb) {
        if (cb) {
          toCorrect++;
        } else {
          toWrong++;
        }
        flips.append(
            String.format(
                Locale.ROOT,
                "  %s %s q%d cat %d: %s%n      gold: %s%n      A: %s%n      B: %s%n",
                cb ? "+" : "-",
                x.get("sample_id").asText(),
                x.get("question_index").asInt(),
                c,
                x.get("question").asText(),
                x.get("answer").asText(),
                x.get("prediction").asText(),
                y.get("prediction").asText()));
      }
    }
    o.printf("%d questions in both (A has %d, B has %d)%n", common, ra.size(), rb.size());
    o.printf(
        Locale.ROOT,
        "  %-30s %6s %6s %7s %5s%n",
        "category (LoCoMo / Mem0)",
        "F1 A",
        "F1 B",
        "delta",
        "n");
    double ta = 0;
    double tb = 0;
    int tn = 0;
    for (Category c : Category.ALL) {
      int k = c.number();
      if (n[k] == 0) {
        continue;
      }
      if (k <= 4) {
        ta += sa[k];
        tb += sb[k];
        tn += n[k];
      }
      row(o, k + " " + c.locomoName() + " / " + c.mem0Name(), sa[k], sb[k], n[k]);
    }
    row(o, "cats 1-4", ta, tb, tn);
    row(o, "overall", ta + sa[5], tb + sb[5], tn + n[5]);
    o.printf(
        "flipped (correct: F1 >= %.1f): %d to correct (+), %d to wrong (-)%n",
        AnswerRun.CORRECT_F1, toCorrect, toWrong);
    o.print(flips);
    o.flush();
    return sw.toString();
  }

  private static void row(PrintWriter o, String label, double a, double b, int n) {
    if (n == 0) {
      return;
    }
    o.printf(
        Locale.ROOT,
        "  %-30s %6.1f %6.1f %+7.1f %5d%n",
        label,
        100 * a / n,
        100 * b / n,
        100 * (b - a) / n,
        n);
  }

  private static String describe(Path run) {
    Path m = run.resolve("manifest.json");
    try {
      JsonNode p = JSON.readTree(m.toFile()).path("params");
      return p.path("mode").asText("?") + ", " + p.path("model").asText("no model");
    } catch (IOException e) {
      throw new MemdirException(m + ": cannot read the run's manifest: " + e.getMessage(), e);
    }
  }

  private static Map<String, JsonNode> lines(Path run) {
    Path file = run.resolve("results.jsonl");
    if (!Files.isRegularFile(file)) {
      throw new MemdirException(file + ": no such file; is " + run + " a LoCoMo run folder?");
    }
    Map<String, JsonNode> m = new LinkedHashMap<>();
    List<JsonNode> lines = RunFolder.readResults(run, new PrintWriter(new StringWriter()));
    for (JsonNode l : lines) {
      if (!l.has("f1") || !l.has("prediction")) {
        throw new MemdirException(
            file + ": not an answering run (retrieval runs have no answers to compare)");
      }
      m.put(l.get("sample_id").asText() + " " + l.get("question_index").asInt(), l);
    }
    return m;
  }
}
