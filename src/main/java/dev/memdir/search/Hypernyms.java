package dev.memdir.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 * table (53k nouns) is read once, on first use.
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

  /**
   * The table as it is in the jar (3.5 MB of bytes, one noun per line, sorted) and where each line
   * starts: a noun is found by binary search, so reading it costs one read and one pass, not 53k
   * map entries.
   */
  private static final class Table {
    static final byte[] BYTES = read();
    static final int[] LINES = lines(BYTES);

    private static byte[] read() {
      try (InputStream in = Hypernyms.class.getResourceAsStream("hypernyms.tsv")) {
        if (in == null) {
          throw new IllegalStateException("hypernyms.tsv is missing from memdir's jar");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read hypernyms.tsv from memdir's jar", e);
      }
    }

    /** The starts of the lines that are not comments. */
    private static int[] lines(byte[] b) {
      int[] starts = new int[1 << 16];
      int n = 0;
      for (int i = 0; i < b.length; ) {
        int eol = i;
        while (eol < b.length && b[eol] != '\n') {
          eol++;
        }
        if (b[i] != '#' && eol > i) {
          if (n == starts.length) {
            starts = Arrays.copyOf(starts, n * 2);
          }
          starts[n++] = i;
        }
        i = eol + 1;
      }
      return Arrays.copyOf(starts, n);
    }

    /** The hypernyms of {@code noun} (lower-case ASCII letters), or null. */
    static String get(String noun) {
      int lo = 0;
      int hi = LINES.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int at = LINES[mid];
        int c = compare(at, noun);
        if (c == 0) {
          int tab = at + noun.length();
          int eol = tab + 1;
          while (eol < BYTES.length && BYTES[eol] != '\n') {
            eol++;
          }
          return new String(BYTES, tab + 1, eol - tab - 1, StandardCharsets.US_ASCII);
        } else if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return null;
    }

    /** The line at {@code at}'s noun compared with {@code noun}. */
    private static int compare(int at, String noun) {
      int i = 0;
      for (; ; i++) {
        byte b = BYTES[at + i];
        boolean lineEnds = b == '\t';
        boolean nounEnds = i == noun.length();
        if (lineEnds || nounEnds) {
          return lineEnds == nounEnds ? 0 : lineEnds ? -1 : 1;
        }
        int c = Character.compare((char) b, noun.charAt(i));
        if (c != 0) {
          return c;
        }
      }
    }
  }

  /** The hypernym words of {@code word} (space-separated), or null when it has none. */
  static String of(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    if (!isWord(w)) {
      return null;
    }
    String h = Table.get(w);
    if (h != null) {
      return h;
    }
    for (String[] rule : PLURALS) {
      if (w.length() > rule[0].length() + 2 && w.endsWith(rule[0])) {
        h = Table.get(w.substring(0, w.length() - rule[0].length()) + rule[1]);
        if (h != null) {
          return h;
        }
      }
    }
    return null;
  }

  /**
   * The hypernym words of every word of {@code text}, in order and with repeats, as one string;
   * empty when none has any. (What {@link #stream} indexes, before analysis.)
   */
  static String ofText(String text) {
    StringBuilder out = new StringBuilder();
    for (String word : words(text)) {
      String h = of(word);
      if (h != null) {
        out.append(h).append(' ');
      }
    }
    return out.toString();
  }

  /**
   * The most words whose analysed hypernyms are kept per analyzer (a few MB): a conversation's
   * nouns are a few thousand; a process that indexes more analyses the rest each time.
   */
  static final int MAX_CACHED = 16_384;

  /** Analysed hypernym terms per word and analyzer, so a word's hypernyms are analysed once. */
  private static final Map<String, Map<String, List<String>>> ANALYSED = new ConcurrentHashMap<>();

  /**
   * The index terms of {@link #ofText}{@code (text)} as {@code analyzer} gives them, each word's
   * hypernyms analysed once per process (only words that have hypernyms are kept, at most {@link
   * #MAX_CACHED}); null when there are none.
   */
  static TokenStream stream(SearchAnalyzer analyzer, String field, String text) {
    Map<String, List<String>> cache =
        ANALYSED.computeIfAbsent(analyzer.signature(), k -> new ConcurrentHashMap<>());
    List<String> terms = new ArrayList<>();
    for (String word : words(text)) {
      String w = word.toLowerCase(Locale.ROOT);
      List<String> t = cache.get(w);
      if (t == null) {
        String h = of(w);
        if (h == null) {
          continue;
        }
        t = List.copyOf(analyzer.terms(field, h));
        if (cache.size() < MAX_CACHED) {
          cache.put(w, t);
        }
      }
      terms.addAll(t);
    }
    return terms.isEmpty() ? null : new Listed(terms);
  }

  /** The words of {@code text} looked up: runs of 3 or more ASCII letters. */
  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
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
        out.add(text.substring(start, i));
      }
    }
    return out;
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

  private static boolean isWord(String w) {
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return !w.isEmpty();
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
