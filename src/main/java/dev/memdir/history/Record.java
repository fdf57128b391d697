package dev.memdir.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a history segment, for example:
 *
 * <pre>
 * {"v":1,"id":"01JDX3M8Q4ZK6Y5W2R9T7C1B0A","ts":"2026-11-26T08:30:00Z","role":"user","content":"Hi!"}
 * </pre>
 *
 * <p>{@code v}, {@code id}, {@code ts} and {@code role} are required; every other field, known
 * ({@code content}, {@code tool_calls}, {@code tool_call_id}, {@code name}, {@code covers}) or not,
 * is kept as written and written back unchanged.
 */
public final class Record {
  /** The format version this memdir writes. */
  public static final int VERSION = 1;

  /** What {@link #content()} puts before content that is not text. */
  public static final String NOT_TEXT = "[content is not text] ";

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private final ObjectNode node;
  private final String id;
  private final Instant ts;
  private final String role;

  private Record(ObjectNode node, String id, Instant ts, String role) {
    this.node = node;
    this.id = id;
    this.ts = ts;
    this.role = role;
  }

  /** A summary's range: the ids of the first and last record it stands for. */
  public record Covers(String from, String to) {
    /** Validates. */
    public Covers {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** A new record: {@code v}, {@code id}, {@code ts}, then the message's fields. */
  static Record create(String id, Instant ts, Message m) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("v", VERSION);
    n.put("id", id);
    n.put("ts", format(ts));
    n.setAll(m.node());
    return new Record(n, id, ts, m.role());
  }

  /**
   * Parses one line (without its newline).
   *
   * @param warnings receives what is odd but readable (an unknown role, a newer version)
   * @throws IllegalArgumentException saying what is wrong, for a line that is not a record
   */
  static Record parse(byte[] line, int off, int len, List<String> warnings) {
    JsonNode n;
    try {
      n = JSON.readTree(line, off, len);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (n == null || n.isMissingNode()) {
      throw new IllegalArgumentException("blank line");
    }
    if (!n.isObject()) {
      throw new IllegalArgumentException(
          "expected a JSON object, got "
              + n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    }
    ObjectNode o = (ObjectNode) n;
    JsonNode v = o.get("v");
    if (v == null) {
      throw new IllegalArgumentException("missing 'v' (the format version, 1)");
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw new IllegalArgumentException("'v' must be a positive integer, got " + v);
    }
    if (v.intValue() > VERSION) {
      warnings.add(
          "format version "
              + v.intValue()
              + " is newer than this memdir's ("
              + VERSION
              + "); read as version "
              + VERSION);
    }
    String id = text(o, "id");
    if (id.isBlank() || id.length() > 128) {
      throw new IllegalArgumentException("'id' must be 1 to 128 characters, got \"" + id + "\"");
    }
    if (!Ulid.isValid(id)) {
      warnings.add("'id' \"" + id + "\" is not a ULID");
    }
    String tsText = text(o, "ts");
    Instant ts;
    try {
      ts = DateTimeFormatter.ISO_INSTANT.parse(tsText, Instant::from);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'ts' must be an ISO-8601 UTC time like 2026-11-26T08:30:00Z, got \"" + tsText + "\"");
    }
    String role = text(o, "role");
    if (Role.of(role).isEmpty()) {
      warnings.add("unknown role '" + role + "' (known: " + Role.known() + "); kept as is");
    }
    checkKnownFields(o, role, warnings);
    return new Record(o, id, ts, role);
  }

  private static void checkKnownFields(ObjectNode o, String role, List<String> warnings) {
    JsonNode calls = o.get("tool_calls");
    if (calls != null && !calls.isNull() && !calls.isArray()) {
      throw new IllegalArgumentException(
          "'tool_calls' must be a list, got "
              + calls.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    }
    for (String f : new String[] {"tool_call_id", "name"}) {
      JsonNode x = o.get(f);
      if (x != null && !x.isTextual()) {
        throw new IllegalArgumentException("'" + f + "' must be text, got " + x);
      }
    }
    JsonNode covers = o.get("covers");
    if (covers != null) {
      if (!covers.isObject()
          || !covers.path("from").isTextual()
          || !covers.path("to").isTextual()) {
        throw new IllegalArgumentException(
            "'covers' must be {\"from\": ID, \"to\": ID}, got " + covers);
      }
    } else if (role.equals(Role.SUMMARY.word())) {
      warnings.add("a summary without 'covers' does not say which records it stands for");
    }
  }

  private static String text(ObjectNode o, String field) {
    JsonNode x = o.get(field);
    if (x == null || x.isNull()) {
      throw new IllegalArgumentException("missing '" + field + "'");
    }
    if (!x.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be text, got " + x);
    }
    return x.textValue();
  }

  /** The record's ULID. */
  public String id() {
    return id;
  }

  /** When it happened, UTC. */
  public Instant ts() {
    return ts;
  }

  /** The role word, known or not. */
  public String role() {
    return role;
  }

  /** The role, when it is a known one. */
  public Optional<Role> knownRole() {
    return Role.of(role);
  }

  /**
   * The text content; an empty string when the content is missing or null. Content a person wrote
   * as something other than text ({@code {...}}, {@code 42}) is shown as its JSON after {@value
   * #NOT_TEXT}, so it stays visible instead of silently dropping out of the history and the
   * context.
   */
  public String content() {
    JsonNode c = node.get("content");
    if (c == null || c.isNull()) {
      return "";
    }
    return c.isTextual() ? c.textValue() : NOT_TEXT + c;
  }

  /**
   * What is wrong with {@code content} when it is present but not text ("must be a string, got an
   * object"), else empty.
   */
  Optional<String> contentProblem() {
    JsonNode c = node.get("content");
    if (c == null || c.isNull() || c.isTextual()) {
      return Optional.empty();
    }
    String kind =
        c.isObject()
            ? "an object"
            : c.isArray() ? "a list" : c.isBoolean() ? "a boolean" : "a number";
    return Optional.of("'content' must be a string, got " + kind + "; readers show it as JSON");
  }

  /** A field as written, if present (a copy). */
  public Optional<JsonNode> field(String name) {
    JsonNode x = node.get(name);
    return x == null ? Optional.empty() : Optional.of(x.deepCopy());
  }

  /** The {@code tool_calls} of an assistant record. */
  public Optional<JsonNode> toolCalls() {
    return field("tool_calls").filter(JsonNode::isArray);
  }

  /** The {@code tool_call_id} a tool record answers. */
  public Optional<String> toolCallId() {
    return field("tool_call_id").map(JsonNode::textValue);
  }

  /** The {@code name} field (the tool's name on tool records). */
  public Optional<String> name() {
    return field("name").map(JsonNode::textValue);
  }

  /** The range a summary covers. */
  public Optional<Covers> covers() {
    return field("covers").map(c -> new Covers(c.get("from").textValue(), c.get("to").textValue()));
  }

  /** The whole record as JSON (a copy), fields in the order written. */
  public ObjectNode json() {
    return node.deepCopy();
  }

  /** The record as one line of JSON, without the newline. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  byte[] toLine() {
    try {
      byte[] json = JSON.writeValueAsBytes(node);
      byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return line;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  static String format(Instant ts) {
    return DateTimeFormatter.ISO_INSTANT.format(ts.truncatedTo(ChronoUnit.MILLIS));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Record r && r.node.equals(node);
  }

  @Override
  public int hashCode() {
    return node.hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
