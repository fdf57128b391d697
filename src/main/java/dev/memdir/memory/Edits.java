package dev.memdir.memory;

import dev.memdir.EditException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The text operations behind the memory tools, on plain strings. */
final class Edits {
  private Edits() {}

  /** Replaces the single occurrence of {@code old}, or says how often and where it occurs. */
  static String replaceOnce(String label, String value, String old, String replacement) {
    List<Integer> at = new ArrayList<>();
    for (int i = value.indexOf(old); i >= 0; i = value.indexOf(old, i + 1)) {
      at.add(i);
    }
    if (at.isEmpty()) {
      throw new EditException(
          "old text not found in block '" + label + "'; copy it exactly from the block");
    }
    if (at.size() > 1) {
      List<String> lines = new ArrayList<>();
      for (int i : at) {
        lines.add(String.valueOf(lineOf(value, i)));
      }
      throw new EditException(
          "old text occurs "
              + at.size()
              + " times in block '"
              + label
              + "' (lines "
              + String.join(", ", lines)
              + "); include more of the surrounding text so it occurs once");
    }
    int i = at.get(0);
    return value.substring(0, i) + replacement + value.substring(i + old.length());
  }

  /**
   * Replaces {@code old} in a value that changed since the agent read it: only when it still occurs
   * exactly once, so the edit means what it meant.
   */
  static String replaceOnceInChanged(String label, String value, String old, String replacement) {
    int first = value.indexOf(old);
    if (first < 0) {
      throw new EditException(
          "edit refused: block '"
              + label
              + "' changed since the agent read it and the old text is no longer in it; read the"
              + " block again");
    }
    if (value.indexOf(old, first + 1) >= 0) {
      throw new EditException(
          "edit refused: block '"
              + label
              + "' changed since the agent read it and the old text now occurs more than once;"
              + " read the block again and include more of the surrounding text");
    }
    return replaceOnce(label, value, old, replacement);
  }

  /** Inserts {@code text} as lines after line {@code after} (0 = top, -1 = end). */
  static String insertLines(String label, String value, String text, int after) {
    List<String> lines =
        value.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(value.split("\n", -1)));
    int at = after == -1 ? lines.size() : after;
    if (at < 0 || at > lines.size()) {
      throw new EditException(
          "insert line "
              + after
              + " is out of range for block '"
              + label
              + "': use 0 (top) to "
              + lines.size()
              + " (after the last line), or -1 (end)");
    }
    lines.addAll(at, Arrays.asList(text.split("\n", -1)));
    return String.join("\n", lines);
  }

  private static int lineOf(String value, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (value.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
