package dev.memdir.archival;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.EditException;
import dev.memdir.FormatException;
import dev.memdir.format.TextFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A JSONL file of facts to store in bulk ({@code memdir archival import}), one JSON object a line:
 *
 * <pre>
 * {"text":"Ada prefers green tea to coffee.","tags":["preferences"],"date":"2026-11-26"}
 * {"text":"Ada's thesis is on Bernoulli numbers."}
 * </pre>
 *
 * <p>{@code text} is required; {@code tags} (a list of text) and {@code date} (a day, {@code
 * 2026-11-26}, or an ISO-8601 time) are optional, the date defaulting to the time of the import.
 * Other keys are refused, so a misspelt {@code tag} is not silently dropped. The caps of {@link
 * ArchivalStore#check} apply to every line, and the file may hold at most {@link #MAX_FILE_BYTES}.
 * Every error is a {@link FormatException} naming the file and line.
 */
public final class FactImport {
  /** The largest file read. */
  public static final long MAX_FILE_BYTES = 64L << 20;

  private static final Set<String> KEYS = Set.of("text", "tags", "date");
  private static final String EXAMPLE =
      "{\"text\":\"Ada prefers tea.\",\"tags\":[\"preferences\"],\"date\":\"2026-11-26\"}";

  private FactImport() {}

  /**
   * One fact to store.
   *
   * @param text the text as written
   * @param tags its tags
   * @param created its date, when the line gave one
   * @param line the line of the file it came from
   */
  public record NewFact(String text, List<String> tags, Optional<Instant> created, int line) {
    /** Copies the tags. */
    public NewFact {
      tags = List.copyOf(tags);
    }
  }

  /**
   * Reads and checks every line of {@code file} (named {@code display} in messages).
   *
   * @throws FormatException at the first wrong line, or when the file is too large or not UTF-8
   */
  public static List<NewFact> read(Path file, String display) {
    String text = TextFiles.read(file, display, MAX_FILE_BYTES);
    ObjectMapper json = Json.MAPPER;
    List<NewFact> facts = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = json.readTree(line);
      } catch (JsonProcessingException e) {
        throw new FormatException(display, lineNo, "not JSON: " + e.getOriginalMessage());
      }
      if (!(n instanceof ObjectNode o)) {
        throw new FormatException(display, lineNo, "expected a JSON object like " + EXAMPLE);
      }
      facts.add(fact(o, display, lineNo));
    }
    return facts;
  }

  private static NewFact fact(ObjectNode o, String display, int lineNo) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new FormatException(
            display, lineNo, "unknown key '" + key + "' (known: text, tags, date)");
      }
    }
    JsonNode text = o.get("text");
    if (text == null || !text.isTextual()) {
      throw new FormatException(
          display,
          lineNo,
          text == null ? "missing 'text'" : "'text' must be text, got " + text.getNodeType());
    }
    List<String> tags = new ArrayList<>();
    JsonNode t = o.get("tags");
    if (t != null) {
      if (!t.isArray()) {
        throw new FormatException(display, lineNo, "'tags' must be a list of text, got " + t);
      }
      for (JsonNode tag : t) {
        if (!tag.isTextual()) {
          throw new FormatException(display, lineNo, "'tags' must be a list of text, got " + t);
        }
        tags.add(tag.textValue());
      }
    }
    try {
      ArchivalStore.check(text.textValue(), tags);
    } catch (EditException e) {
      throw new FormatException(display, lineNo, e.getMessage());
    }
    return new NewFact(text.textValue(), tags, date(o.get("date"), display, lineNo), lineNo);
  }

  private static Optional<Instant> date(JsonNode d, String display, int lineNo) {
    if (d == null) {
      return Optional.empty();
    }
    String s = d.isTextual() ? d.textValue() : d.toString();
    try {
      if (d.isTextual() && s.length() == 10) {
        return Optional.of(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      if (d.isTextual()) {
        return Optional.of(OffsetDateTime.parse(s).toInstant());
      }
    } catch (DateTimeParseException e) {
      // Reported below.
    }
    throw new FormatException(
        display,
        lineNo,
        "'date' must be a day like 2026-11-26 or a time like 2026-11-26T08:30:00Z, got " + s);
  }

  /** Built on first use: commands that import nothing do not pay for it. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }
}
