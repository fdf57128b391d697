package dev.memdir.letta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** A JSON value with its path in the file, so an error names the field: {@code a[0].b: missing}. */
final class Node {
  final String file;
  final String path;
  final JsonNode json;

  private Node(String file, String path, JsonNode json) {
    this.file = file;
    this.path = path;
    this.json = json;
  }

  static Node root(String file, JsonNode json) {
    return new Node(file, "", json);
  }

  Node get(String field) {
    JsonNode child = json != null && json.isObject() ? json.get(field) : null;
    return new Node(file, path.isEmpty() ? field : path + "." + field, child);
  }

  boolean present() {
    return json != null && !json.isNull() && !json.isMissingNode();
  }

  /** Whether the value says something: not null, false, empty text, an empty list or object. */
  boolean meaningful() {
    return meaningful(json);
  }

  static boolean meaningful(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return false;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual()) {
      return !n.textValue().isEmpty();
    }
    if (n.isContainerNode()) {
      return n.size() > 0;
    }
    return true;
  }

  String text() {
    if (!present()) {
      throw error("missing");
    }
    if (!json.isTextual()) {
      throw error("must be text, got " + kind());
    }
    return json.textValue();
  }

  Optional<String> optText() {
    return present() ? Optional.of(text()) : Optional.empty();
  }

  OptionalInt optInt() {
    if (!present()) {
      return OptionalInt.empty();
    }
    if (!json.isIntegralNumber() || !json.canConvertToInt()) {
      throw error("must be an integer, got " + kind() + " " + json);
    }
    return OptionalInt.of(json.intValue());
  }

  Optional<Boolean> optBool() {
    if (!present()) {
      return Optional.empty();
    }
    if (!json.isBoolean()) {
      throw error("must be true or false, got " + kind() + " " + json);
    }
    return Optional.of(json.booleanValue());
  }

  /** The list's items; an absent or null list is empty. */
  List<Node> list() {
    List<Node> out = new ArrayList<>();
    if (!present()) {
      return out;
    }
    if (!json.isArray()) {
      throw error("must be a list, got " + kind());
    }
    for (int i = 0; i < json.size(); i++) {
      out.add(new Node(file, path + "[" + i + "]", json.get(i)));
    }
    return out;
  }

  /** The object; absent is an error. */
  ObjectNode object() {
    if (!present()) {
      throw error("missing");
    }
    if (!json.isObject()) {
      throw error("must be an object, got " + kind());
    }
    return (ObjectNode) json;
  }

  Optional<ObjectNode> optObject() {
    return present() ? Optional.of(object()) : Optional.empty();
  }

  String kind() {
    if (json == null || json.isMissingNode()) {
      return "nothing";
    }
    return switch (json.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case STRING -> "text";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> json.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }

  LettaFormatException error(String message) {
    return new LettaFormatException(file, 0, (path.isEmpty() ? "" : path + ": ") + message);
  }
}
