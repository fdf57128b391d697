package dev.memdir.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.ToolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of one tool call, read with typed getters whose errors say which argument was wrong
 * and what it must be, so the model can correct its call. Lenient where models commonly slip and
 * the meaning is clear: a number written as a string, a single string where a list is expected.
 */
final class Args {
  /** Arguments MemGPT-style models add to every call; ignored without a note. */
  private static final Set<String> IGNORED = Set.of("request_heartbeat");

  private static final int MAX_SHOWN = 60;

  private final ObjectNode node;
  private final List<String> known;

  Args(ObjectNode node, List<String> known) {
    this.node = node;
    this.known = List.copyOf(known);
  }

  /** A required text argument. */
  String string(String name) {
    return optString(name).orElseThrow(() -> missing(name));
  }

  /** An optional text argument; JSON null counts as absent. */
  Optional<String> optString(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw wrong(name, "a string", v);
    }
    return Optional.of(v.textValue());
  }

  /** An integer argument in {@code [min, max]}, or {@code fallback} when absent. */
  int integer(String name, int fallback, int min, int max) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    long value;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      value = v.longValue();
    } else if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue())) {
      value = (long) v.doubleValue();
    } else if (v.isTextual() && v.textValue().strip().matches("-?\\d{1,18}")) {
      value = Long.parseLong(v.textValue().strip());
    } else {
      throw wrong(name, "an integer", v);
    }
    if (value < min || value > max) {
      throw new ToolException(
          "argument '" + name + "' must be from " + min + " to " + max + ", got " + value);
    }
    return (int) value;
  }

  /** A boolean argument, or {@code fallback} when absent; "true" and "false" strings count. */
  boolean bool(String name, boolean fallback) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual()) {
      String t = v.textValue().strip().toLowerCase(Locale.ROOT);
      if (t.equals("true") || t.equals("false")) {
        return t.equals("true");
      }
    }
    throw wrong(name, "true or false", v);
  }

  /** A list of strings; absent means empty, a single string a list of one. */
  List<String> strings(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isTextual()) {
      return List.of(v.textValue());
    }
    if (!v.isArray()) {
      throw wrong(name, "a list of strings", v);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new ToolException(
            "argument '" + name + "' must be a list of strings, but holds " + show(item));
      }
      out.add(item.textValue());
    }
    return out;
  }

  /** A list of objects; absent means empty, a single object a list of one. */
  List<ObjectNode> objects(String name) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isObject()) {
      return List.of((ObjectNode) v);
    }
    if (!v.isArray()) {
      throw wrong(name, "a list of objects", v);
    }
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isObject()) {
        throw new ToolException(
            "argument '" + name + "' must be a list of objects, but holds " + show(item));
      }
      out.add((ObjectNode) item);
    }
    return out;
  }

  /** Arguments the tool does not declare (other than those models add by habit). */
  List<String> unknown() {
    List<String> out = new ArrayList<>();
    node.fieldNames()
        .forEachRemaining(
            n -> {
              if (!known.contains(n) && !IGNORED.contains(n)) {
                out.add(n);
              }
            });
    return out;
  }

  /** The declared argument names, for messages. */
  List<String> known() {
    return known;
  }

  private ToolException missing(String name) {
    return new ToolException(
        "missing required argument '" + name + "' (arguments: " + String.join(", ", known) + ")");
  }

  private static ToolException wrong(String name, String what, JsonNode v) {
    return new ToolException("argument '" + name + "' must be " + what + ", got " + show(v));
  }

  static String show(JsonNode v) {
    String s = v.toString();
    return s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "…" : s;
  }
}
