package dev.memdir.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A JSONL file of messages to append to the history in bulk ({@code memdir history import}), one
 * JSON object a line:
 *
 * <pre>
 * {"role":"user","content":"Where did we leave the thesis?","ts":"2026-11-26T08:30:00Z"}
 * {"role":"assistant","content":"Chapter 3, the proofs."}
 * </pre>
 *
 * <p>{@code role} is required (checked as {@code history append} checks it; an unknown one is kept,
 * with a warning), {@code content} is text (it may be missing only beside {@code tool_calls}), and
 * {@code ts} is an optional ISO-8601 time (default: the time of the import). Other fields ({@code
 * tool_calls}, {@code name}, ...) are kept; {@code v} and {@code id} are dropped, so the lines of a
 * history segment import as well, under new ids. Blank lines are skipped. A line over {@link
 * HistoryLog#MAX_LINE_BYTES} or a wrong one is a {@link FormatException} naming the file and line.
 */
public final class HistoryImport {
  private final Path file;
  private final String display;
  private final Instant now;
  private final Set<String> unknownRoles = new LinkedHashSet<>();

  /**
   * An import of {@code file}, named {@code display} in messages, whose lines without {@code ts}
   * get the time {@code now}.
   */
  public HistoryImport(Path file, String display, Instant now) {
    this.file = file;
    this.display = display;
    this.now = now;
  }

  /**
   * Reads every line, handing the messages to {@code sink} in batches of up to {@code batch}.
   *
   * @return the number of messages read
   * @throws FormatException at the first wrong line, before that line's batch reaches the sink
   */
  public long read(int batch, Consumer<List<HistoryLog.Entry>> sink) {
    long count = 0;
    List<HistoryLog.Entry> entries = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        LineReader r = new LineReader(in, 0, HistoryLog.MAX_LINE_BYTES)) {
      int lineNo = 0;
      for (LineReader.Line l = r.next(); l != null; l = r.next()) {
        lineNo++;
        if (l.overLimit) {
          throw new FormatException(
              display, lineNo, "a line may be at most " + HistoryLog.MAX_LINE_BYTES + " bytes");
        }
        if (isBlank(l.bytes, l.length)) {
          continue;
        }
        entries.add(entry(l.bytes, l.length, lineNo));
        count++;
        if (entries.size() >= batch) {
          sink.accept(List.copyOf(entries));
          entries.clear();
        }
      }
    } catch (NoSuchFileException e) {
      throw new MemdirException("cannot read " + display + ": no such file");
    } catch (IOException e) {
      throw new MemdirException("cannot read " + display + ": " + e.getMessage(), e);
    }
    if (!entries.isEmpty()) {
      sink.accept(List.copyOf(entries));
    }
    return count;
  }

  /** The unknown roles met so far, each once, in the order met. */
  public List<String> unknownRoles() {
    return List.copyOf(unknownRoles);
  }

  private HistoryLog.Entry entry(byte[] bytes, int length, int lineNo) {
    JsonNode n;
    try {
      n = Record.JSON.readTree(bytes, 0, length);
    } catch (JsonProcessingException e) {
      throw new FormatException(display, lineNo, "not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new FormatException(display, lineNo, "not JSON: " + e.getMessage());
    }
    if (!(n instanceof ObjectNode o)) {
      throw new FormatException(display, lineNo, "expected a JSON object like " + EXAMPLE);
    }
    JsonNode content = o.get("content");
    if (content == null ? !o.has("tool_calls") : !content.isTextual()) {
      throw new FormatException(
          display,
          lineNo,
          content == null ? "missing 'content' (text)" : "'content' must be text, got " + content);
    }
    Message m;
    try {
      m = Message.fromJson(o);
    } catch (IllegalArgumentException e) {
      throw new FormatException(
          display, lineNo, e.getMessage() + "; expected a line like " + EXAMPLE);
    }
    if (Role.of(m.role()).isEmpty()) {
      unknownRoles.add(m.role());
    }
    return new HistoryLog.Entry(m, time(o.get("ts"), lineNo));
  }

  private Instant time(JsonNode ts, int lineNo) {
    if (ts == null) {
      return now;
    }
    if (!ts.isTextual()) {
      throw new FormatException(display, lineNo, "'ts' must be an ISO-8601 time text, got " + ts);
    }
    try {
      return OffsetDateTime.parse(ts.textValue()).toInstant();
    } catch (DateTimeParseException e) {
      throw new FormatException(
          display,
          lineNo,
          "'ts' must be an ISO-8601 time like 2026-11-26T08:30:00Z, got \""
              + ts.textValue()
              + "\"");
    }
  }

  private static boolean isBlank(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private static final String EXAMPLE = "{\"role\":\"user\",\"content\":\"Hello\"}";
}
