package dev.memdir.search;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One passage found by {@link Search#searchFiles}.
 *
 * @param file the file, relative to {@code files/} (what {@code open_files} takes)
 * @param startLine the passage's first line, 1-based
 * @param endLine its last line
 * @param score its BM25 score after speaker preference and neighbour expansion
 * @param date the conversation's date (ISO-8601), for a turn of a conversation log
 * @param speaker who spoke it, for a turn of a conversation log
 * @param text the passage as written (long passages are cut)
 * @param headings the Markdown headings the passage sits under, outermost first (empty outside
 *     {@code .md} files and before a file's first heading)
 */
public record FileHit(
    String file,
    int startLine,
    int endLine,
    double score,
    Optional<String> date,
    Optional<String> speaker,
    String text,
    List<String> headings) {

  /** Validates the fields. */
  public FileHit {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(text, "text");
    headings = List.copyOf(headings);
    if (startLine < 1 || endLine < startLine) {
      throw new IllegalArgumentException("bad line range " + startLine + "-" + endLine);
    }
  }

  /** {@code notes.md:12} or {@code notes.md:12-15}. */
  public String location() {
    return file + ":" + (startLine == endLine ? "" + startLine : startLine + "-" + endLine);
  }

  /** The heading path joined with " › ", e.g. {@code Travel notes › Venice}; empty if none. */
  public String section() {
    return String.join(" › ", headings);
  }

  /** The hit as a model or a person reads it: location, section, date, score, then the text. */
  public String render() {
    StringBuilder sb = new StringBuilder(location());
    if (!headings.isEmpty()) {
      sb.append(" [").append(section()).append(']');
    }
    date.ifPresent(d -> sb.append(" (").append(d).append(')'));
    sb.append(String.format(java.util.Locale.ROOT, " score %.3f%n", score));
    sb.append(text);
    return sb.toString();
  }
}
