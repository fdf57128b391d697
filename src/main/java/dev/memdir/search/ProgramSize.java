package dev.memdir.search;

import dev.memdir.ToolException;

/**
 * An upper estimate of the number of instructions RE2J compiles a pattern into, found before it is
 * compiled: RE2J expands {@code x{n}} into n copies of x, so nested counts multiply ({@code
 * ((a{1000}){1000}){1000}} is a billion instructions and exhausts memory while compiling), and
 * matching costs up to one step per instruction per character. The estimate counts one per
 * character, class, escape or anchor, one per {@code * + ?} and per alternative, and multiplies a
 * repeated part by its largest count plus one. What it cannot read it counts as one character; RE2J
 * still rejects invalid syntax afterwards.
 */
final class ProgramSize {
  /** The largest estimated program accepted. */
  static final long MAX_INSTRUCTIONS = 10_000;

  /** The deepest nesting of groups accepted. */
  static final int MAX_NESTING = 100;

  private final String p;
  private int i;
  private int depth;

  private ProgramSize(String pattern) {
    this.p = pattern;
  }

  /**
   * The estimated size of {@code pattern}'s program.
   *
   * @throws ToolException naming the part of the pattern that goes over {@link #MAX_INSTRUCTIONS}
   *     or {@link #MAX_NESTING}
   */
  static long of(String pattern) {
    ProgramSize s = new ProgramSize(pattern);
    long size = 0;
    while (s.i < pattern.length()) {
      size += s.alternation();
      if (s.i < pattern.length()) {
        s.i++; // an unbalanced ')': RE2J reports it
        size++;
      }
    }
    s.check(size, 0, pattern.length());
    return Math.max(1, size);
  }

  /** Branches separated by {@code |}, up to a {@code )} or the end. */
  private long alternation() {
    long size = concatenation();
    while (i < p.length() && p.charAt(i) == '|') {
      i++;
      size += 1 + concatenation();
    }
    return size;
  }

  private long concatenation() {
    long size = 0;
    while (i < p.length() && p.charAt(i) != '|' && p.charAt(i) != ')') {
      int start = i;
      long item = atom();
      item = quantifiers(item, start);
      size = cap(size + item);
    }
    return size;
  }

  private long quantifiers(long item, int start) {
    while (i < p.length()) {
      char c = p.charAt(i);
      long times;
      if (c == '*' || c == '+' || c == '?') {
        i++;
        times = 1;
        item = cap(item + 1);
      } else if (c == '{') {
        int end = repeatEnd(i);
        if (end < 0) {
          return item; // a literal '{', counted by the next atom
        }
        times = largestCount(p.substring(i + 1, end - 1)) + 1;
        i = end;
        item = cap(item * times + times);
      } else {
        return item;
      }
      if (i < p.length() && p.charAt(i) == '?') {
        i++; // lazy
      }
      check(item, start, i);
    }
    return item;
  }

  /**
   * The index after a counted repetition {@code {n}}, {@code {n,}} or {@code {n,m}} at i, or -1.
   */
  private int repeatEnd(int at) {
    int j = at + 1;
    int digits = 0;
    while (j < p.length() && Character.isDigit(p.charAt(j))) {
      j++;
      digits++;
    }
    if (digits == 0 || j >= p.length()) {
      return -1;
    }
    if (p.charAt(j) == ',') {
      j++;
      while (j < p.length() && Character.isDigit(p.charAt(j))) {
        j++;
      }
    }
    return j < p.length() && p.charAt(j) == '}' ? j + 1 : -1;
  }

  private static long largestCount(String counts) {
    long max = 0;
    for (String n : counts.split(",")) {
      if (!n.isEmpty()) {
        // RE2J refuses counts over 1000; a longer number is capped here and refused there.
        max = Math.max(max, n.length() > 6 ? 1_000_000 : Long.parseLong(n));
      }
    }
    return max;
  }

  private long atom() {
    char c = p.charAt(i);
    if (c == '(') {
      return group();
    }
    if (c == '[') {
      skipClass();
      return 1;
    }
    if (c == '\\') {
      return escape();
    }
    i++;
    return 1;
  }

  private long group() {
    int start = i;
    if (++depth > MAX_NESTING) {
      throw new ToolException(
          "pattern nests groups more than "
              + MAX_NESTING
              + " deep at char "
              + start
              + "; simplify the pattern");
    }
    i++;
    boolean flagsOnly = false;
    if (i < p.length() && p.charAt(i) == '?') {
      int close = p.indexOf(')', i);
      int colon = p.indexOf(':', i);
      if (i + 1 < p.length() && (p.charAt(i + 1) == 'P' || p.charAt(i + 1) == '<')) {
        int gt = p.indexOf('>', i);
        i = gt < 0 ? p.length() : gt + 1; // (?P<name> or (?<name>
      } else if (close >= 0 && (colon < 0 || close < colon)) {
        i = close; // (?i): flags only
        flagsOnly = true;
      } else {
        i = colon < 0 ? p.length() : colon + 1; // (?i:
      }
    }
    long size = flagsOnly ? 0 : 2 + alternation();
    if (i < p.length() && p.charAt(i) == ')') {
      i++;
    }
    depth--;
    check(size, start, i);
    return size;
  }

  private void skipClass() {
    int j = i + 1;
    if (j < p.length() && p.charAt(j) == '^') {
      j++;
    }
    if (j < p.length() && p.charAt(j) == ']') {
      j++;
    }
    while (j < p.length() && p.charAt(j) != ']') {
      if (p.startsWith("[:", j)) {
        int end = p.indexOf(":]", j + 2);
        j = end < 0 ? j + 1 : end + 2;
      } else {
        j += p.charAt(j) == '\\' ? 2 : 1;
      }
    }
    i = Math.min(p.length(), j + 1);
  }

  private long escape() {
    if (i + 1 >= p.length()) {
      i++;
      return 1;
    }
    char e = p.charAt(i + 1);
    i += 2;
    if (e == 'Q') {
      int end = p.indexOf("\\E", i);
      int stop = end < 0 ? p.length() : end;
      long n = stop - i;
      i = end < 0 ? p.length() : end + 2;
      return Math.max(1, n);
    }
    if ((e == 'p' || e == 'P' || e == 'x') && i < p.length() && p.charAt(i) == '{') {
      int end = p.indexOf('}', i);
      i = end < 0 ? p.length() : end + 1;
    } else if (e == 'p' || e == 'P') {
      i = Math.min(p.length(), i + 1);
    } else if (e == 'x') {
      i = Math.min(p.length(), i + 2);
    }
    return 1;
  }

  private void check(long size, int from, int to) {
    if (size > MAX_INSTRUCTIONS) {
      String part = p.substring(from, to);
      if (part.length() > 80) {
        part = part.substring(0, 80) + "…";
      }
      throw new ToolException(
          "pattern too large: '"
              + part.replace("\0", "\\0")
              + "' expands to about "
              + (size >= Long.MAX_VALUE / 4 ? "more than 10^18" : String.format("%,d", size))
              + " instructions, over the limit of "
              + String.format("%,d", MAX_INSTRUCTIONS)
              + " (counted repetitions multiply when nested); use smaller counts, or + and *");
    }
  }

  private static long cap(long n) {
    return n < 0 || n > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : n;
  }
}
