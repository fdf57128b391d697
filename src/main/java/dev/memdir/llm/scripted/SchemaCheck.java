package dev.memdir.llm.scripted;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that a tool's parameters are a well-formed JSON schema, as both APIs do before they accept
 * a tool: known types, object-valued {@code properties}, string lists in {@code required}, and so
 * on down the tree.
 */
final class SchemaCheck {
  private static final Set<String> TYPES =
      Set.of("object", "array", "string", "number", "integer", "boolean", "null");
  private static final Set<String> SCHEMA_MAPS =
      Set.of("properties", "$defs", "definitions", "patternProperties");
  private static final Set<String> SCHEMA_LISTS = Set.of("anyOf", "oneOf", "allOf", "prefixItems");
  private static final Set<String> SCHEMA_VALUES =
      Set.of("items", "additionalProperties", "not", "contains", "if", "then", "else");
  private static final int MAX_DEPTH = 64;

  private SchemaCheck() {}

  /** What is wrong with {@code schema}, which must describe an object, or empty when it is fine. */
  static Optional<String> problem(JsonNode schema) {
    if (schema == null || !schema.isObject()) {
      return Optional.of("schema must be a JSON object, got " + Wire.type(schema));
    }
    JsonNode type = schema.get("type");
    if (type == null || !"object".equals(type.asText())) {
      return Optional.of(
          "schema must be a JSON Schema of 'type: \"object\"', got 'type: \""
              + (type == null ? "None" : type.asText())
              + "\"'");
    }
    return check(schema, "", 0);
  }

  private static Optional<String> check(JsonNode s, String path, int depth) {
    if (s.isBoolean()) {
      return Optional.empty();
    }
    if (!s.isObject()) {
      return Optional.of(
          "In context=("
              + path
              + "), "
              + Wire.type(s)
              + " is not valid under any of the given schemas");
    }
    if (depth > MAX_DEPTH) {
      return Optional.of("schema is nested deeper than " + MAX_DEPTH + " levels");
    }
    JsonNode type = s.get("type");
    if (type != null) {
      Optional<String> p = checkType(type, path);
      if (p.isPresent()) {
        return p;
      }
    }
    JsonNode required = s.get("required");
    if (required != null) {
      if (!required.isArray()) {
        return Optional.of(
            "In context=(" + path + "), 'required' must be an array, got " + Wire.type(required));
      }
      for (JsonNode r : required) {
        if (!r.isTextual()) {
          return Optional.of(
              "In context=(" + path + "), 'required' holds " + Wire.type(r) + ", expected strings");
        }
      }
    }
    JsonNode en = s.get("enum");
    if (en != null && (!en.isArray() || en.isEmpty())) {
      return Optional.of("In context=(" + path + "), 'enum' must be a non-empty array");
    }
    for (Map.Entry<String, JsonNode> e : s.properties()) {
      String key = e.getKey();
      JsonNode v = e.getValue();
      Optional<String> p = Optional.empty();
      if (SCHEMA_MAPS.contains(key)) {
        if (!v.isObject()) {
          return Optional.of(
              "In context=(" + path + "), '" + key + "' must be an object, got " + Wire.type(v));
        }
        for (Map.Entry<String, JsonNode> sub : v.properties()) {
          p =
              p.isPresent()
                  ? p
                  : check(sub.getValue(), path(path, key + "', '" + sub.getKey()), depth + 1);
        }
      } else if (SCHEMA_LISTS.contains(key)) {
        if (!v.isArray() || v.isEmpty()) {
          return Optional.of("In context=(" + path + "), '" + key + "' must be a non-empty array");
        }
        for (int i = 0; i < v.size() && p.isEmpty(); i++) {
          p = check(v.get(i), path(path, key + "', " + i + ", '"), depth + 1);
        }
      } else if (SCHEMA_VALUES.contains(key)) {
        p = check(v, path(path, key), depth + 1);
      }
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> checkType(JsonNode type, String path) {
    if (type.isTextual()) {
      return TYPES.contains(type.asText())
          ? Optional.empty()
          : Optional.of(
              "In context=("
                  + path
                  + "'type'), '"
                  + type.asText()
                  + "' is not valid under any of the given schemas");
    }
    if (type.isArray() && !type.isEmpty()) {
      for (JsonNode t : type) {
        if (!t.isTextual() || !TYPES.contains(t.asText())) {
          return Optional.of(
              "In context=("
                  + path
                  + "'type'), "
                  + t
                  + " is not valid under any of the given schemas");
        }
      }
      return Optional.empty();
    }
    return Optional.of(
        "In context=("
            + path
            + "'type'), "
            + type
            + " is not valid under any of the given schemas");
  }

  private static String path(String parent, String key) {
    return parent + "'" + key + "', ";
  }
}
