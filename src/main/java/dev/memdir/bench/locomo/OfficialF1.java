package dev.memdir.bench.locomo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * LoCoMo's official answer F1, as {@code task_eval/evaluation.py} computes it, with Python's string
 * semantics reproduced: {@code lower()}, {@code split()} on Unicode whitespace, {@code
 * string.punctuation} deleted (not replaced), Unicode {@code \b} around the removed words, and
 * NLTK's Porter stemmer ({@link PorterStemmer}).
 *
 * <ul>
 *   <li>category 1 (multi-hop): split the raw prediction and gold on {@code ,}; for each gold part
 *       the best F1 against any prediction part; the mean over gold parts;
 *   <li>category 3: the gold is cut at its first {@code ;};
 *   <li>categories 2 and 4 (and 3): plain token F1;
 *   <li>category 5: 1 if the prediction contains "not mentioned" or "no information available"
 *       (ignoring case), else 0.
 * </ul>
 */
public final class OfficialF1 {
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  private static final Pattern ARTICLES =
      Pattern.compile("\\b(a|an|the|and)\\b", Pattern.UNICODE_CHARACTER_CLASS);

  private OfficialF1() {}

  /** The official score of one prediction for a question of {@code category} with {@code gold}. */
  public static double score(int category, String prediction, String gold) {
    switch (category) {
      case 1:
        return multiAnswerF1(prediction, gold);
      case 2:
      case 4:
        return f1(prediction, gold);
      case 3:
        int semi = gold.indexOf(';');
        return f1(prediction, semi < 0 ? gold : pyStrip(gold.substring(0, semi)));
      case 5:
        String lower = pyLower(prediction);
        return lower.contains("no information available") || lower.contains("not mentioned")
            ? 1.0
            : 0.0;
      default:
        throw new IllegalArgumentException(
            "unknown LoCoMo category " + category + " (known: 1 to 5)");
    }
  }

  /**
   * {@code normalize_answer}: drop commas, lower, delete punctuation, drop a/an/the/and, squeeze
   * spaces.
   */
  public static String normalize(String s) {
    String t = pyLower(s.replace(",", ""));
    StringBuilder sb = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (PUNCTUATION.indexOf(c) < 0) {
        sb.append(c);
      }
    }
    t = ARTICLES.matcher(sb).replaceAll(" ");
    return String.join(" ", pySplit(t));
  }

  /** Token F1 over stemmed, normalised tokens ({@code f1_score}). */
  public static double f1(String prediction, String gold) {
    List<String> p = stems(prediction);
    List<String> g = stems(gold);
    Map<String, Integer> counts = new HashMap<>();
    for (String t : p) {
      counts.merge(t, 1, Integer::sum);
    }
    int same = 0;
    for (String t : g) {
      Integer c = counts.get(t);
      if (c != null && c > 0) {
        same++;
        counts.put(t, c - 1);
      }
    }
    if (same == 0) {
      return 0.0;
    }
    double precision = 1.0 * same / p.size();
    double recall = 1.0 * same / g.size();
    return (2 * precision * recall) / (precision + recall);
  }

  /** The multi-answer F1 of category 1 ({@code f1}). */
  public static double multiAnswerF1(String prediction, String gold) {
    List<String> preds = new ArrayList<>();
    for (String p : prediction.split(",", -1)) {
      preds.add(pyStrip(p));
    }
    double sum = 0;
    String[] golds = gold.split(",", -1);
    for (String g : golds) {
      String gs = pyStrip(g);
      double best = 0;
      for (String p : preds) {
        best = Math.max(best, f1(p, gs));
      }
      sum += best;
    }
    return sum / golds.length;
  }

  static List<String> stems(String s) {
    List<String> out = new ArrayList<>();
    for (String w : pySplit(normalize(s))) {
      out.add(PorterStemmer.stem(w));
    }
    return out;
  }

  /** Python's {@code str.lower()} (close enough: Java's root-locale lower case). */
  static String pyLower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** Python's {@code str.split()} with no argument: split on runs of Unicode whitespace. */
  static List<String> pySplit(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); i++) {
      if (isPySpace(s.charAt(i))) {
        if (start >= 0) {
          out.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    return out;
  }

  /** Python's {@code str.strip()} with no argument. */
  static String pyStrip(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && isPySpace(s.charAt(b))) {
      b++;
    }
    while (e > b && isPySpace(s.charAt(e - 1))) {
      e--;
    }
    return s.substring(b, e);
  }

  /** Python's {@code str.isspace()} for one character. */
  static boolean isPySpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }
}
