package dev.memdir.search;

import java.util.List;
import java.util.Objects;

/**
 * An open file window: some lines of a file under {@code files/}, as kept in the context.
 *
 * @param file the file, relative to {@code files/}
 * @param offset the first line shown, 1-based
 * @param length the number of lines asked for
 * @param totalLines the number of lines in the file
 * @param lines the lines shown, from {@code offset} on (long lines are cut)
 */
public record FileWindow(String file, int offset, int length, int totalLines, List<String> lines) {
  /** Validates and copies. */
  public FileWindow {
    Objects.requireNonNull(file, "file");
    lines = List.copyOf(lines);
  }

  /** The last line shown. */
  public int lastLine() {
    return lines.isEmpty() ? offset - 1 : offset + lines.size() - 1;
  }

  /** The header line, like {@code [notes.md lines 40–80 of 312]}. */
  public String header() {
    if (lines.isEmpty()) {
      return "[" + file + " is empty]";
    }
    return "[" + file + " lines " + offset + "–" + lastLine() + " of " + totalLines + "]";
  }

  /** The header, then each line with its number. */
  public String render() {
    StringBuilder sb = new StringBuilder(header());
    int width = Integer.toString(Math.max(1, lastLine())).length();
    for (int i = 0; i < lines.size(); i++) {
      String no = Integer.toString(offset + i);
      sb.append('\n').append(" ".repeat(width - no.length())).append(no).append(": ");
      sb.append(lines.get(i));
    }
    return sb.toString();
  }
}
