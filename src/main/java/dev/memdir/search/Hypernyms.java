package dev.memdir.search;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The hypernyms of a text's nouns, from WordNet 3.1 (the table {@code hypernyms.tsv} beside this
 * class, written by {@code HypernymTableGenerator}; licence in {@code WORDNET-LICENSE.txt}). A
 * passage's hypernyms are indexed in a field of their own, so that a question asking for a kind of
 * thing ("which cities", "what sports") finds the turns that name one ("Chicago", "surfing") — the
 * misses that lexical search cannot otherwise reach (docs/SEARCH.md, "Hypernyms").
 *
 * <p>Words are looked up lower-cased; a plural not in the table is tried in its singular forms
 * (WordNet's own detachment rules for nouns: {@code -ies → -y}, {@code -ches → -ch}, ...). The
 * table (55k nouns) is read once, on first use.
 */
final class Hypernyms {
  private Hypernyms() {}

  /** WordNet's noun detachment rules (morphy), suffix and replacement. */
  private static final String[][] PLURALS = {
    {"ies", "y"},
    {"ches", "ch"},
    {"shes", "sh"},
    {"xes", "x"},
    {"ses", "s"},
    {"zes", "z"},
    {"men", "man"},
    {"s", ""}
  };

  /** The table, read on first use. */
  private static final class Table {
    static final Map<String, String> MAP = read();

    private static Map<String, String> read() {
      Map<String, String> m = new HashMap<>(1 << 17);
      try (InputStream in = Hypernyms.class.getResourceAsStream("hypernyms.tsv")) {
        if (in == null) {
          throw new IllegalStateException("hypernyms.tsv is missing from memdir's jar");
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          int tab = line.indexOf('\t');
          if (tab > 0 && line.charAt(0) != '#') {
            m.put(line.substring(0, tab), line.substring(tab + 1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read hypernyms.tsv from memdir's jar", e);
      }
      return m;
    }
  }

  /** The hypernym words of {@code word} (space-separated), or null when it has none. */
  static String of(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    String h = Table.MAP.get(w);
    if (h != null) {
      return h;
    }
    for (String[] rule : PLURALS) {
      if (w.length() > rule[0].length() + 2 && w.endsWith(rule[0])) {
        h = Table.MAP.get(w.substring(0, w.length() - rule[0].length()) + rule[1]);
        if (h != null) {
          return h;
        }
      }
    }
    return null;
  }

  /**
   * The hypernym words of every word of {@code text} (runs of ASCII letters), in order and with
   * repeats, as one string to index; empty when none has any.
   */
  static String ofText(String text) {
    StringBuilder out = new StringBuilder();
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && !isLetter(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && isLetter(text.charAt(i))) {
        i++;
      }
      if (i - start >= 3) {
        String h = of(text.substring(start, i));
        if (h != null) {
          out.append(h).append(' ');
        }
      }
    }
    return out.toString();
  }

  /** Analysed hypernym terms per word and analyzer, so a word's hypernyms are analysed once. */
  private static final Map<String, Map<String, List<String>>> ANALYSED = new ConcurrentHashMap<>();

  /**
   * The index terms of the hypernyms of {@code text}'s words as {@link #ofText} then {@code
   * analyzer} would give them, with each word's hypernyms analysed once per process (only words
   * that have hypernyms are kept, at most the table's 55k); null when there are none.
   */
  static TokenStream stream(SearchAnalyzer analyzer, String field, String text) {
    Map<String, List<String>> cache =
        ANALYSED.computeIfAbsent(analyzer.signature(), k -> new ConcurrentHashMap<>());
    List<String> terms = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && !isLetter(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && isLetter(text.charAt(i))) {
        i++;
      }
      if (i - start >= 3) {
        String word = text.substring(start, i).toLowerCase(Locale.ROOT);
        List<String> t = cache.get(word);
        if (t == null) {
          String h = of(word);
          if (h == null) {
            continue;
          }
          t = List.copyOf(analyzer.terms(field, h));
          cache.put(word, t);
        }
        terms.addAll(t);
      }
    }
    return terms.isEmpty() ? null : new Listed(terms);
  }

  /** A token stream of terms already analysed. */
  private static final class Listed extends TokenStream {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final List<String> terms;
    private int next;

    Listed(List<String> terms) {
      this.terms = terms;
    }

    @Override
    public boolean incrementToken() {
      if (next >= terms.size()) {
        return false;
      }
      clearAttributes();
      term.setEmpty().append(terms.get(next++));
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      next = 0;
    }
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
