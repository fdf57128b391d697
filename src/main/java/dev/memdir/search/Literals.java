package dev.memdir.search;

import java.util.Optional;

/**
 * Plain strings hidden in regular expressions, for grep's shortcut: a pattern that is only a
 * string, or the longest string every match of a pattern must contain. The analysis is
 * conservative: when in doubt (alternation, inline flags, {@code \Q}) it finds nothing, and grep
 * runs the pattern on every line.
 */
final class Literals {
  private static final String META = "\\.+*?()|[]{}^$";

  private Literals() {}

  /** The string a pattern matches when it has no operators ({@code foo\.bar} is "foo.bar"). */
  static Optional<String> whole(String pattern) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        if (i + 1 >= pattern.length()) {
          return Optional.empty();
        }
        char n = pattern.charAt(++i);
        if (Character.isLetterOrDigit(n) || n > 127) {
          return Optional.empty();
        }
        sb.append(n);
      } else if (META.indexOf(c) >= 0 || c == '\n' || c == '\r') {
        return Optional.empty();
      } else {
        sb.append(c);
      }
    }
    return sb.length() == 0 ? Optional.empty() : Optional.of(sb.toString());
  }

  /**
   * The longest run of plain characters, outside groups and classes, that every match contains,
   * when it is at least two characters long.
   */
  static Optional<String> required(String pattern) {
    if (pattern.contains("(?") || pattern.contains("\\Q")) {
      return Optional.empty();
    }
    String best = "";
    StringBuilder run = new StringBuilder();
    int i = 0;
    int n = pattern.length();
    while (i < n) {
      char c = pattern.charAt(i);
      if (c == '|') {
        return Optional.empty();
      }
      if (c == '\\') {
        if (i + 1 >= n) {
          return Optional.empty();
        }
        char e = pattern.charAt(i + 1);
        i += 2;
        if (Character.isLetterOrDigit(e) || e > 127) {
          best = longer(best, run);
          run.setLength(0);
          if (e == 'p' || e == 'P') {
            i = skipBraces(pattern, i);
          }
          continue;
        }
        i = quantified(pattern, i, run, e);
        if (i < 0) {
          best = longer(best, run);
          run.setLength(0);
          i = -i;
        }
        continue;
      }
      if (c == '[') {
        best = longer(best, run);
        run.setLength(0);
        i = skipClass(pattern, i);
        if (i < 0) {
          return Optional.empty();
        }
        continue;
      }
      if (c == '(') {
        best = longer(best, run);
        run.setLength(0);
        i = skipGroup(pattern, i);
        if (i < 0) {
          return Optional.empty();
        }
        continue;
      }
      if (c == '.' || c == '^' || c == '$' || c == '\n' || c == '\r') {
        best = longer(best, run);
        run.setLength(0);
        i++;
        continue;
      }
      if (c == '*' || c == '+' || c == '?' || c == '{' || c == ')' || c == ']' || c == '}') {
        // A quantifier after something that is not a plain character, or a stray bracket.
        best = longer(best, run);
        run.setLength(0);
        i = c == '{' ? skipBraces(pattern, i) : i + 1;
        continue;
      }
      i = quantified(pattern, i + 1, run, c);
      if (i < 0) {
        best = longer(best, run);
        run.setLength(0);
        i = -i;
      }
    }
    best = longer(best, run);
    return best.length() >= 2 ? Optional.of(best) : Optional.empty();
  }

  /**
   * Adds {@code c} to the run when no quantifier makes it optional; returns the next index, or its
   * negation when the run must end there.
   */
  private static int quantified(String p, int next, StringBuilder run, char c) {
    if (next < p.length()) {
      char q = p.charAt(next);
      if (q == '*' || q == '?' || q == '{') {
        int after = q == '{' ? skipBraces(p, next) : next + 1;
        after = skipLazy(p, after);
        return -after;
      }
      if (q == '+') {
        run.append(c);
        return -skipLazy(p, next + 1);
      }
    }
    run.append(c);
    return next;
  }

  private static int skipLazy(String p, int i) {
    return i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == '+') ? i + 1 : i;
  }

  private static int skipBraces(String p, int i) {
    if (i < p.length() && p.charAt(i) == '{') {
      int end = p.indexOf('}', i);
      return end < 0 ? p.length() : end + 1;
    }
    return i;
  }

  /** The index after the class starting at {@code i} and its quantifier, or -1. */
  private static int skipClass(String p, int i) {
    int j = i + 1;
    if (j < p.length() && p.charAt(j) == '^') {
      j++;
    }
    if (j < p.length() && p.charAt(j) == ']') {
      j++;
    }
    while (j < p.length() && p.charAt(j) != ']') {
      j += p.charAt(j) == '\\' ? 2 : 1;
    }
    if (j >= p.length()) {
      return -1;
    }
    return skipQuantifier(p, j + 1);
  }

  /** The index after the group starting at {@code i} and its quantifier, or -1. */
  private static int skipGroup(String p, int i) {
    int depth = 0;
    int j = i;
    while (j < p.length()) {
      char c = p.charAt(j);
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == '[') {
        int k = skipClassOnly(p, j);
        if (k < 0) {
          return -1;
        }
        j = k;
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth == 0) {
          return skipQuantifier(p, j + 1);
        }
      }
      j++;
    }
    return -1;
  }

  private static int skipClassOnly(String p, int i) {
    int j = i + 1;
    if (j < p.length() && p.charAt(j) == '^') {
      j++;
    }
    if (j < p.length() && p.charAt(j) == ']') {
      j++;
    }
    while (j < p.length() && p.charAt(j) != ']') {
      j += p.charAt(j) == '\\' ? 2 : 1;
    }
    return j >= p.length() ? -1 : j + 1;
  }

  private static int skipQuantifier(String p, int i) {
    if (i < p.length()) {
      char q = p.charAt(i);
      if (q == '*' || q == '+' || q == '?') {
        return skipLazy(p, i + 1);
      }
      if (q == '{') {
        return skipLazy(p, skipBraces(p, i));
      }
    }
    return i;
  }

  private static String longer(String best, CharSequence run) {
    return run.length() > best.length() ? run.toString() : best;
  }

  /**
   * Case-folds each char to one char, so positions in the folded text are positions in the
   * original; chars RE2 treats as the same letter (k, K and the Kelvin sign) fold together.
   */
  static String fold(String s) {
    char[] out = new char[s.length()];
    boolean changed = false;
    for (int i = 0; i < out.length; i++) {
      char c = s.charAt(i);
      char f = c < 128 ? asciiLower(c) : Character.toLowerCase(Character.toUpperCase(c));
      out[i] = f;
      changed |= f != c;
    }
    return changed ? new String(out) : s;
  }

  private static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }
}
