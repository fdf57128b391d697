package dev.memdir.search;

import java.util.List;
import java.util.Objects;

/**
 * One line that matched {@link Search#grepFiles}, with its context.
 *
 * @param file the file, relative to {@code files/}
 * @param line the 1-based line number
 * @param text the line (a long line is cut around the match)
 * @param before up to {@code context_lines} lines before it
 * @param after up to {@code context_lines} lines after it
 */
public record GrepMatch(
    String file, int line, String text, List<ContextLine> before, List<ContextLine> after) {

  /**
   * A line shown around a match.
   *
   * @param line its 1-based number
   * @param text the line (cut when long)
   */
  public record ContextLine(int line, String text) {
    /** Validates the fields. */
    public ContextLine {
      Objects.requireNonNull(text, "text");
    }
  }

  /** Validates and copies. */
  public GrepMatch {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(text, "text");
    before = List.copyOf(before);
    after = List.copyOf(after);
  }

  /** The match as grep prints it: {@code file-N-} context lines and {@code file:N:} the match. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (ContextLine c : before) {
      sb.append(file).append('-').append(c.line()).append('-').append(c.text()).append('\n');
    }
    sb.append(file).append(':').append(line).append(':').append(text);
    for (ContextLine c : after) {
      sb.append('\n').append(file).append('-').append(c.line()).append('-').append(c.text());
    }
    return sb.toString();
  }
}
