package dev.memdir.history;

/**
 * Lines a git merge leaves in a file it could not merge: {@code <<<<<<< }, {@code |||||||}, {@code
 * =======} and {@code >>>>>>> }, each seven characters at the start of a line. Readers skip them in
 * history (they are not records), and validate reports them as such, wherever they are.
 */
public final class ConflictMarker {
  /** What validate says after {@code path:line: }. */
  public static final String MESSAGE =
      "git conflict marker: a merge left this file unresolved; keep what both sides wrote and"
          + " delete the marker lines (memdir sync merges without them)";

  private ConflictMarker() {}

  /** True when {@code line} starts with a conflict marker. */
  public static boolean is(String line) {
    return line.length() >= 7 && is(line.charAt(0), line, line.length());
  }

  static boolean is(byte[] b, int from, int length) {
    if (length < 7 || !markerChar(b[from])) {
      return false;
    }
    for (int i = 1; i < 7; i++) {
      if (b[from + i] != b[from]) {
        return false;
      }
    }
    return length == 7 || b[from] == '=' ? isEnd(b, from + 7, length - 7) : b[from + 7] == ' ';
  }

  private static boolean isEnd(byte[] b, int from, int rest) {
    for (int i = 0; i < rest; i++) {
      if (b[from + i] != ' ' && b[from + i] != '\t' && b[from + i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private static boolean is(char c, String line, int length) {
    if (!markerChar(c)) {
      return false;
    }
    for (int i = 1; i < 7; i++) {
      if (line.charAt(i) != c) {
        return false;
      }
    }
    return length == 7 || c == '=' ? line.substring(7).isBlank() : line.charAt(7) == ' ';
  }

  static boolean markerChar(int c) {
    return c == '<' || c == '>' || c == '=' || c == '|';
  }
}
