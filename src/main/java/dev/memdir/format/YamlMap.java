package dev.memdir.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.memdir.FormatException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping read from a file, with the line of each top-level key so that a wrong value can be
 * reported as {@code agent.yaml:5: 'max_steps' must be a positive integer, got "lots"}.
 *
 * <p>Plain scalars are read as a person means them, not as YAML 1.1 does: numbers are plain decimal
 * ({@code 05000} is 5000), {@code 0x10}, {@code 5_000} and {@code 1:30} stay text, only {@code
 * true}/{@code false} are booleans, and an alias reads as its anchor's value.
 *
 * <p>Typed getters throw {@link FormatException} naming the file, line and key.
 */
public final class YamlMap {
  /** Built on first write: reading agent.yaml (every command) needs neither mapper. */
  private static final class Mappers {
    static final YAMLMapper YAML =
        YAMLMapper.builder(
                YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .build();

    static final com.fasterxml.jackson.databind.ObjectMapper JSON =
        new com.fasterxml.jackson.databind.ObjectMapper();
  }

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
    Node doc;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(50);
      doc = new Yaml(options).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      throw new FormatException(file, yamlLine(e, yaml, firstLine), yamlReason(e, yaml));
    } catch (YAMLException e) {
      throw new FormatException(file, firstLine, "invalid YAML: " + firstLine(e.getMessage()));
    }
    if (doc == null) {
      return new YamlMap(JsonNodeFactory.instance.objectNode(), Map.of(), file);
    }
    Map<String, Integer> lines = new LinkedHashMap<>();
    Map<String, Integer> nested = new LinkedHashMap<>();
    JsonNode node = new Tree(file, firstLine, lines, nested).convert(doc, 0, null);
    if (node.isNull()) {
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

  /** Plain decimal, as a person writes a number; leading zeros are decimal too ({@code 05000}). */
  private static final Pattern DECIMAL_INT = Pattern.compile("[-+]?[0-9]+");

  private static final Pattern DECIMAL_FLOAT =
      Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

  /**
   * What YAML 1.1 reads as a number but a person likely did not mean as one: {@code 0x10}, {@code
   * 0o17}, {@code 0b101}, {@code 5_000}, {@code 1:30} (90). These stay text, so a key that needs a
   * number says so with its line.
   */
  private static final Pattern OTHER_NUMBER = Pattern.compile("[-+]?[0-9][0-9a-zA-Z_:.]*");

  /**
   * Turns a composed YAML node graph into JSON nodes, reading plain scalars as a person means them
   * (YAML 1.2 core: decimal numbers only, {@code true}/{@code false}, {@code null}/{@code ~}) and
   * aliases as the value of their anchor.
   */
  private static final class Tree {
    private static final int MAX_VALUES = 100_000;

    private final String file;
    private final int firstLine;
    private final Map<String, Integer> lines;
    private final Map<String, Integer> nested;
    private final Set<Node> path = Collections.newSetFromMap(new IdentityHashMap<>());
    private int values;

    Tree(String file, int firstLine, Map<String, Integer> lines, Map<String, Integer> nested) {
      this.file = file;
      this.firstLine = firstLine;
      this.lines = lines;
      this.nested = nested;
    }

    private int line(Node n) {
      return n.getStartMark() == null ? firstLine : n.getStartMark().getLine() + firstLine;
    }

    JsonNode convert(Node n, int depth, String parent) {
      if (++values > MAX_VALUES) {
        // Aliases of aliases expand exponentially ("billion laughs"); no hand-written file needs
        // this.
        throw new FormatException(
            file, line(n), "aliases expand to more than " + MAX_VALUES + " values; refused");
      }
      if (!path.add(n)) {
        throw new FormatException(file, line(n), "an alias refers to the mapping or list it is in");
      }
      try {
        if (n instanceof ScalarNode s) {
          return scalar(s);
        }
        if (n instanceof SequenceNode seq) {
          ArrayNode arr = JsonNodeFactory.instance.arrayNode();
          for (Node item : seq.getValue()) {
            arr.add(convert(item, depth + 1, null));
          }
          return arr;
        }
        return mapping((MappingNode) n, depth, parent);
      } finally {
        path.remove(n);
      }
    }

    private ObjectNode mapping(MappingNode m, int depth, String parent) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      Set<String> merged = new java.util.HashSet<>();
      for (NodeTuple t : m.getValue()) {
        Node k = t.getKeyNode();
        if (!(k instanceof ScalarNode ks)) {
          throw new FormatException(file, line(k), "a key must be text, got a mapping or list");
        }
        if (k.getTag().equals(Tag.MERGE)) {
          merge(o, merged, convert(t.getValueNode(), depth, parent), line(k));
          continue;
        }
        String key = ks.getValue();
        if (o.has(key) && !merged.remove(key)) {
          throw new FormatException(file, line(k), "duplicate key '" + key + "'");
        }
        if (depth == 0) {
          lines.putIfAbsent(key, line(k));
        } else if (depth == 1 && parent != null) {
          nested.putIfAbsent(parent + "\0" + key, line(k));
        }
        o.set(key, convert(t.getValueNode(), depth + 1, depth == 0 ? key : null));
      }
      return o;
    }

    private void merge(ObjectNode o, Set<String> merged, JsonNode from, int line) {
      List<JsonNode> sources = new ArrayList<>();
      if (from.isArray()) {
        from.forEach(sources::add);
      } else {
        sources.add(from);
      }
      for (JsonNode src : sources) {
        if (!src.isObject()) {
          throw new FormatException(file, line, "'<<' must merge a mapping, got a " + kind(src));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = src.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!o.has(e.getKey())) {
            o.set(e.getKey(), e.getValue().deepCopy());
            merged.add(e.getKey());
          }
        }
      }
    }

    private JsonNode scalar(ScalarNode s) {
      String v = s.getValue();
      if (s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN || s.getTag().equals(Tag.STR)) {
        return TextNode.valueOf(v);
      }
      if (v.isEmpty()
          || v.equals("~")
          || v.equals("null")
          || v.equals("Null")
          || v.equals("NULL")) {
        return NullNode.getInstance();
      }
      if (v.equals("true") || v.equals("True") || v.equals("TRUE")) {
        return BooleanNode.TRUE;
      }
      if (v.equals("false") || v.equals("False") || v.equals("FALSE")) {
        return BooleanNode.FALSE;
      }
      if (DECIMAL_INT.matcher(v).matches()) {
        BigInteger i = new BigInteger(v.startsWith("+") ? v.substring(1) : v);
        if (i.bitLength() < 32) {
          return IntNode.valueOf(i.intValue());
        }
        return i.bitLength() < 64 ? LongNode.valueOf(i.longValue()) : BigIntegerNode.valueOf(i);
      }
      if (DECIMAL_FLOAT.matcher(v).matches()) {
        return DoubleNode.valueOf(Double.parseDouble(v));
      }
      return TextNode.valueOf(v);
    }
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
      return Mappers.YAML.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise YAML", e);
    }
  }

  /** One string as a YAML scalar on one line, quoted only when it must be. */
  public static String scalar(String value) {
    try {
      String out = Mappers.YAML.writeValueAsString(value).strip();
      // A multi-line string comes out as a block; a JSON string is a valid one-line YAML scalar.
      return out.contains("\n") ? Mappers.JSON.writeValueAsString(value) : out;
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
      throw error(key, "must be " + what + ", got " + describe(v) + numberHint(v));
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
      throw error(
          key,
          "must be a number from " + min + " to " + max + ", got " + describe(v) + numberHint(v));
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

  /** A hint for a number written in a form YAML 1.1 reads but memdir does not (0x10, 5_000). */
  static String numberHint(JsonNode v) {
    return v.isTextual() && OTHER_NUMBER.matcher(v.textValue()).matches()
        ? " (write numbers in plain decimal digits, like 5000)"
        : "";
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

  /**
   * The problem's mark, unless the parser found the problem only at the end of the text (an
   * unclosed quote or bracket): then the context's mark, where the person opened it.
   */
  private static Mark yamlMark(MarkedYAMLException e, String yaml) {
    Mark problem = e.getProblemMark();
    Mark context = e.getContextMark();
    boolean atEnd = problem == null || problem.getIndex() >= yaml.stripTrailing().length();
    return atEnd && context != null ? context : problem != null ? problem : context;
  }

  private static int yamlLine(MarkedYAMLException e, String yaml, int firstLine) {
    Mark mark = yamlMark(e, yaml);
    return mark == null ? firstLine : mark.getLine() + firstLine;
  }

  /** The parser's reason in plain words, with the column and what the parser was reading. */
  private static String yamlReason(MarkedYAMLException e, String yaml) {
    Mark mark = yamlMark(e, yaml);
    String problem = e.getProblem() != null ? firstLine(e.getProblem()) : "syntax error";
    problem =
        problem
            .replace("found character '\\t(TAB)' that cannot start any token", "found a tab")
            .replace("(Do not use \\t(TAB) for indentation)", "(indent with spaces, not tabs)")
            .replace("\\t(TAB)", "a tab");
    StringBuilder sb = new StringBuilder("invalid YAML");
    if (mark != null) {
      sb.append(" at column ").append(mark.getColumn() + 1);
    }
    sb.append(": ").append(problem);
    if (e.getContext() != null) {
      sb.append(" (").append(firstLine(e.getContext())).append(')');
    }
    return sb.toString();
  }
}
