package dev.memdir.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.memdir.FormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A YAML mapping read from a file, with the line of each top-level key so that a wrong value can be
 * reported as {@code agent.yaml:5: 'max_steps' must be a positive integer, got "lots"}.
 *
 * <p>Typed getters throw {@link FormatException} naming the file, line and key.
 */
public final class YamlMap {
  static final YAMLMapper MAPPER =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .build();

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final ObjectNode root;
  private final Map<String, Integer> keyLines;
  private final Map<String, Integer> nestedLines;
  private final String file;

  private YamlMap(ObjectNode root, Map<String, Integer> keyLines, String file) {
    this(root, keyLines, Map.of(), file);
  }

  private YamlMap(
      ObjectNode root,
      Map<String, Integer> keyLines,
      Map<String, Integer> nestedLines,
      String file) {
    this.root = root;
    this.keyLines = keyLines;
    this.nestedLines = nestedLines;
    this.file = file;
  }

  /** An empty mapping, as for a file without front matter. */
  public static YamlMap empty(String file) {
    return new YamlMap(JsonNodeFactory.instance.objectNode(), Map.of(), file);
  }

  /**
   * Parses YAML text that must be a mapping (or empty).
   *
   * @param yaml the text
   * @param file the file name for messages
   * @param firstLine the file line on which {@code yaml} starts (1 for a whole file)
   */
  public static YamlMap parse(String yaml, String file, int firstLine) {
    if (yaml.isBlank()) {
      return new YamlMap(JsonNodeFactory.instance.objectNode(), Map.of(), file);
    }
    JsonNode node;
    Map<String, Integer> lines = new LinkedHashMap<>();
    Map<String, Integer> nested = new LinkedHashMap<>();
    try {
      node = MAPPER.readTree(yaml);
      try (JsonParser p = MAPPER.getFactory().createParser(yaml)) {
        int depth = 0;
        String parent = null;
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          if (t.isStructStart()) {
            depth++;
          } else if (t.isStructEnd()) {
            depth--;
          } else if (t == JsonToken.FIELD_NAME && depth == 1) {
            parent = p.currentName();
            lines.putIfAbsent(parent, p.currentTokenLocation().getLineNr() + firstLine - 1);
          } else if (t == JsonToken.FIELD_NAME && depth == 2 && parent != null) {
            nested.putIfAbsent(
                parent + "\0" + p.currentName(),
                p.currentTokenLocation().getLineNr() + firstLine - 1);
          }
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      int line = loc != null && loc.getLineNr() > 0 ? loc.getLineNr() + firstLine - 1 : firstLine;
      throw new FormatException(file, line, "invalid YAML: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new FormatException(file, firstLine, "invalid YAML: " + e.getMessage());
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new YamlMap(JsonNodeFactory.instance.objectNode(), Map.of(), file);
    }
    if (!node.isObject()) {
      throw new FormatException(
          file, firstLine, "expected a mapping of keys to values, got a " + kind(node));
    }
    return new YamlMap(
        (ObjectNode) node,
        Collections.unmodifiableMap(lines),
        Collections.unmodifiableMap(nested),
        file);
  }

  /** The keys of several mappings of one file, as one mapping; a later duplicate is dropped. */
  static YamlMap join(List<YamlMap> parts, String file) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    Map<String, Integer> lines = new LinkedHashMap<>();
    Map<String, Integer> nested = new LinkedHashMap<>();
    for (YamlMap part : parts) {
      for (Iterator<Map.Entry<String, JsonNode>> it = part.root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!root.has(e.getKey())) {
          root.set(e.getKey(), e.getValue());
          lines.put(e.getKey(), part.line(e.getKey()));
        }
      }
      part.nestedLines.forEach(nested::putIfAbsent);
    }
    return new YamlMap(
        root, Collections.unmodifiableMap(lines), Collections.unmodifiableMap(nested), file);
  }

  /** Writes a mapping as block-style YAML, keys in the node's order, ending in a newline. */
  public static String write(ObjectNode node) {
    if (node.isEmpty()) {
      return "";
    }
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise YAML", e);
    }
  }

  /** One string as a YAML scalar on one line, quoted only when it must be. */
  public static String scalar(String value) {
    try {
      String out = MAPPER.writeValueAsString(value).strip();
      // A multi-line string comes out as a block; a JSON string is a valid one-line YAML scalar.
      return out.contains("\n") ? JSON.writeValueAsString(value) : out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise YAML", e);
    }
  }

  /** The file named in messages. */
  public String file() {
    return file;
  }

  /** A deep copy of the parsed mapping. */
  public ObjectNode node() {
    return root.deepCopy();
  }

  /** The keys, in file order. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    root.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** Whether the key is present (even with a null value). */
  public boolean has(String key) {
    return root.has(key);
  }

  /** The file line of a top-level key, or 0 when unknown. */
  public int line(String key) {
    return keyLines.getOrDefault(key, 0);
  }

  /**
   * The file line of {@code child} inside the mapping at top-level {@code key}, else the line of
   * {@code key}.
   */
  public int line(String key, String child) {
    return nestedLines.getOrDefault(key + "\0" + child, line(key));
  }

  /** The top-level keys not in {@code known}, in file order, with their values. */
  public ObjectNode unknown(Set<String> known) {
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!known.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return extra;
  }

  /** A string value; numbers and booleans are refused so typos are not silently accepted. */
  public Optional<String> string(String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw error(key, "must be text, got " + describe(v));
    }
    return Optional.of(v.textValue());
  }

  /** An integer of at least {@code min}. */
  public Optional<Integer> integer(String key, int min) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    String what = min == 1 ? "a positive integer" : "an integer >= " + min;
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw error(key, "must be " + what + ", got " + describe(v));
    }
    if (v.intValue() < min) {
      throw error(key, "must be " + what + ", got " + v.intValue());
    }
    return Optional.of(v.intValue());
  }

  /** A number in {@code [min, max]}. */
  public Optional<Double> number(String key, double min, double max) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isNumber() || v.doubleValue() < min || v.doubleValue() > max) {
      throw error(key, "must be a number from " + min + " to " + max + ", got " + describe(v));
    }
    return Optional.of(v.doubleValue());
  }

  /** A boolean ({@code true} or {@code false}). */
  public Optional<Boolean> bool(String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isBoolean()) {
      throw error(key, "must be true or false, got " + describe(v));
    }
    return Optional.of(v.booleanValue());
  }

  /** A list of strings; a single string is taken as a list of one. */
  public Optional<List<String>> stringList(String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isTextual()) {
      return Optional.of(List.of(v.textValue()));
    }
    if (!v.isArray()) {
      throw error(key, "must be a list of text, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw error(key, "must be a list of text, but holds " + describe(item));
      }
      out.add(item.textValue());
    }
    return Optional.of(List.copyOf(out));
  }

  /** A nested mapping. */
  public Optional<ObjectNode> object(String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw error(key, "must be a mapping of keys to values, got " + describe(v));
    }
    return Optional.of((ObjectNode) v.deepCopy());
  }

  /** A format error at the line of {@code key}. */
  public FormatException error(String key, String detail) {
    return new FormatException(file, line(key), "'" + key + "' " + detail);
  }

  static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "\"" + v.textValue() + "\"";
    }
    if (v.isContainerNode()) {
      return "a " + kind(v);
    }
    return v.toString();
  }

  private static String kind(JsonNode v) {
    return v.isArray()
        ? "list"
        : v.isObject()
            ? "mapping"
            : v.isTextual()
                ? "text"
                : v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int nl = message.indexOf('\n');
    String first = (nl < 0 ? message : message.substring(0, nl)).trim();
    return first.isEmpty() ? "syntax error" : first;
  }
}
