package dev.memdir.bench.locomo;

import java.util.HashMap;
import java.util.Map;

/**
 * The Porter stemmer exactly as NLTK runs it by default ({@code PorterStemmer()}, mode
 * NLTK_EXTENSIONS), which LoCoMo's official F1 uses. Lucene's Porter stemmer is the original
 * algorithm and gives different stems (for example for "dying", "flies", "happy" → "happi" vs
 * "happi"/"happy" cases), so F1 parity needs this one.
 *
 * <p>Python indexes strings by code point; so does this class (astral characters are mapped to
 * private-use characters for the duration of one call), so lengths and positions match.
 */
public final class PorterStemmer {
  private static final Map<String, String> IRREGULAR = new HashMap<>();

  static {
    irregular("sky", "sky", "skies");
    irregular("die", "dying");
    irregular("lie", "lying");
    irregular("tie", "tying");
    irregular("news", "news");
    irregular("inning", "innings", "inning");
    irregular("outing", "outings", "outing");
    irregular("canning", "cannings", "canning");
    irregular("howe", "howe");
    irregular("proceed", "proceed");
    irregular("exceed", "exceed");
    irregular("succeed", "succeed");
  }

  private static void irregular(String stem, String... forms) {
    for (String f : forms) {
      IRREGULAR.put(f, stem);
    }
  }

  private PorterStemmer() {}

  /** The NLTK_EXTENSIONS stem of a token (lower-cased first, as NLTK does). */
  public static String stem(String token) {
    String word = token.toLowerCase(java.util.Locale.ROOT);
    String irregular = IRREGULAR.get(token);
    if (irregular != null) {
      return irregular;
    }
    if (word.codePointCount(0, word.length()) != word.length()) {
      return stemAstral(word);
    }
    return stemBmp(word);
  }

  private static String stemBmp(String word) {
    if (word.length() <= 2) {
      return word;
    }
    String s = step1a(word);
    s = step1b(s);
    s = step1c(s);
    s = step2(s);
    s = step3(s);
    s = step4(s);
    s = step5a(s);
    return step5b(s);
  }

  /** Maps each astral code point to one private-use char so indexes count code points. */
  private static String stemAstral(String word) {
    Map<Integer, Character> to = new HashMap<>();
    Map<Character, Integer> back = new HashMap<>();
    char next = '\uE000';
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isSupplementaryCodePoint(cp)) {
        Character c = to.get(cp);
        if (c == null) {
          while (word.indexOf(next) >= 0) {
            next++;
          }
          c = next++;
          to.put(cp, c);
          back.put(c, cp);
        }
        sb.append(c.charValue());
      } else {
        sb.append((char) cp);
      }
    }
    String stemmed = stemBmp(sb.toString());
    StringBuilder out = new StringBuilder();
    for (char c : stemmed.toCharArray()) {
      Integer cp = back.get(c);
      if (cp != null) {
        out.appendCodePoint(cp);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isConsonant(String w, int i) {
    char c = w.charAt(i);
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
      return false;
    }
    if (c == 'y') {
      return i == 0 || !isConsonant(w, i - 1);
    }
    return true;
  }

  /** The number of "vc" pairs in the consonant/vowel pattern of the stem. */
  static int measure(String stem) {
    int m = 0;
    for (int i = 0; i + 1 < stem.length(); i++) {
      if (!isConsonant(stem, i) && isConsonant(stem, i + 1)) {
        m++;
      }
    }
    return m;
  }

  private static boolean positive(String stem) {
    return measure(stem) > 0;
  }

  private static boolean containsVowel(String stem) {
    for (int i = 0; i < stem.length(); i++) {
      if (!isConsonant(stem, i)) {
        return true;
      }
    }
    return false;
  }

  private static boolean endsDoubleConsonant(String w) {
    int n = w.length();
    return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
  }

  private static boolean endsCvc(String w) {
    int n = w.length();
    if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
      char last = w.charAt(n - 1);
      if (last != 'w' && last != 'x' && last != 'y') {
        return true;
      }
    }
    return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
  }

  private interface Condition {
    boolean test(String stem);
  }

  private record Rule(String suffix, String replacement, Condition condition) {}

  /** Applies the first rule whose suffix matches; if its condition fails, stops there. */
  private static String apply(String word, Rule... rules) {
    for (Rule r : rules) {
      if (word.endsWith(r.suffix())) {
        String stem = word.substring(0, word.length() - r.suffix().length());
        return r.condition() == null || r.condition().test(stem) ? stem + r.replacement() : word;
      }
    }
    return word;
  }

  private static String step1a(String w) {
    if (w.endsWith("ies") && w.length() == 4) {
      return w.substring(0, 1) + "ie";
    }
    return apply(
        w,
        new Rule("sses", "ss", null),
        new Rule("ies", "i", null),
        new Rule("ss", "ss", null),
        new Rule("s", "", null));
  }

  private static String step1b(String w) {
    if (w.endsWith("ied")) {
      return w.substring(0, w.length() - 3) + (w.length() == 4 ? "ie" : "i");
    }
    if (w.endsWith("eed")) {
      String stem = w.substring(0, w.length() - 3);
      return measure(stem) > 0 ? stem + "ee" : w;
    }
    String stem = null;
    for (String suffix : new String[] {"ed", "ing"}) {
      if (w.endsWith(suffix)) {
        String s = w.substring(0, w.length() - suffix.length());
        if (containsVowel(s)) {
          stem = s;
          break;
        }
      }
    }
    if (stem == null) {
      return w;
    }
    if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
      return stem + "e";
    }
    if (endsDoubleConsonant(stem)) {
      char last = stem.charAt(stem.length() - 1);
      return last == 'l' || last == 's' || last == 'z'
          ? stem
          : stem.substring(0, stem.length() - 1);
    }
    return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem;
  }

  private static String step1c(String w) {
    return apply(
        w, new Rule("y", "i", stem -> stem.length() > 1 && isConsonant(stem, stem.length() - 1)));
  }

  private static String step2(String w) {
    if (w.endsWith("alli") && positive(w.substring(0, w.length() - 4))) {
      return step2(w.substring(0, w.length() - 4) + "al");
    }
    Condition p = PorterStemmer::positive;
    return apply(
        w,
        new Rule("ational", "ate", p),
        new Rule("tional", "tion", p),
        new Rule("enci", "ence", p),
        new Rule("anci", "ance", p),
        new Rule("izer", "ize", p),
        new Rule("bli", "ble", p),
        new Rule("alli", "al", p),
        new Rule("entli", "ent", p),
        new Rule("eli", "e", p),
        new Rule("ousli", "ous", p),
        new Rule("ization", "ize", p),
        new Rule("ation", "ate", p),
        new Rule("ator", "ate", p),
        new Rule("alism", "al", p),
        new Rule("iveness", "ive", p),
        new Rule("fulness", "ful", p),
        new Rule("ousness", "ous", p),
        new Rule("aliti", "al", p),
        new Rule("iviti", "ive", p),
        new Rule("biliti", "ble", p),
        new Rule("fulli", "ful", p),
        // The 'l' of 'logi' stays with the stem, so short stems like 'geo' work.
        new Rule("logi", "log", stem -> positive(w.substring(0, w.length() - 3))));
  }

  private static String step3(String w) {
    Condition p = PorterStemmer::positive;
    return apply(
        w,
        new Rule("icate", "ic", p),
        new Rule("ative", "", p),
        new Rule("alize", "al", p),
        new Rule("iciti", "ic", p),
        new Rule("ical", "ic", p),
        new Rule("ful", "", p),
        new Rule("ness", "", p));
  }

  private static String step4(String w) {
    Condition gt1 = stem -> measure(stem) > 1;
    return apply(
        w,
        new Rule("al", "", gt1),
        new Rule("ance", "", gt1),
        new Rule("ence", "", gt1),
        new Rule("er", "", gt1),
        new Rule("ic", "", gt1),
        new Rule("able", "", gt1),
        new Rule("ible", "", gt1),
        new Rule("ant", "", gt1),
        new Rule("ement", "", gt1),
        new Rule("ment", "", gt1),
        new Rule("ent", "", gt1),
        new Rule(
            "ion", "", stem -> measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))),
        new Rule("ou", "", gt1),
        new Rule("ism", "", gt1),
        new Rule("ate", "", gt1),
        new Rule("iti", "", gt1),
        new Rule("ous", "", gt1),
        new Rule("ive", "", gt1),
        new Rule("ize", "", gt1));
  }

  private static String step5a(String w) {
    if (w.endsWith("e")) {
      String stem = w.substring(0, w.length() - 1);
      int m = measure(stem);
      if (m > 1 || (m == 1 && !endsCvc(stem))) {
        return stem;
      }
    }
    return w;
  }

  private static String step5b(String w) {
    return apply(w, new Rule("ll", "l", stem -> measure(w.substring(0, w.length() - 1)) > 1));
  }
}
