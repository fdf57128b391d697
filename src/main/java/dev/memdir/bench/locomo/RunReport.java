package dev.memdir.bench.locomo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregates the per-question lines of {@code results.jsonl} into the report: evidence recall at
 * each k (official and normalised conventions), overall, for categories 1–4 and per category, and
 * the tokens retrieved; renders it as JSON, Markdown and an SVG chart.
 */
final class RunReport {
  /** The LoCoMo paper's DRAGON dense retriever over single turns, all 1,986 questions (Table 3). */
  static final Map<Integer, Double> DRAGON = Map.of(5, 0.567, 10, 0.662, 25, 0.767, 50, 0.827);

  private final List<Integer> ks;
  private final int questions;
  private final Map<String, Map<Integer, Double>> official = new LinkedHashMap<>();
  private final Map<String, Map<Integer, Double>> normalized = new LinkedHashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private final Map<Integer, Double> tokens = new TreeMap<>();
  // Per category: evidence strings, missed at the second k, of those found by the last k.
  private final Map<Integer, int[]> lost = new TreeMap<>();
  // Per conversation, in data order: question count, then overall and cats 1-4 recall sums at
  // each k, then the cats 1-4 count.
  private final Map<String, double[]> byConversation = new LinkedHashMap<>();

  private RunReport(List<Integer> ks, int questions) {
    this.ks = List.copyOf(ks);
    this.questions = questions;
  }

  /** Aggregates result lines (as written to results.jsonl). */
  static RunReport of(List<Integer> ks, List<JsonNode> lines) {
    RunReport r = new RunReport(ks, lines.size());
    Map<String, double[]> sumO = new LinkedHashMap<>();
    Map<String, double[]> sumN = new LinkedHashMap<>();
    double[] tok = new double[ks.size()];
    for (String g : groups()) {
      sumO.put(g, new double[ks.size()]);
      sumN.put(g, new double[ks.size()]);
      r.counts.put(g, 0);
    }
    for (JsonNode line : lines) {
      int cat = line.get("category").asInt();
      for (String g : List.of("overall", cat <= 4 ? "cats_1_4" : "", String.valueOf(cat))) {
        if (g.isEmpty()) {
          continue;
        }
        r.counts.merge(g, 1, Integer::sum);
        for (int i = 0; i < ks.size(); i++) {
          String k = String.valueOf(ks.get(i));
          sumO.get(g)[i] += line.get("recall").get(k).asDouble();
          sumN.get(g)[i] += line.get("recall_normalized").get(k).asDouble();
        }
      }
      for (int i = 0; i < ks.size(); i++) {
        tok[i] += line.get("tokens").get(String.valueOf(ks.get(i))).asDouble();
      }
      r.countLost(cat, line);
      double[] pc =
          r.byConversation.computeIfAbsent(
              line.path("sample_id").asText(""), x -> new double[2 + 2 * ks.size()]);
      pc[0]++;
      if (cat <= 4) {
        pc[1]++;
      }
      for (int i = 0; i < ks.size(); i++) {
        double v = line.get("recall").get(String.valueOf(ks.get(i))).asDouble();
        pc[2 + i] += v;
        if (cat <= 4) {
          pc[2 + ks.size() + i] += v;
        }
      }
    }
    for (String g : groups()) {
      int n = r.counts.get(g);
      if (n == 0) {
        continue;
      }
      Map<Integer, Double> o = new TreeMap<>();
      Map<Integer, Double> nn = new TreeMap<>();
      for (int i = 0; i < ks.size(); i++) {
        o.put(ks.get(i), sumO.get(g)[i] / n);
        nn.put(ks.get(i), sumN.get(g)[i] / n);
      }
      r.official.put(g, o);
      r.normalized.put(g, nn);
    }
    for (int i = 0; i < ks.size(); i++) {
      r.tokens.put(ks.get(i), lines.isEmpty() ? 0 : tok[i] / lines.size());
    }
    return r;
  }

  /** The k at which losses are examined: 10 when run, else the smallest. */
  private int lossK() {
    return ks.contains(10) ? 10 : ks.get(0);
  }

  private void countLost(int cat, JsonNode line) {
    JsonNode evidence = line.get("evidence");
    if (evidence == null || !line.has("retrieved")) {
      return;
    }
    java.util.Set<String> atK = new java.util.HashSet<>();
    line.get("retrieved").get(String.valueOf(lossK())).forEach(n -> atK.add(n.asText()));
    java.util.Set<String> atMax = new java.util.HashSet<>();
    line.get("retrieved")
        .get(String.valueOf(ks.get(ks.size() - 1)))
        .forEach(n -> atMax.add(n.asText()));
    int[] c = lost.computeIfAbsent(cat, x -> new int[3]);
    for (JsonNode e : evidence) {
      c[0]++;
      if (!atK.contains(e.asText())) {
        c[1]++;
        if (atMax.contains(e.asText())) {
          c[2]++;
        }
      }
    }
  }

  private static List<String> groups() {
    return List.of("overall", "cats_1_4", "1", "2", "3", "4", "5");
  }

  /** Official-convention recall of a group ("overall", "cats_1_4" or a category number) at k. */
  double recall(String group, int k) {
    return official.getOrDefault(group, Map.of()).getOrDefault(k, Double.NaN);
  }

  /** Normalised-id recall of a group at k. */
  double recallNormalized(String group, int k) {
    return normalized.getOrDefault(group, Map.of()).getOrDefault(k, Double.NaN);
  }

  /** The report as JSON; {@code extra} fields (data, params, timings, notes) are added first. */
  ObjectNode toJson(ObjectNode extra) {
    ObjectNode o = extra.deepCopy();
    o.put("questions", questions);
    o.set("recall", block(official));
    o.set("recall_normalized", block(normalized));
    ObjectNode t = o.putObject("tokens_retrieved_mean");
    tokens.forEach((k, v) -> t.put(String.valueOf(k), v));
    ObjectNode counts = o.putObject("questions_by_group");
    this.counts.forEach(counts::put);
    ObjectNode lostNode = o.putObject("lost_at_k" + lossK());
    lost.forEach(
        (cat, c) -> {
          ObjectNode x = lostNode.putObject(String.valueOf(cat));
          x.put("evidence", c[0]);
          x.put("missed", c[1]);
          x.put("within_max_k", c[2]);
        });
    ObjectNode per = o.putObject("recall_by_conversation");
    byConversation.forEach(
        (id, pc) -> {
          ObjectNode c = per.putObject(id);
          c.put("questions", (int) pc[0]);
          ObjectNode all = c.putObject("overall");
          ObjectNode c14 = c.putObject("cats_1_4");
          for (int i = 0; i < ks.size(); i++) {
            all.put(String.valueOf(ks.get(i)), pc[2 + i] / pc[0]);
            c14.put(String.valueOf(ks.get(i)), pc[1] == 0 ? 0 : pc[2 + ks.size() + i] / pc[1]);
          }
        });
    ObjectNode dragon = o.putObject("dragon_paper");
    new TreeMap<>(DRAGON).forEach((k, v) -> dragon.put(String.valueOf(k), v));
    ObjectNode names = o.putObject("category_names");
    for (Category c : Category.ALL) {
      ObjectNode n = names.putObject(String.valueOf(c.number()));
      n.put("locomo", c.locomoName());
      n.put("mem0", c.mem0Name());
    }
    return o;
  }

  private ObjectNode block(Map<String, Map<Integer, Double>> m) {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    ObjectNode by = JsonNodeFactory.instance.objectNode();
    m.forEach(
        (g, vals) -> {
          ObjectNode v = JsonNodeFactory.instance.objectNode();
          vals.forEach((k, x) -> v.put(String.valueOf(k), x));
          if (g.equals("overall") || g.equals("cats_1_4")) {
            b.set(g, v);
          } else {
            by.set(g, v);
          }
        });
    b.set("by_category", by);
    return b;
  }

  /** The report as Markdown: both conventions, per category, with DRAGON beside ours. */
  String toMarkdown(String header) {
    StringBuilder sb = new StringBuilder(header);
    sb.append("\n## Evidence recall, official convention (raw evidence strings)\n\n");
    table(sb, official, true);
    sb.append("\n## Evidence recall, normalised evidence ids\n\n");
    table(sb, normalized, false);
    int lk = lossK();
    int maxK = ks.get(ks.size() - 1);
    sb.append("\n## Where recall is lost (official convention, k = ").append(lk).append(")\n\n");
    sb.append("| category | evidence strings | missed at k = ")
        .append(lk)
        .append(" | of those, within k = ")
        .append(maxK)
        .append(" (a ranking problem) | beyond k = ")
        .append(maxK)
        .append(" |\n|---|---|---|---|---|\n");
    lost.forEach(
        (cat, c) ->
            sb.append(
                String.format(
                    Locale.ROOT,
                    "| %d %s | %d | %d (%.1f%%) | %d | %d |%n",
                    cat,
                    Category.of(cat).locomoName(),
                    c[0],
                    c[1],
                    c[0] == 0 ? 0 : 100.0 * c[1] / c[0],
                    c[2],
                    c[1] - c[2])));
    sb.append(
        "\nMalformed raw evidence strings (such as \"D8:6; D9:17\") can never be found and count as missed here.\n");
    sb.append("\n## Tokens retrieved (cl100k), mean per question\n\n| k |");
    ks.forEach(k -> sb.append(' ').append(k).append(" |"));
    sb.append("\n|---|");
    ks.forEach(k -> sb.append("---|"));
    sb.append("\n| tokens |");
    ks.forEach(k -> sb.append(String.format(Locale.ROOT, " %.0f |", tokens.get(k))));
    sb.append('\n');
    sb.append("\n## Per conversation (official convention)\n\n");
    sb.append(
        "The spread shows how much one conversation moves the mean; the dev file holds conv-26,"
            + " -30, -41, -42, -43, -44 and -47.\n\n| conversation | questions |");
    ks.forEach(k -> sb.append(" R@").append(k).append(" |"));
    ks.forEach(k -> sb.append(" cats 1–4 R@").append(k).append(" |"));
    sb.append("\n|---|---|");
    ks.forEach(k -> sb.append("---|---|"));
    sb.append('\n');
    byConversation.forEach(
        (id, pc) -> {
          sb.append("| ").append(id).append(" | ").append((int) pc[0]).append(" |");
          for (int i = 0; i < ks.size(); i++) {
            sb.append(String.format(Locale.ROOT, " %.1f |", 100 * pc[2 + i] / pc[0]));
          }
          for (int i = 0; i < ks.size(); i++) {
            sb.append(
                String.format(
                    Locale.ROOT, " %.1f |", pc[1] == 0 ? 0 : 100 * pc[2 + ks.size() + i] / pc[1]));
          }
          sb.append('\n');
        });
    return sb.toString();
  }

  private void table(StringBuilder sb, Map<String, Map<Integer, Double>> m, boolean withDragon) {
    sb.append("| group | LoCoMo name | Mem0 name | questions |");
    ks.forEach(k -> sb.append(" R@").append(k).append(" |"));
    sb.append("\n|---|---|---|---|");
    ks.forEach(k -> sb.append("---|"));
    sb.append('\n');
    for (Map.Entry<String, Map<Integer, Double>> e : m.entrySet()) {
      String g = e.getKey();
      String ln = "";
      String mn = "";
      if (g.matches("\\d")) {
        Category c = Category.of(Integer.parseInt(g));
        ln = c.locomoName();
        mn = c.mem0Name();
      }
      String label =
          g.equals("overall") ? "**overall**" : g.equals("cats_1_4") ? "cats 1–4" : "cat " + g;
      sb.append("| ")
          .append(label)
          .append(" | ")
          .append(ln)
          .append(" | ")
          .append(mn)
          .append(" | ")
          .append(counts.get(g))
          .append(" |");
      for (int k : ks) {
        sb.append(String.format(Locale.ROOT, " %.1f |", 100 * e.getValue().get(k)));
      }
      sb.append('\n');
    }
    if (withDragon) {
      sb.append("| DRAGON (LoCoMo paper, all 1,986 questions) | | | |");
      for (int k : ks) {
        Double d = DRAGON.get(k);
        sb.append(d == null ? " — |" : String.format(Locale.ROOT, " %.1f |", 100 * d));
      }
      sb.append('\n');
    }
  }

  /** An SVG line chart of official-convention recall@k per category, overall and DRAGON. */
  String toSvg() {
    int w = 640;
    int h = 400;
    int left = 60;
    int right = 170;
    int top = 30;
    int bottom = 50;
    int pw = w - left - right;
    int ph = h - top - bottom;
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            w,
            h));
    sb.append(
        String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"18\" font-size=\"14\">LoCoMo evidence recall@k (official convention)</text>%n",
            left));
    for (int y = 0; y <= 100; y += 20) {
      double py = top + ph - ph * y / 100.0;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
              left,
              py,
              left + pw,
              py));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n",
              left - 6,
              py + 4,
              y));
    }
    // The y axis's label, turned to read upwards along the axis.
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 %d %.1f)\">"
                + "evidence recall (%%)</text>%n",
            left - 40,
            top + ph / 2.0,
            left - 40,
            top + ph / 2.0));
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < ks.size(); i++) {
      double px = left + (ks.size() == 1 ? pw / 2.0 : pw * i / (double) (ks.size() - 1));
      xs.add(px);
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">k=%d</text>%n",
              px,
              top + ph + 20,
              ks.get(i)));
    }
    String[] colors = {"#000000", "#555555", "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"};
    int ci = 0;
    int legendY = top + 10;
    for (Map.Entry<String, Map<Integer, Double>> e : official.entrySet()) {
      String color = colors[ci++ % colors.length];
      String g = e.getKey();
      String label =
          g.equals("overall")
              ? "overall"
              : g.equals("cats_1_4")
                  ? "cats 1-4"
                  : "cat " + g + " " + Category.of(Integer.parseInt(g)).locomoName();
      polyline(sb, xs, e.getValue(), color, g.equals("overall") ? "3" : "1.5", null);
      legend(sb, left + pw + 12, legendY, color, label, null);
      legendY += 18;
    }
    Map<Integer, Double> dragon = new TreeMap<>();
    ks.forEach(
        k -> {
          if (DRAGON.containsKey(k)) {
            dragon.put(k, DRAGON.get(k));
          }
        });
    if (dragon.size() == ks.size()) {
      polyline(sb, xs, dragon, "#888888", "1.5", "5,4");
      legend(sb, left + pw + 12, legendY, "#888888", "DRAGON (paper)", "5,4");
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private void polyline(
      StringBuilder sb,
      List<Double> xs,
      Map<Integer, Double> vals,
      String color,
      String width,
      String dash) {
    int top = 30;
    int ph = 400 - 30 - 50;
    StringBuilder pts = new StringBuilder();
    for (int i = 0; i < ks.size(); i++) {
      double py = top + ph - ph * vals.get(ks.get(i));
      pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs.get(i), py));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n",
            pts.toString().strip(),
            color,
            width,
            dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
  }

  private static void legend(
      StringBuilder sb, int x, int y, String color, String label, String dash) {
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
            x,
            y,
            x + 20,
            y,
            color,
            dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    sb.append(
        String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 26, y + 4, label));
  }
}
